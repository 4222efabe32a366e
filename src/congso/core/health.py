"""Health and readiness (issue #14 §3): ``/healthz`` answers while the process serves requests;
``/readyz`` says whether this node can do its work — database, cache, file storage and a task
worker that ticked recently — so a load balancer or an orchestrator takes a node out of service
before people see errors."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _cache() -> str:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        return "không đọc lại được khoá vừa ghi"
    cache.delete(key)
    return "ok"


def _storage() -> str:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as fh:
            if fh.read() != b"ok":
                return "không đọc lại được tệp vừa ghi"
    finally:
        default_storage.delete(name)
    return "ok"


def _worker() -> str:
    """The scheduler's ``__tick__`` row moves every TASKS_TICK seconds while a worker runs."""
    from .models import ScheduledJob
    from .tasks import TICK_NAME

    if settings.TASKS_BACKEND != "database":
        return "ok"  # jobs run in the request process
    row = ScheduledJob.objects.filter(name=TICK_NAME).first()
    limit = dt.timedelta(seconds=max(3 * settings.TASKS_TICK, 60))
    if row is None or row.last_run_at is None:
        return "chưa có tiến trình xử lý việc nền nào chạy"
    if timezone.now() - row.last_run_at > limit:
        return f"tiến trình xử lý việc nền không hoạt động từ {timezone.localtime(row.last_run_at):%H:%M:%S %d/%m/%Y}"
    return "ok"


CHECKS: dict[str, Callable[[], str]] = {
    "database": _database,
    "cache": _cache,
    "storage": _storage,
    "worker": _worker,
}


def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # a dependency down is an answer here, not a server error
            results[name] = f"lỗi: {type(exc).__name__}"
    ready = all(v == "ok" for v in results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": results},
        status=200 if ready else 503,
    )
