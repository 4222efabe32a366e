from __future__ import annotations

import pytest

from congso.audit.services import audit_verify
from congso.dossiers import demo
from congso.dossiers.models import Dossier, Status, SyncJob
from congso.procedures import demo as procedures_demo

pytestmark = pytest.mark.django_db


def test_demo_skips_without_catalogue(demo_org):
    assert "bỏ qua" in demo.load("2015")
    assert Dossier.objects.count() == 0


def test_demo_dossiers_are_varied_consistent_and_idempotent(demo_org, monkeypatch):
    procedures_demo.load("2015")
    # A smaller run than `make run` keeps the suite fast; the code path is the same.
    monkeypatch.setattr(demo, "COUNTS", {"district": 24, "00343": 10, "00352": 6})
    assert "Đã nạp" in demo.load("2015")
    total, jobs = Dossier.objects.count(), SyncJob.objects.count()
    assert total >= 30
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {Status.PROCESSING, Status.RETURNED} <= statuses and len(statuses) >= 4
    assert (
        Dossier.objects.filter(channel=3).exists()
        and Dossier.objects.filter(forwarded=True).exists()
    )
    assert audit_verify().ok
    assert "đã có" in demo.load("2015")
    assert (Dossier.objects.count(), SyncJob.objects.count()) == (total, jobs)
