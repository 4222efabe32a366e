"""Background and scheduled work (congso.core.tasks, ADR 0043)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from congso.core import tasks
from congso.core.models import ScheduledJob
from congso.core.tests import jobs
from congso.notify.models import Notification

DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB)
def test_a_job_exists_exactly_when_its_transaction_commits():
    with transaction.atomic():
        tasks.enqueue(jobs.effect, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue(jobs.effect, 2)
        raise RuntimeError("rolled back")
    rows = list(DBTaskResult.objects.all())
    assert [r.args_kwargs["args"] for r in rows] == [[1]]
    assert rows[0].status == TaskResultStatus.READY


@pytest.mark.django_db(transaction=True)
def test_on_the_immediate_backend_a_job_runs_after_the_commit_only():
    with transaction.atomic():
        tasks.enqueue(jobs.effect, 7)
        assert not Notification.objects.filter(reference="crash:7").exists()
    assert Notification.objects.filter(reference="crash:7").count() == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.enqueue(jobs.effect, 8)
        raise RuntimeError("rolled back")
    assert not Notification.objects.filter(reference="crash:8").exists()


# The worker calls close_old_connections(), which closes a connection whose autocommit is off:
# inside the test's wrapping transaction that would close PostgreSQL's connection under it.
@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB)
def test_a_failing_job_is_retried_with_backoff_until_its_budget_is_spent():
    from django.core.management import call_command

    jobs.CALLS.clear()
    tasks.enqueue(jobs.flaky, "k")
    call_command("db_worker", batch=True, verbosity=0)  # runs attempt 1 only: 2 waits a minute
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"_attempt": 2}
    assert dt.timedelta(seconds=50) < retry.run_after - timezone.now() <= dt.timedelta(minutes=1)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, verbosity=0)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["kwargs"] == {"_attempt": 3}
    assert retry.run_after - timezone.now() > dt.timedelta(minutes=1, seconds=50)  # 2 minutes
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, verbosity=0)
    assert jobs.CALLS == ["k", "k", "k"]
    assert DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count() == 3
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()  # budget spent


@pytest.mark.django_db
@override_settings(TASKS=DB)
def test_a_periodic_job_is_started_once_per_interval_whoever_ticks():
    spec = tasks.PERIODIC["congso.notify.tasks.deliver_due"]
    now = timezone.now()
    assert "congso.notify.tasks.deliver_due" in tasks.run_due(now)
    assert "congso.notify.tasks.deliver_due" not in tasks.run_due(now)  # a second worker's tick
    assert "congso.notify.tasks.deliver_due" not in tasks.run_due(
        now + spec.every - dt.timedelta(seconds=1)
    )
    assert "congso.notify.tasks.deliver_due" in tasks.run_due(now + spec.every)
    started = DBTaskResult.objects.filter(task_path="congso.notify.tasks.deliver_due").count()
    assert started == 2
    row = ScheduledJob.objects.get(name="congso.notify.tasks.deliver_due")
    assert row.next_run_at == now + 2 * spec.every


@pytest.mark.django_db
@override_settings(TASKS=DB, TASKS_STALL_SECONDS=60)
def test_a_job_left_running_by_a_dead_worker_is_put_back():
    tasks.enqueue(jobs.effect, 3)
    row = DBTaskResult.objects.get()
    row.claim("dead-worker")
    assert tasks.requeue_stalled(timezone.now() + dt.timedelta(seconds=30)) == 0
    assert tasks.requeue_stalled(timezone.now() + dt.timedelta(seconds=61)) == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY


@pytest.mark.django_db
@override_settings(TASKS=DB, TASKS_TICK=15)
def test_only_one_tick_chain_survives():
    tasks.ensure_tick()
    tasks.ensure_tick()  # a second worker starting: the chain exists, nothing added
    assert DBTaskResult.objects.filter(task_path="congso.core.tasks.tick").count() == 1
    tasks.tick.call()  # the chain's tick runs: schedules its successor 15 s later
    successors = DBTaskResult.objects.filter(
        task_path="congso.core.tasks.tick", status=TaskResultStatus.READY
    )
    assert successors.count() == 2  # the original READY row (never claimed here) and the successor
    # A stray tick (another chain) running now ends itself without a successor.
    assert tasks.tick.call() == []
    assert successors.count() == 2


def test_no_hand_written_worker_loop_remains():
    import pathlib

    src = pathlib.Path(tasks.__file__).parents[1]
    # A worker loop is a command that sleeps between passes; the only worker is django-tasks'.
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("management/commands/*.py")
        if "sleep(" in p.read_text() or "--loop" in p.read_text()
    ]
    assert offenders == []
