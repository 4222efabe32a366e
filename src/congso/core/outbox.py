"""What the outboxes (national-portal sync jobs, notifications) share: the retry schedule and
the worker command that drains one."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand

MAX_BACKOFF = dt.timedelta(hours=6)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 2, 4 … minutes after the 1st, 2nd, 3rd failure, at
    most 6 hours."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


class OutboxWorkerCommand(BaseCommand):
    """``manage.py <name> [--limit N] [--loop SECONDS]``: one pass over due rows, or a
    long-running worker. Subclasses set ``help`` and ``drain(limit) -> (sent, failed)``."""

    drain: Callable[..., tuple[int, int]]

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--limit", type=int, default=500, help="Số việc tối đa mỗi lượt.")
        parser.add_argument("--loop", type=int, default=0,
                            help="Chạy liên tục, nghỉ N giây giữa các lượt (0: chạy một lượt).")

    def handle(self, *args: Any, limit: int = 500, loop: int = 0, **options: Any) -> None:
        while True:
            sent, failed = type(self).drain(limit=limit)
            self.stdout.write(f"Đã gửi {sent}, lỗi {failed}.")
            if not loop:
                return
            time.sleep(loop)
