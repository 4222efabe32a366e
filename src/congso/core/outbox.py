"""What the outboxes (national-portal sync jobs, notifications) share: the retry schedule.
Their drains run as periodic jobs (congso.core.tasks; notify.tasks, dossiers.tasks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

MAX_BACKOFF = dt.timedelta(hours=6)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 2, 4 … minutes after the 1st, 2nd, 3rd failure, at
    most 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class DrainCommand(BaseCommand):
    """Base of the one-pass outbox commands (``notify_deliver``, ``sync_national_portal``): send
    what is due now and stop. The long-running worker is ``manage.py worker``."""

    drain: Callable[..., tuple[int, int]]

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500, help="Số việc tối đa.")

    def handle(self, *args: Any, limit: int = 500, **options: Any) -> None:
        sent, failed = type(self).drain(limit=limit)
        self.stdout.write(f"Đã gửi {sent}, lỗi {failed}.")
