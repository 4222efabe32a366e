"""Jobs used by the task tests (importable by a worker process)."""

from __future__ import annotations

import time

from django.db import transaction

from congso.core.export_jobs import Export
from congso.core.tasks import job

CALLS: list[str] = []


@job(retries=2)
def flaky(key: str) -> str:
    CALLS.append(key)
    raise RuntimeError("gateway down")


@job()
def effect(n: int, pause: float = 0.0) -> None:
    """An idempotent effect: one pending notification per ``n``, whatever the number of runs."""
    from congso.notify.models import Channel, Notification

    time.sleep(pause)
    with transaction.atomic():
        if not Notification.objects.filter(reference=f"crash:{n}").exists():
            Notification.objects.create(
                channel=Channel.EMAIL,
                recipient=f"n{n}@example.vn",
                subject="s",
                body="b",
                event="crash.test",
                reference=f"crash:{n}",
            )


# --- exports (congso.core.export_jobs) --------------------------------------------------------

EXPORT_STATE: dict[str, object] = {"allowed": True, "rows": 5, "fail_at": None, "seen": []}


def _export_allowed(user, params):  # type: ignore[no-untyped-def]
    return bool(EXPORT_STATE["allowed"]) and params.get("owner") == user.pk


def _export_build(user, params, progress):  # type: ignore[no-untyped-def]
    from congso.core.exports import xlsx_table
    from congso.core.models import ExportJob

    n = int(EXPORT_STATE["rows"])  # type: ignore[call-overload]
    progress.total(n)
    seen: list[tuple[int, int | None]] = EXPORT_STATE["seen"]  # type: ignore[assignment]

    def rows():  # type: ignore[no-untyped-def]
        for i in range(n):
            if i == EXPORT_STATE["fail_at"]:
                raise RuntimeError("database went away")
            row = ExportJob.objects.get(pk=progress.export_id)
            seen.append((row.rows_done, row.rows_total))
            yield [i + 1, f"=dòng {i + 1}"]

    content = xlsx_table(
        sheet="Thu",
        widths=[8, 30],
        preamble=[["Tiêu đề"]],
        header=["STT", "Nội dung"],
        rows=progress.count(rows()),
    )
    return "thu.xlsx", content


EXPORT = Export(allowed=_export_allowed, build=_export_build)
