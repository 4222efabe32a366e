"""The read replica (issue #14 §3, ADR 0085). The statement guard's rules are tested here; the
router, the fallbacks and the guard against a real PostgreSQL primary and its streaming replica
(two clusters of our own, ``initdb`` and ``pg_basebackup -R`` on free ports, started and stopped
by this test) run in ``replica_scenario.py``, a process whose settings have the replica."""

from __future__ import annotations

import subprocess
import sys

import pytest
from bench.server import ROOT, Server

from congso.core.db.replica import is_read_only

from .servers import PostgresCluster, scratch_dir


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "dossiers_dossier"."id" FROM "dossiers_dossier" WHERE "status" = %s',
        "WITH t AS (SELECT 1) SELECT * FROM t",
        "SELECT 'delete me', \"update_at\" FROM x",  # words inside literals and identifiers
        "  select count(*) from dossiers_dossier",
        "SHOW server_version",
        "EXPLAIN SELECT 1",
        'SAVEPOINT "s1"',
        'RELEASE SAVEPOINT "s1"',
        "SET TIME ZONE 'UTC'",
    ],
)
def test_reads_pass_the_guard(sql):
    assert is_read_only(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET a = 1",
        "DELETE FROM t",
        "WITH gone AS (DELETE FROM t RETURNING id) SELECT * FROM gone",
        "SELECT * FROM t FOR UPDATE",
        "SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED",
        "SELECT * FROM t FOR SHARE",
        "SELECT nextval('s')",
        "SELECT pg_advisory_xact_lock(1)",
        "SELECT * INTO t2 FROM t",
        "CREATE TABLE t (a int)",
        "TRUNCATE t",
        "COPY t FROM STDIN",
        "LOCK TABLE t",
        "VACUUM t",
        "BEGIN; DELETE FROM t",
    ],
)
def test_anything_else_is_refused(sql):
    assert not is_read_only(sql)


@pytest.fixture
def pg_dir():
    with scratch_dir() as path:
        yield path


@pytest.mark.cluster
def test_a_streaming_replica_takes_lagging_reads_and_never_a_write(tmp_path, pg_dir):
    primary = PostgresCluster(pg_dir / "primary").init().start()
    replica = PostgresCluster(pg_dir / "replica")
    try:
        primary.execute("CREATE DATABASE congso")
        server = Server(
            database_url=primary.url("congso"),
            var_dir=tmp_path / "var",
            extra_env={
                "CONGSO_TESTING": "true",
                "LOG_LEVEL": "ERROR",
                "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",  # the scenario's test Client
                "DATABASE_REPLICA_URL": replica.url("congso"),
                "DATABASE_REPLICA_MAX_LAG_SECONDS": "1",
                "DATABASE_REPLICA_CHECK_SECONDS": "0",
                "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
            },
        )
        server.manage("migrate", "--noinput", "-v0")
        replica.replica_of(primary)
        result = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tests" / "infra" / "replica_scenario.py"),
                str(replica.datadir),
                str(replica.port),
            ],
            env=server.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0 and result.stdout.rstrip().endswith("ALL OK"), (
            result.stdout + result.stderr[-4000:]
        )
    finally:
        replica.stop("immediate")
        primary.stop("immediate")
