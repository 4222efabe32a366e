"""Crash safety of intake (issue #6): intakes under load against the real production server
(gunicorn), SIGKILL of the whole server mid-run, restart, retry of every unanswered request
with the same Idempotency-Key. Afterwards every acknowledged dossier is there and complete, no
code is duplicated, and every key produced exactly one dossier.

It runs on the engine of the test run (SQLite file, or a scratch PostgreSQL database when
DATABASE_URL points at PostgreSQL), bounded to about a minute."""

from __future__ import annotations

import http.client
import json
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from bench.server import ROOT, Server
from django.conf import settings

pytestmark = pytest.mark.django_db  # only for settings; the server has its own database

CLIENTS = 6
KEYS_PER_CLIENT = 20


class Database:
    """A scratch database of the same engine as the test run."""

    def __init__(self, tmp_path: Path) -> None:
        conf = settings.DATABASES["default"]
        self.vendor = "postgresql" if "postgresql" in conf["ENGINE"] else "sqlite"
        if self.vendor == "sqlite":
            self.path = tmp_path / "crash.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"congso_crash_{uuid.uuid4().hex[:8]}"
            self.conf = conf
            self._admin(f'CREATE DATABASE "{self.name}"')
            auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "")
            self.url = f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{self.name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(
            host=self.conf["HOST"] or "127.0.0.1",
            port=self.conf["PORT"] or 5432,
            user=self.conf["USER"],
            password=self.conf.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def rows(self, sql: str) -> list[tuple]:
        if self.vendor == "sqlite":
            with sqlite3.connect(self.path) as conn:
                return conn.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url) as conn:
            return conn.execute(sql).fetchall()

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _post(port: int, token: str, key: str, body: bytes) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(
            "POST",
            "/api/v1/dossiers/",
            body=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Idempotency-Key": key,
            },
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_intake_survives_sigkill_and_retries_are_idempotent(tmp_path):
    db = Database(tmp_path)
    server = Server(
        database_url=db.url,
        var_dir=tmp_path / "var",
        workers=2,
        threads=2,
        extra_env={"CONGSO_TESTING": "true", "LOG_LEVEL": "WARNING"},
    )
    try:
        server.manage("migrate", "--noinput", "-v0")
        setup = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("setup_data.py"))],
            env=server.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        data = json.loads(setup.stdout.strip().splitlines()[-1])

        def body(i: int) -> bytes:
            return json.dumps(
                {
                    "procedure_version_id": data["version"],
                    "applicant_name": "Trần Thị Kiểm Thử",
                    "applicant_id_number": f"0010{i:08d}",
                    "channel": 1,
                    "papers": [
                        {"paper_id": p, "originals": 1, "copies": 1} for p in data["papers"]
                    ],
                }
            ).encode()

        keys = [f"crash-{c}-{n}" for c in range(CLIENTS) for n in range(KEYS_PER_CLIENT)]
        acked: dict[str, str] = {}
        lock = threading.Lock()
        stop = threading.Event()

        def client(c: int) -> None:
            for n in range(KEYS_PER_CLIENT):
                if stop.is_set():
                    return
                key = f"crash-{c}-{n}"
                try:
                    status, payload = _post(server.port, data["token"], key, body(c * 1000 + n))
                except (OSError, http.client.HTTPException, ValueError):
                    continue  # unanswered: retried after the restart
                if status in (200, 201):
                    with lock:
                        acked[key] = payload["code"]

        server.start()
        threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 60
        while len(acked) < 25 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.kill()  # SIGKILL master and workers mid-run
        stop.set()
        for t in threads:
            t.join(timeout=60)
        assert len(acked) >= 25, "the server acknowledged too few intakes before the crash"
        before_restart = dict(acked)

        server.start()
        # Retry every key (acknowledged or not) with the same Idempotency-Key; then a sample again.
        results: dict[str, str] = {}
        for round_keys in (keys, keys[::7]):
            for key in round_keys:
                c, n = (int(x) for x in key.split("-")[1:])
                status, payload = _post(server.port, data["token"], key, body(c * 1000 + n))
                assert status in (200, 201), (key, status, payload)
                if key in results:
                    assert results[key] == payload["code"], (
                        "a retried key answered with another dossier"
                    )
                results[key] = payload["code"]
        server.stop()

        # Every acknowledged dossier keeps the code it was acknowledged with.
        for key, code in before_restart.items():
            assert results[key] == code
        rows = db.rows(
            "SELECT d.code, d.idempotency_key, d.status, "
            "(SELECT COUNT(*) FROM dossiers_dossierpaper p WHERE p.dossier_id = d.id), "
            "(SELECT COUNT(*) FROM dossiers_registerentry r WHERE r.dossier_id = d.id), "
            "(SELECT COUNT(*) FROM dossiers_statushistory h WHERE h.dossier_id = d.id), "
            "(SELECT COUNT(*) FROM dossiers_dossierstep s WHERE s.dossier_id = d.id), "
            "(SELECT COUNT(*) FROM audit_auditevent a WHERE a.target_type = 'dossiers.dossier' "
            "   AND a.target_id = CAST(d.id AS VARCHAR(64))) "
            "FROM dossiers_dossier d"
        )
        assert len(rows) == len(keys), "each key produced exactly one dossier"
        codes = [r[0] for r in rows]
        assert len(set(codes)) == len(codes), "no code is duplicated"
        assert {r[1].split(":", 1)[1] for r in rows} == set(keys)
        for code, _key, status, papers, register, history, steps, audits in rows:
            assert (
                status == 2
                and papers == 2
                and register == 1
                and history >= 1
                and steps == 3
                and audits >= 1
            ), f"dossier {code} is incomplete: {(status, papers, register, history, steps, audits)}"
        numbers = [r[0] for r in db.rows("SELECT number FROM dossiers_registerentry")]
        assert len(set(numbers)) == len(numbers)
        out = server.manage("audit_verify")
        assert "toàn vẹn" in out
    finally:
        server.stop()
        db.drop()
