from __future__ import annotations

import itertools
import json

import pytest
from django.core.management import CommandError, call_command

from congso.audit.models import AuditEvent
from congso.audit.services import audit_checkpoint, audit_record, audit_trail, audit_verify

pytestmark = pytest.mark.django_db


def _events(demo_org, n=5):
    actor = demo_org.user("motcua.tx")
    return [
        audit_record(
            actor=actor,
            action="test.event",
            target=demo_org.district,
            unit=demo_org.district,
            data={"i": i, "text": "Tiếp nhận hồ sơ"},
        )
        for i in range(n)
    ]


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


# --- Issue 11, item 10: truncation anchored by signed checkpoints; actors survive deletion. -----


@pytest.fixture
def checkpoints(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.jsonl"
    return settings.AUDIT_CHECKPOINT_FILE


def _truncate_with_head_copy(events, n):
    """What an attacker with database access does: delete the last n rows and rewrite the head
    to the last remaining event, so the chain looks complete."""
    from congso.audit.models import AuditChainHead

    keep = events[-n - 1]
    AuditEvent.objects.filter(seq__gt=keep.seq).delete()
    AuditChainHead.objects.filter(pk=1).update(last_seq=keep.seq, last_hash=keep.hash)


def test_truncation_with_head_copy_is_detected_by_the_checkpoint(demo_org, checkpoints):
    events = _events(demo_org, 6)
    point = audit_checkpoint()
    assert point.seq == events[-1].seq and checkpoints.stat().st_mode & 0o777 == 0o600
    _truncate_with_head_copy(events, 2)
    report = audit_verify()
    assert not report.ok and report.broken_seq == events[-2].seq
    assert "deleted" in report.reason
    with pytest.raises(CommandError, match=f"#{events[-2].seq}"):
        call_command("audit_verify")


def test_forged_or_rewritten_checkpoint_is_detected(demo_org, checkpoints):
    events = _events(demo_org, 3)
    audit_checkpoint()
    line = json.loads(checkpoints.read_text())
    line["seq"] = events[0].seq  # an attacker moves the anchor back without the key
    checkpoints.write_text(json.dumps(line) + "\n")
    assert "signature" in audit_verify().reason


def test_checkpoint_refuses_a_broken_chain(demo_org, checkpoints):
    events = _events(demo_org, 3)
    AuditEvent.objects.filter(pk=events[1].pk).update(action="forged")
    with pytest.raises(CommandError, match="Không ghi mốc"):
        call_command("audit_checkpoint")
    assert not checkpoints.exists()


def test_checkpoint_command_and_later_events_still_verify(demo_org, checkpoints, capsys):
    _events(demo_org, 2)
    call_command("audit_checkpoint")
    assert "Đã ghi mốc" in capsys.readouterr().out
    _events(demo_org, 2)
    assert audit_verify().ok


def test_deleting_a_user_keeps_the_chain_verifiable(demo_org, checkpoints):
    from congso.accounts.models import User

    user = User.objects.create_user(
        username="tam.thoi", password="Mat-khau-rat-dai-2026", full_name="Cán bộ tạm"
    )
    event = audit_record(actor=user, action="test.event", target=demo_org.district)
    user_pk = user.pk
    user.delete()
    event.refresh_from_db()
    assert event.actor_id is None and event.actor_ref == user_pk and event.actor_repr
    assert audit_verify().ok


@pytest.mark.django_db(transaction=True)  # SQLite's backup API waits for an open write transaction
def test_backup_writes_a_checkpoint_into_its_manifest(demo_org, checkpoints, tmp_path, settings):
    import tarfile

    from congso.core.backup import backup_create

    settings.VAR_DIR = tmp_path
    events = _events(demo_org, 2)
    info = backup_create(tmp_path / "b.tar.gz")
    with tarfile.open(info.path, "r:gz") as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["audit_checkpoint"]["seq"] == events[-1].seq
    assert json.loads(checkpoints.read_text().splitlines()[-1]) == manifest["audit_checkpoint"]
