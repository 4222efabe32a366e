"""Jobs used by the task tests (importable by a worker process)."""

from __future__ import annotations

import time

from django.db import transaction

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
