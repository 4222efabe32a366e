"""A task worker killed mid-job (SIGKILL) loses no job and repeats no effect (issue #14, ADR
0043): 20 idempotent jobs, worker A killed while it runs one, worker B takes the rest and, after
TASKS_STALL_SECONDS, the job A left RUNNING. Every job ends SUCCESSFUL; every effect exists
exactly once. Runs on the engine of the test run, in a scratch database, in about 20 s."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from bench.server import ROOT, Server

from .test_crash_safety import Database

pytestmark = pytest.mark.django_db  # only for settings; the workers have their own database

JOBS = 20


def _worker(server: Server, name: str) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "worker",
            "--interval",
            "0.1",
            "--worker-id",
            name,
        ],
        env=server.env(),
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_killed_worker_loses_no_job_and_repeats_no_effect(tmp_path):
    db = Database(tmp_path)
    server = Server(
        database_url=db.url,
        var_dir=tmp_path / "var",
        extra_env={
            "CONGSO_TESTING": "true",
            "TASKS_BACKEND": "database",
            "TASKS_TICK": "1",
            "TASKS_STALL_SECONDS": "3",
            "LOG_LEVEL": "WARNING",
        },
    )
    workers: list[subprocess.Popen] = []
    try:
        server.manage("migrate", "--noinput", "-v0")
        server.manage(
            "shell",
            "-c",
            "from congso.core.tasks import enqueue; from congso.core.tests.jobs import effect\n"
            f"for n in range({JOBS}): enqueue(effect, n, pause=0.4)",
        )
        jobs = "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%%jobs.effect'"
        jobs = jobs.replace("%%", "%")
        workers.append(_worker(server, "worker-a"))
        _wait(
            lambda: (
                sum(1 for s, _w in db.rows(jobs) if s == "SUCCESSFUL") >= 3
                and any(s == "RUNNING" for s, _w in db.rows(jobs))
            ),
            60,
            "worker A to be mid-job",
        )
        os.killpg(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        left_running = [w for s, w in db.rows(jobs) if s == "RUNNING"]
        assert len(left_running) == 1, "worker A died holding one job"

        workers.append(_worker(server, "worker-b"))
        _wait(lambda: all(s == "SUCCESSFUL" for s, _w in db.rows(jobs)), 90, "every job to succeed")

        rows = db.rows(jobs)
        assert len(rows) == JOBS
        effects = db.rows(
            "SELECT reference, COUNT(*) FROM notify_notification "
            "WHERE reference LIKE 'crash:%' GROUP BY reference"
        )
        assert len(effects) == JOBS and all(count == 1 for _ref, count in effects), (
            "each effect exactly once"
        )
        rerun = [
            w
            for _s, w in rows
            if len(w if isinstance(w, list) else __import__("json").loads(w)) == 2
        ]
        assert len(rerun) == 1, "the job worker A was killed in was run again by worker B"
    finally:
        for w in workers:
            if w.poll() is None:
                os.killpg(w.pid, signal.SIGTERM)
                try:
                    w.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(w.pid, signal.SIGKILL)
        db.drop()
