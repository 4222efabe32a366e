"""Sync outbox and worker, audit chain tampering, unit merge, statistics figures, and the
concurrent intake test on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from congso.audit.models import AuditEvent
from congso.audit.services import audit_verify
from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Status, SyncJob
from congso.dossiers.stats import statistics
from congso.dossiers.sync import FailingTransport, OutboxFolderTransport, sync_run
from congso.org.models import Unit
from congso.org.services import unit_merge

from .conftest import all_papers, person
from .factories import local


def receive(org, version, at, **kw):
    return s.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=person(**kw),
        papers=all_papers(version),
        at=at,
    )


@pytest.mark.django_db
def test_sync_worker_retries_with_backoff_and_never_loses_a_job(
    demo_org, district_version, settings
):
    d = receive(demo_org, district_version, local(2026, 3, 2, 9))
    s.dossier_hand_over(
        dossier=d,
        by=demo_org.staff["motcua.tx"],
        to_unit=demo_org.departments["TP"],
        at=local(2026, 3, 2, 10),
    )
    assert SyncJob.objects.count() == 2
    assert sync_run(transport=FailingTransport()) == (0, 2)
    failed = SyncJob.objects.get(service="DongBoHoSoMC")
    assert (
        failed.state == "failed" and failed.attempts == 1 and "không phản hồi" in failed.last_error
    )
    assert failed.next_attempt_at > timezone.now()
    assert sync_run(transport=OutboxFolderTransport()) == (0, 0)  # not due yet
    SyncJob.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    out = StringIO()
    call_command("sync_national_portal", stdout=out)
    assert "Đã gửi 2" in out.getvalue()
    files = sorted((settings.OUTBOX_DIR / "national_portal").glob("*.json"))
    payload = json.loads(files[0].read_text(encoding="utf-8"))
    assert payload["service"] == "DongBoHoSoMC"
    data = payload["data"]
    assert data["MaHoSo"] == d.code and data["KenhThucHien"] == "1" and data["TrangThaiHoSo"] == "2"
    assert data["NgayTiepNhan"] == "20260302090000" and data["SoGiayToChuHoSo"] == "001090012345"
    update = json.loads(files[1].read_text(encoding="utf-8"))["data"]
    assert update["TrangThaiHoSo"] == "4" and len(update["QuaTrinhXuLy"]) == 2
    assert SyncJob.objects.filter(state="sent").count() == 2


@pytest.mark.django_db
def test_audit_chain_tamper_is_named(demo_org, district_version):
    d = receive(demo_org, district_version, local(2026, 3, 2, 9))
    s.dossier_hand_over(
        dossier=d,
        by=demo_org.staff["motcua.tx"],
        to_unit=demo_org.departments["TP"],
        at=local(2026, 3, 2, 10),
    )
    s.dossier_assign(
        dossier=d,
        by=demo_org.staff["truongphong.tp"],
        specialist=demo_org.staff["chuyenvien.tp"],
        at=local(2026, 3, 2, 11),
    )
    assert audit_verify().ok
    handover = AuditEvent.objects.get(action="dossier.hand_over")
    AuditEvent.objects.filter(pk=handover.pk).update(data={**handover.data, "to": 10})
    report = audit_verify()
    assert report.broken_seq == handover.seq
    with pytest.raises(CommandError, match=f"#{handover.seq} "):
        call_command("audit_verify")
    AuditEvent.objects.filter(pk=handover.pk).update(data=handover.data)
    assert audit_verify().ok
    assign = AuditEvent.objects.get(action="dossier.assign")
    AuditEvent.objects.filter(pk=assign.pk).delete()
    assert audit_verify().broken_seq == assign.seq


@pytest.mark.django_db
def test_merge_moves_open_dossiers_and_keeps_history(demo_org, ward_version):
    nc, tx_nam = demo_org.wards["00343"], demo_org.wards["00370"]
    open_one = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=nc,
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
        at=local(2026, 3, 2, 9),
    )
    closed = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=nc,
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
        at=local(2026, 3, 2, 9),
    )
    s.dossier_withdraw(dossier=closed, by=demo_org.staff["motcua.nc"], reason="Xin rút")
    moved = unit_merge(source=nc, successor=tx_nam)
    assert moved["dossiers"] == 1
    open_one.refresh_from_db()
    closed.refresh_from_db()
    assert (
        open_one.receiving_unit == tx_nam
        and open_one.agency == tx_nam
        and open_one.code.startswith("H26.09.343-")
    )
    assert closed.receiving_unit == nc
    assert open_one.history.first().unit == nc


@pytest.mark.django_db
def test_statistics_figures(demo_org, district_version):
    # Backlog: received in February, still open on 1 March.
    backlog = receive(demo_org, district_version, local(2026, 2, 20, 9))
    early = receive(demo_org, district_version, local(2026, 3, 2, 9))
    s.dossier_hand_over(
        dossier=early,
        by=demo_org.staff["motcua.tx"],
        to_unit=demo_org.departments["TP"],
        at=local(2026, 3, 2, 10),
    )
    Dossier.objects.filter(pk=early.pk).update(
        finished_at=local(2026, 3, 3, 9), timeliness="early", status=Status.RESULT_READY
    )
    late = receive(demo_org, district_version, local(2026, 3, 2, 9))
    Dossier.objects.filter(pk=late.pk).update(
        finished_at=local(2026, 3, 9, 9), timeliness="late", status=Status.RESULT_READY
    )
    receive(demo_org, district_version, local(2026, 3, 30, 9))  # open, not yet due on 31/03
    rows = statistics(
        Unit.objects.filter(pk=demo_org.district.pk),
        local(2026, 3, 1, 0),
        local(2026, 4, 1, 0),
        now=local(2026, 3, 31, 18),
    )
    (row,) = rows
    assert row["received"] == 3 and row["received_counter"] == 3 and row["backlog"] == 1
    assert row["to_handle"] == 4 and row["finished_early"] == 1 and row["finished_late"] == 1
    assert row["in_progress"] == 2 and row["progress_late"] == 1  # the February one
    assert row["late_rate"] == 50.0 and row["on_time_rate"] == 50.0
    assert backlog.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_parallel_intakes_get_distinct_codes(demo_org, district_version):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (SQLite serialises writers)")
    at = local(2026, 3, 2, 9)
    codes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(50)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            d = s.dossier_receive(
                by=demo_org.staff["motcua.tx"],
                receiving_unit=demo_org.desk,
                version=district_version,
                applicant=person(),
                at=at,
                papers=all_papers(district_version),
            )
            codes.append(d.code)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(set(codes)) == 50
    assert sorted(codes)[-1] == "H26.09-260302-0050"
