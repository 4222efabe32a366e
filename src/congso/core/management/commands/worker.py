"""``manage.py worker``: the task worker (django-tasks' database worker) with CongSo's scheduler
tick started. `make run` starts one beside the development server; production runs one or more
(docs/deployment.md)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy tiến trình xử lý việc nền và việc định kỳ (django-tasks)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Số giây chờ khi hàng đợi trống (mặc định 1).",
        )
        parser.add_argument("--batch", action="store_true", help="Chạy hết việc đang chờ rồi dừng.")
        parser.add_argument(
            "--worker-id", default=None, help="Tên tiến trình (mặc định ngẫu nhiên)."
        )

    def handle(
        self,
        *args: Any,
        interval: float = 1.0,
        batch: bool = False,
        worker_id: str | None = None,
        **options: Any,
    ) -> None:
        from congso.core.tasks import ensure_tick

        if not batch:
            ensure_tick()
        extra: dict[str, Any] = {
            "interval": interval,
            "batch": batch,
            "verbosity": options.get("verbosity", 1),
        }
        if worker_id:
            extra["worker_id"] = worker_id
        call_command("db_worker", **extra)
