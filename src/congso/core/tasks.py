"""Background and scheduled work on django-tasks (ADR 0043).

Everything CongSo does out of a request goes through this module:

- ``job(...)`` declares a task (a django-tasks ``Task``) with a retry budget. A failing run is
  recorded as FAILED by the worker and, while attempts remain, enqueued again with the outbox
  backoff (1, 2, 4 … minutes, at most 6 hours) as a new task row whose ``_attempt`` says which
  try it is.
- ``enqueue(task, ...)`` is the one way to start one. On the database backend (production and
  ``make run``) the task row is written in the caller's transaction, so a job exists exactly
  when the change that asked for it committed. On the immediate backend (the test default) the
  run is deferred to the commit for the same reason.
- ``periodic(every)`` registers a scheduled job. The ``tick`` task runs every ``TASKS_TICK``
  seconds, enqueues the periodic jobs that are due (each claimed through its ``ScheduledJob``
  row, so two workers never enqueue one twice), puts back jobs whose worker died mid-run, and
  enqueues the next tick. No cron.

Every job must be idempotent: a worker killed mid-run leaves its row RUNNING; after
``TASKS_STALL_SECONDS`` the tick puts it back to READY and another worker runs it again.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task

from .outbox import backoff

log = logging.getLogger("congso.tasks")

DEFAULT_RETRIES = 5


def job(
    *, retries: int = DEFAULT_RETRIES, queue_name: str = "default", priority: int = 0
) -> Callable[[Callable[..., Any]], Task]:
    """Declare a background job. The function gets its arguments (JSON values only) and must be
    idempotent. ``retries`` more attempts follow a failure, with backoff."""

    def decorate(func: Callable[..., Any]) -> Task:
        @functools.wraps(func)
        def run(*args: Any, _attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except Exception:
                if _attempt <= retries:
                    wait = backoff(_attempt)
                    log.warning(
                        "job %s failed (attempt %s), retry in %s", func.__qualname__, _attempt, wait
                    )
                    this.using(run_after=timezone.now() + wait).enqueue(
                        *args, _attempt=_attempt + 1, **kwargs
                    )
                else:
                    log.error(
                        "job %s failed for good after %s attempts", func.__qualname__, _attempt
                    )
                raise

        this: Task = task(queue_name=queue_name, priority=priority)(run)
        return this

    return decorate


def enqueue(t: Task, *args: Any, **kwargs: Any) -> None:
    """Start ``t`` as part of the caller's transaction: it runs only if that transaction
    commits (at once after the commit on the immediate backend, by a worker otherwise)."""
    if isinstance(t.get_backend(), ImmediateBackend):
        transaction.on_commit(functools.partial(_run_immediately, t, args, kwargs))
    else:
        t.enqueue(*args, **kwargs)


def _run_immediately(t: Task, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    result = t.enqueue(*args, **kwargs)
    if result.errors:
        log.warning("job %s failed: %s", t.name, result.errors[-1].exception_class_path)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Task
    every: dt.timedelta


PERIODIC: dict[str, Periodic] = {}


def periodic(*, every: dt.timedelta | int, name: str | None = None) -> Callable[[Task], Task]:
    """Run a job (declared with ``job``, taking no arguments) every ``every`` (a timedelta or
    seconds). The schedule lives in the ``ScheduledJob`` table, so it survives restarts and is
    shared by every worker."""
    interval = every if isinstance(every, dt.timedelta) else dt.timedelta(seconds=every)

    def register(t: Task) -> Task:
        key = name or t.module_path
        PERIODIC[key] = Periodic(key, t, interval)
        return t

    return register


def _stall_after() -> dt.timedelta:
    return dt.timedelta(seconds=getattr(settings, "TASKS_STALL_SECONDS", 600))


def requeue_stalled(now: dt.datetime | None = None) -> int:
    """Put back to READY the jobs left RUNNING longer than TASKS_STALL_SECONDS (their worker was
    killed or lost its database). Jobs are idempotent, so running one again is safe."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stalled = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - _stall_after()
    )
    count = stalled.update(status=TaskResultStatus.READY, started_at=None)
    if count:
        log.warning("requeued %s stalled job(s)", count)
    return count


def run_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose time has come; returns their names."""
    from .models import ScheduledJob

    now = now or timezone.now()
    started = []
    for key, spec in sorted(PERIODIC.items()):
        with transaction.atomic():
            row, _created = ScheduledJob.objects.get_or_create(
                name=key, defaults={"next_run_at": now}
            )
            row = ScheduledJob.objects.select_for_update().get(pk=row.pk)
            if row.next_run_at > now:
                continue
            row.next_run_at = now + spec.every
            row.last_run_at = now
            row.save(update_fields=["next_run_at", "last_run_at"])
            enqueue(spec.task)
            started.append(key)
    return started


TICK_NAME = "__tick__"


def _tick_seconds() -> int:
    return int(getattr(settings, "TASKS_TICK", 15))


@job(retries=0, priority=10)
def tick() -> list[str]:
    """The scheduler's heartbeat: requeue stalled jobs, start due periodic jobs, schedule the
    next tick. A second tick chain (two workers started at once) ends itself: only the tick that
    moves the ``__tick__`` row forward enqueues a successor."""
    from .models import ScheduledJob

    now = timezone.now()
    with transaction.atomic():
        row, _created = ScheduledJob.objects.get_or_create(
            name=TICK_NAME, defaults={"next_run_at": now}
        )
        row = ScheduledJob.objects.select_for_update().get(pk=row.pk)
        # A tick enqueued for later than now by another chain owns the schedule.
        if row.next_run_at > now + dt.timedelta(seconds=1):
            return []
        row.next_run_at = now + dt.timedelta(seconds=_tick_seconds())
        row.last_run_at = now
        row.save(update_fields=["next_run_at", "last_run_at"])
        if not isinstance(tick.get_backend(), ImmediateBackend):
            tick.using(run_after=row.next_run_at).enqueue()
    requeue_stalled(now)
    return run_due(now)


def ensure_tick() -> None:
    """Called when a worker starts: make sure a tick chain runs (a duplicate ends itself)."""
    from .models import ScheduledJob

    with transaction.atomic():
        row = ScheduledJob.objects.filter(name=TICK_NAME).first()
        if row is None or row.next_run_at < timezone.now() - dt.timedelta(
            seconds=2 * _tick_seconds()
        ):
            ScheduledJob.objects.update_or_create(
                name=TICK_NAME, defaults={"next_run_at": timezone.now()}
            )
            tick.enqueue()


def backend_name() -> str:
    return type(default_task_backend).__name__
