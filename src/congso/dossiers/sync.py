"""National public-service portal sync (DongBoHoSoMC / CapNhatTienDoHoSoMC).

The job row is written in the same transaction as the change it reports (an outbox), so a
change is never committed without its job and a job never exists for a rolled-back change.
A worker (``manage.py sync_national_portal``) claims due jobs, hands them to the transport
and retries failures with exponential backoff; jobs are never deleted."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from congso.core.outbox import backoff
from congso.core.rows import insert_rows

from .models import Dossier, StatusHistory, SyncJob

log = logging.getLogger("congso.dossiers.sync")

NEW_SERVICE = "DongBoHoSoMC"
UPDATE_SERVICE = "CapNhatTienDoHoSoMC"


def portal_time(value: dt.datetime | None) -> str:
    """yyyyMMddHHmmss in Asia/Ho_Chi_Minh, as the portal expects."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y%m%d%H%M%S")


def build_payload(
    dossier: Dossier, history: Sequence[StatusHistory] | None = None
) -> dict[str, Any]:
    """The dossier in the national portal's field names; ``history`` is its whole status
    history when the caller has it in hand (a new dossier), else it is read."""
    rows = (
        history
        if history is not None
        else dossier.history.select_related("unit").order_by("at", "pk")
    )
    steps = []
    for row in rows:
        steps.append(
            {
                "NguoiXuLy": row.actor_name,
                "ChucDanh": "",
                "ThoiDiemXuLy": portal_time(row.at),
                "PhongBanXuLy": row.unit.name,
                "NoiDungXuLy": row.note or row.action,
                "TrangThai": str(row.to_status),
                "NgayBatDau": portal_time(row.at),
                "NgayKetThucTheoQuyDinh": portal_time(dossier.due_at),
            }
        )
    return {
        "MaHoSo": dossier.code or "",
        "MaTTHC": dossier.procedure_version.procedure.national_code,
        "TenTTHC": dossier.procedure_version.name,
        "MaCoQuan": dossier.agency.agency_id,
        "KenhThucHien": str(dossier.channel),
        "ChuHoSo": dossier.applicant_name,
        "SoGiayToChuHoSo": dossier.applicant_id_number,
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.due_at),
        "TrangThaiHoSo": str(dossier.status),
        "NgayTra": portal_time(dossier.returned_at),
        "QuaTrinhXuLy": steps,
    }


def sync_enqueue(
    dossier: Dossier, *, first: bool, history: Sequence[StatusHistory] | None = None
) -> SyncJob:
    """Queue the dossier's current state; call inside the transaction that changed it."""
    job = SyncJob(
        dossier=dossier,
        service=NEW_SERVICE if first else UPDATE_SERVICE,
        payload=build_payload(dossier, history),
        next_attempt_at=timezone.now(),
    )
    insert_rows([job])
    return job


class Transport(Protocol):
    def send(self, job: SyncJob) -> None: ...


class OutboxFolderTransport:
    """Writes each payload as a JSON file under settings.OUTBOX_DIR (the default, and what a
    file-based integration gateway picks up)."""

    def send(self, job: SyncJob) -> None:
        folder = Path(settings.OUTBOX_DIR) / "national_portal"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{job.pk:010d}-{job.service}.json"
        tmp = folder / (name + ".tmp")
        tmp.write_text(
            json.dumps({"service": job.service, "data": job.payload}, ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        tmp.replace(folder / name)


class FailingTransport:
    """Always fails: for tests and for checking that failures show in the admin."""

    def send(self, job: SyncJob) -> None:
        raise ConnectionError("Cổng DVC quốc gia không phản hồi")


@cache
def _transport(path: str) -> Transport:
    transport: Transport = import_string(path)()
    return transport


def get_transport() -> Transport:
    return _transport(settings.NATIONAL_PORTAL_TRANSPORT)


def sync_run(*, limit: int = 100, transport: Transport | None = None) -> tuple[int, int]:
    """Send up to ``limit`` due jobs; returns (sent, failed). Each job is claimed in its own
    transaction with SKIP LOCKED on PostgreSQL, so several workers never send the same job."""
    transport = transport or get_transport()
    sent = failed = 0
    for _i in range(limit):
        with transaction.atomic():
            qs = SyncJob.objects.filter(
                state__in=[SyncJob.State.PENDING, SyncJob.State.FAILED],
                next_attempt_at__lte=timezone.now(),
            ).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            job = qs.first()
            if job is None:
                break
            job.attempts += 1
            try:
                transport.send(job)
            except Exception as exc:
                job.state = SyncJob.State.FAILED
                job.last_error = str(exc)[:2000]
                job.next_attempt_at = timezone.now() + backoff(job.attempts)
                failed += 1
                log.warning("sync job %s failed (attempt %s): %s", job.pk, job.attempts, exc)
            else:
                job.state = SyncJob.State.SENT
                job.sent_at = timezone.now()
                job.last_error = ""
                sent += 1
            job.save(
                update_fields=["attempts", "state", "last_error", "next_attempt_at", "sent_at"]
            )
    return sent, failed
