from __future__ import annotations

import pytest

from congso.dossiers.models import Dossier, Status
from congso.eservices import demo


@pytest.mark.django_db
def test_demo_is_idempotent_and_logs_in(client):
    from congso.calendar import demo as calendar_demo
    from congso.procedures import demo as procedures_demo

    calendar_demo.load("2015")
    procedures_demo.load("2015")
    assert demo.load("2015")
    assert demo.load("2015") is None
    dossiers = Dossier.objects.filter(applicant_user__username=demo.EMAIL)
    assert dossiers.count() == 2
    assert {d.status for d in dossiers} == {Status.NEW, Status.AWAITING_PAYMENT}
    from congso.org.demo import DEMO_PASSWORD

    r = client.post("/dich-vu-cong/dang-nhap/", {"username": demo.EMAIL, "password": DEMO_PASSWORD})
    assert r.status_code == 302
    assert (
        "Chờ thực hiện nghĩa vụ tài chính"
        in client.get("/dich-vu-cong/ho-so-cua-toi/").content.decode()
    )


@pytest.mark.django_db
def test_unit_merge_moves_unsubmitted_drafts(demo_org):
    from congso.dossiers.tests.factories import offered_procedure
    from congso.eservices.submission import draft_create
    from congso.org.services import unit_merge
    from congso.procedures.models import UnitProcedure

    from .factories import CitizenFactory

    ward = demo_org.wards["00343"]
    other = next(w for w in demo_org.wards.values() if w != ward)
    version = offered_procedure(ward, name="Chứng thực chữ ký")
    version.online_level = "full"
    version.save()
    UnitProcedure.objects.get_or_create(unit=other, procedure=version.procedure)
    draft = draft_create(user=CitizenFactory(), version=version, unit=ward)
    result = unit_merge(source=ward, successor=other)
    assert result["eservices"] == 1
    draft.refresh_from_db()
    assert draft.unit == other
