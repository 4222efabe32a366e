from __future__ import annotations

import itertools

import pytest
from django.core.management import CommandError, call_command

from congso.audit.models import AuditEvent
from congso.audit.services import audit_record, audit_trail, audit_verify

pytestmark = pytest.mark.django_db


def _events(demo_org, n=5):
    actor = demo_org.user("motcua.tx")
    return [audit_record(actor=actor, action="test.event", target=demo_org.district,
                         unit=demo_org.district, data={"i": i, "text": "Tiếp nhận hồ sơ"}) for i in range(n)]


def test_chain_links_each_event_to_the_previous(demo_org):
    events = _events(demo_org)
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    report = audit_verify()
    assert report.ok and report.checked == AuditEvent.objects.count()
    assert list(audit_trail(demo_org.district)) == events


def test_edited_row_is_named(demo_org):
    events = _events(demo_org)
    AuditEvent.objects.filter(pk=events[2].pk).update(data={"i": 99})
    report = audit_verify()
    assert not report.ok and report.broken_seq == events[2].seq
    assert "edited" in report.reason


def test_deleted_row_is_named(demo_org):
    events = _events(demo_org)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    report = audit_verify()
    assert report.broken_seq == events[1].seq


def test_truncated_tail_is_detected(demo_org):
    events = _events(demo_org)
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    assert audit_verify().broken_seq == events[-1].seq


def test_rewritten_hash_breaks_the_next_link(demo_org):
    events = _events(demo_org)
    AuditEvent.objects.filter(pk=events[1].pk).update(hash="f" * 64)
    report = audit_verify()
    assert report.broken_seq == events[1].seq


def test_command_reports_ok_and_broken(demo_org, capsys):
    events = _events(demo_org, 3)
    call_command("audit_verify")
    assert "toàn vẹn" in capsys.readouterr().out
    AuditEvent.objects.filter(pk=events[0].pk).update(action="forged")
    with pytest.raises(CommandError, match=f"#{events[0].seq}"):
        call_command("audit_verify")
