"""The read-replica scenario, run by tests/infra/test_replica.py in a process of its own whose
DATABASE_URL is a scratch primary and DATABASE_REPLICA_URL its streaming replica (a settings
module is read once per process, so the replica alias cannot be added to the test run's).
Each step asserts; the last line printed is ``ALL OK``. Arguments: the replica's data folder
and port (the scenario stops the replica itself)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
django.setup()

from django.db import connection, connections, router, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from tests.infra.servers import PostgresCluster  # noqa: E402

from congso.core.db import replica as r  # noqa: E402
from congso.dossiers.models import Dossier  # noqa: E402
from congso.org.demo import load_org_demo  # noqa: E402

STATS = "/mot-cua/thong-ke/"
QUEUE = "/mot-cua/hang-doi/"


def step(name: str) -> None:
    print("OK", name, flush=True)


def wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out: {what}")


def caught_up() -> bool:
    health = r.replica_health(refresh=True)
    return health.usable and health.lag == 0


def main(replica_dir: str, replica_port: int) -> None:
    assert settings_ok()
    org = load_org_demo()
    officer = org.user("motcua.tx")
    wait(caught_up, 30, "replica caught up after the demo load")
    step("replica streams the primary")

    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get(STATS)
    assert response.status_code == 200, response.status_code
    assert response.get("X-Database") == "replica", dict(response.headers)
    step("statistics page read from the replica")
    response = client.get(QUEUE)
    assert response.status_code == 200 and "X-Database" not in response
    step("work queue read from the primary")

    # The guard: nothing but a read reaches the replica.
    for sql in (
        "DELETE FROM dossiers_dossier",
        "WITH gone AS (DELETE FROM dossiers_dossier RETURNING id) SELECT count(*) FROM gone",
        "SELECT id FROM dossiers_dossier FOR UPDATE",
        "SELECT nextval('dossiers_dossier_id_seq')",
    ):
        try:
            with connections[r.REPLICA].cursor() as cursor:
                cursor.execute(sql)
        except r.ReplicaWriteError:
            continue
        raise AssertionError(f"the guard let through: {sql}")
    try:
        Dossier.objects.using(r.REPLICA).filter(pk=0).update(applicant_name="x")
    except r.ReplicaWriteError:
        pass
    else:
        raise AssertionError("an ORM update reached the replica")
    raw = connections[r.REPLICA]
    raw.ensure_connection()
    try:
        raw.connection.execute("CREATE TABLE replica_write_probe (id int)")
    except Exception as exc:  # the standby itself refuses, below the guard
        assert "read-only" in str(exc), exc
        raw.connection.rollback()
    else:
        raise AssertionError("the replica accepted a write")
    step("writes to the replica refused (guard, then the server)")

    # Reads after writes: in the same unit of work, inside a transaction, after raw SQL.
    with r.replica_reads():
        assert router.db_for_read(Dossier) == r.REPLICA
        with transaction.atomic():
            assert router.db_for_read(Dossier) == r.PRIMARY
        org.desk.save(update_fields=["name"])
        assert router.db_for_read(Dossier) == r.PRIMARY
    with r.replica_reads():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE org_unit SET name = name WHERE id = %s", [org.desk.pk])
        assert router.db_for_read(Dossier) == r.PRIMARY
    with r.replica_reads():
        from congso.accounts.models import User

        assert router.db_for_read(User) == r.PRIMARY  # sessions, accounts: always fresh
    step("reads after writes go to the primary")

    # A request that wrote (logging out deletes the session row) pins the browser to the
    # primary for DATABASE_REPLICA_PIN_SECONDS.
    response = client.post(reverse("accounts:logout"))
    assert response.cookies[r.PIN_COOKIE]["max-age"] == 15, response.cookies
    client.force_login(officer)
    pinned = client.get(STATS)
    assert pinned.status_code == 200 and "X-Database" not in pinned
    del client.cookies[r.PIN_COOKIE]
    assert client.get(STATS).get("X-Database") == "replica"
    step("a browser that just wrote reads from the primary")

    # A background export (ADR 0047) reads from the replica; its progress writes do not send
    # its reads back to the primary.
    import datetime as dt

    from congso.core.models import ExportJob, ExportStatus
    from congso.dossiers import exports

    routed: list[str] = []
    original = r.ReplicaRouter.db_for_read

    def recording(self, model, **hints):  # type: ignore[no-untyped-def]
        alias = original(self, model, **hints)
        routed.append(f"{model._meta.label}:{alias}")
        return alias

    r.ReplicaRouter.db_for_read = recording  # type: ignore[method-assign]
    try:
        leader = org.user("lanhdao.tx")
        job = exports.register_start(
            leader, org.district, dt.date(2026, 1, 1), dt.date(2026, 12, 31), "", "", period="2026"
        )
    finally:
        r.ReplicaRouter.db_for_read = original  # type: ignore[method-assign]
    job = ExportJob.objects.get(pk=job.pk)
    assert job.status == ExportStatus.DONE, (job.status, job.error)
    assert "dossiers.Dossier:replica" in routed, routed
    assert "dossiers.Dossier:default" not in routed, routed
    step("a background export read its rows from the replica")

    # Lag: replay paused, a write on the primary; past the limit the primary answers.
    wait(caught_up, 30, "caught up before the lag test")
    connections[r.REPLICA].ensure_connection()
    connections[r.REPLICA].connection.execute("SELECT pg_wal_replay_pause()")
    before = Dossier.objects.using(r.REPLICA).count()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_unit SET name = name")  # WAL the replica does not apply
    time.sleep(settings_lag() + 0.5)
    health = r.replica_health(refresh=True)
    assert not health.usable and health.reason.startswith("trễ"), health
    response = client.get(STATS)
    assert response.status_code == 200 and "X-Database" not in response
    assert Dossier.objects.using(r.REPLICA).count() == before
    connections[r.REPLICA].connection.execute("SELECT pg_wal_replay_resume()")
    wait(caught_up, 30, "caught up after the replay resumed")
    assert client.get(STATS).get("X-Database") == "replica"
    step("a lagging replica is left until it catches up")

    # Down: the replica stops while the last probe still says usable; the read fails on it
    # and the page is answered from the primary; later probes skip it.
    replica = PostgresCluster(Path(replica_dir), port=replica_port)
    with override_settings(DATABASE_REPLICA_CHECK_SECONDS=3600):
        assert r.replica_health(refresh=True).usable
        replica.stop("immediate")
        response = client.get(STATS)
        assert response.status_code == 200, response.status_code
        assert "X-Database" not in response
        assert not r.replica_health().usable
    response = client.get(STATS)
    assert response.status_code == 200 and "X-Database" not in response
    step("a stopped replica: pages answered from the primary")
    print("ALL OK", flush=True)


def settings_ok() -> bool:
    from django.conf import settings

    return "replica" in settings.DATABASES and settings.DATABASE_ROUTERS


def settings_lag() -> float:
    from django.conf import settings

    return float(settings.DATABASE_REPLICA_MAX_LAG_SECONDS)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
