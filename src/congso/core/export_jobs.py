"""Exports too large for a request, built by the task worker with their progress shown (issue 14
§2, ADR 0047).

An export is an ``Export``: a rule (``allowed(user, params)``, the same question its page asks)
and a builder (``build(user, params, progress)`` → file name and bytes, reading through the
caller's scoped selectors). A view asks ``too_big(rows)``; below ``EXPORT_INLINE_ROWS`` it
answers in the request as before, above it calls ``start(...)``, which writes an ``ExportJob``
row and enqueues ``run_export`` in one transaction, and sends the person to the job's page.

- The job counts its rows, writes the workbook with ``core.exports.xlsx_table`` and records
  ``rows_done`` every ``PROGRESS_EVERY`` rows (outside any transaction, so the page polling it
  sees it move), then stores the file in the default storage (private; S3 in production) under
  ``exports/<job id>/``.
- Only the person who asked sees the job; the export's rule is asked again when the job runs
  and at download (a role taken away in between stops the file). Someone else's job, a missing
  one and a forbidden one all answer 404.
- The file lives ``EXPORT_KEEP_HOURS``; ``purge_expired`` (every 15 minutes) deletes expired
  files and, after ``EXPORT_FORGET_DAYS``, the rows.
- Idempotent: a run of a job already done does nothing; a run again after a worker died
  mid-way (the tick requeues it, ADR 0043) rebuilds the file from the start and replaces it.
  A failure is final for that job (``retries=0``): the page says so and offers to start again.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .db import replica
from .downloads import XLSX
from .models import ExportJob, ExportStatus
from .tasks import enqueue, job, periodic

log = logging.getLogger("congso.exports")

PROGRESS_EVERY = 500  # rows between two progress writes
T = TypeVar("T")


class Progress:
    """Handed to a builder: ``total(n)`` once the rows are counted, ``count(rows)`` wraps the
    row iterator and records how many went into the file."""

    def __init__(self, export_id: Any) -> None:
        self.export_id = export_id
        self.done = 0
        self._written_at = 0.0

    # (bookkeeping: these writes do not send the builder's reads back to the primary)
    def total(self, n: int) -> None:
        with replica.bookkeeping():
            ExportJob.objects.filter(pk=self.export_id).update(rows_total=n, rows_done=0)

    def _write(self) -> None:
        with replica.bookkeeping():
            ExportJob.objects.filter(pk=self.export_id).update(rows_done=self.done)
        self._written_at = time.monotonic()

    def count(self, rows: Iterable[T]) -> Iterator[T]:
        for row in rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0 or time.monotonic() - self._written_at > 2:
                self._write()
        self._write()


@dataclass(frozen=True)
class Export:
    """One kind of large export. ``allowed`` and ``build`` take the requesting user and the
    JSON parameters the view saved; ``build`` returns (file name, content)."""

    allowed: Callable[[Any, dict[str, Any]], bool]
    build: Callable[[Any, dict[str, Any], Progress], tuple[str, bytes]]
    content_type: str = XLSX


def inline_limit() -> int:
    return int(getattr(settings, "EXPORT_INLINE_ROWS", 5000))


def too_big(rows: QuerySet[Any]) -> bool:
    """More rows than a request builds (a bounded count: at most the limit + 1 rows read)."""
    limit = inline_limit()
    return rows[: limit + 1].count() > limit


def _export(kind: str) -> Export:
    found = import_string(kind)
    if not isinstance(found, Export):
        raise TypeError(f"{kind} is not an Export")
    return found


def start(*, user: Any, kind: str, params: dict[str, Any], title: str) -> ExportJob:
    """Queue the export ``kind`` (dotted path of an ``Export``) for ``user``: refused with
    PermissionDenied when its rule refuses; otherwise the row and its job commit together."""
    if not _export(kind).allowed(user, params):
        raise PermissionDenied(_("Bạn không có quyền xuất tệp này."))
    with transaction.atomic():
        export = ExportJob.objects.create(
            requested_by=user, kind=kind, params=params, title=title[:500]
        )
        enqueue(run_export, str(export.pk))
    return export


def restart(export: ExportJob) -> ExportJob:
    """The same export again (after a failure or expiry), as a new job of the same person."""
    return start(
        user=export.requested_by, kind=export.kind, params=export.params, title=export.title
    )


def _fail(export_id: Any, message: str) -> None:
    ExportJob.objects.filter(pk=export_id).update(
        status=ExportStatus.FAILED, error=message[:500], finished_at=timezone.now()
    )


@job(retries=0, queue_name="default")
def run_export(export_id: str) -> str:
    """Build one export's file (idempotent: see the module's docstring)."""
    export = ExportJob.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.status in (ExportStatus.DONE, ExportStatus.EXPIRED):
        return "skipped"
    user = export.requested_by
    spec = _export(export.kind)
    if not user.is_active or not spec.allowed(user, export.params):
        _fail(export.pk, _("Bạn không còn quyền xuất tệp này."))
        return "refused"
    ExportJob.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING, started_at=timezone.now(), rows_done=0, error=""
    )
    if export.file:  # a run cut short before: start the file again
        export.file.delete(save=False)
    try:
        # Exports read what may lag: from the replica when there is a usable one (ADR 0085).
        with replica.replica_reads():
            filename, content = spec.build(user, export.params, Progress(export.pk))
    except Exception:
        log.exception("export %s (%s) failed", export.pk, export.kind)
        _fail(export.pk, _("Không tạo được tệp do lỗi hệ thống. Vui lòng thử lại sau."))
        raise
    export.file.save(filename, ContentFile(content), save=False)
    now = timezone.now()
    ExportJob.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE,
        file=export.file.name,
        filename=filename,
        finished_at=now,
        expires_at=now + dt.timedelta(hours=keep_hours()),
    )
    return "done"


def keep_hours() -> int:
    return int(getattr(settings, "EXPORT_KEEP_HOURS", 24))


def is_expired(export: ExportJob, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return export.status == ExportStatus.EXPIRED or (
        export.status == ExportStatus.DONE
        and export.expires_at is not None
        and export.expires_at <= now
    )


def get_for(user: Any, export_id: Any) -> ExportJob | None:
    """The caller's own job, or None (someone else's and a missing one alike)."""
    if not user.is_authenticated:
        return None
    return ExportJob.objects.filter(pk=export_id, requested_by=user).first()


def content_type(export: ExportJob) -> str:
    return _export(export.kind).content_type


def may_download(user: Any, export: ExportJob) -> bool:
    """The file of a finished, unexpired job of ``user`` whose export rule still allows it."""
    return (
        export.requested_by_id == user.pk
        and export.status == ExportStatus.DONE
        and not is_expired(export)
        and bool(export.file)
        and _export(export.kind).allowed(user, export.params)
    )


@periodic(every=dt.timedelta(minutes=15))
@job(retries=0)
def purge_expired() -> tuple[int, int]:
    """Delete the files of expired exports (the rows say 'expired'), and the rows of exports
    older than EXPORT_FORGET_DAYS. Idempotent: a file already gone is skipped."""
    now = timezone.now()
    files = 0
    for export in ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now):
        if export.file:
            export.file.delete(save=False)
            files += 1
        ExportJob.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
    forget = now - dt.timedelta(days=int(getattr(settings, "EXPORT_FORGET_DAYS", 30)))
    old = ExportJob.objects.filter(created_at__lt=forget)
    for export in old.exclude(file=""):
        export.file.delete(save=False)
    rows, _counts = old.delete()
    return files, rows
