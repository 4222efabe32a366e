"""Real servers started and stopped by the infrastructure tests (issue #14 §3), each on a free
port of 127.0.0.1, in its own process group, with its files in a temporary folder:

- ``S3Server``: moto's standalone S3-compatible server (``python -m moto.server``, from PyPI:
  moto[s3] + flask + flask-cors in the dev dependencies). No real object store installs from the
  registries this project may use (MinIO and Ceph's gateway are neither Debian nor PyPI
  packages here), so the tests speak S3 over HTTP to moto, through boto3, as to any store.
- ``PostgresCluster``: a PostgreSQL cluster of its own (``initdb`` + ``pg_ctl``), and
  ``PostgresCluster.replica_of`` a streaming replica of it made with ``pg_basebackup -R``.
- ``RedisServer``: ``redis-server`` without persistence.

A test that cannot start one (the program is missing) skips with the reason; one that starts
but does not answer fails."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(predicate, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {process.returncode}")
        with contextlib.suppress(Exception):
            if predicate():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what}: no answer within {timeout} s")


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


class S3Server:
    """moto's S3 server with one private bucket; ``env()`` gives the app's variables for it."""

    access_key = "congso-test"
    secret_key = "congso-test-secret"

    def __init__(self, workdir: Path, bucket: str = "congso-test") -> None:
        self.workdir = Path(workdir)
        self.bucket = bucket
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> S3Server:
        try:
            import moto.server  # noqa: F401
        except ImportError:
            pytest.skip("moto[s3] is not installed (dev dependencies): no S3-compatible server")
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "moto.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        _wait(
            lambda: urllib.request.urlopen(self.url + "/moto-api/", timeout=2).status == 200,
            30,
            "moto S3 server",
            self.process,
        )
        self.client().create_bucket(Bucket=self.bucket)
        return self

    def client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def object_keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(o["Key"] for o in listing.get("Contents", []))

    def env(self) -> dict[str, str]:
        return {
            "FILE_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": self.bucket,
            "AWS_S3_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def storage_options(self) -> dict[str, object]:
        """``STORAGES["default"]`` as settings.py builds it from ``env()``."""
        from botocore.config import Config

        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.bucket,
                "endpoint_url": self.url,
                "region_name": "us-east-1",
                "access_key": self.access_key,
                "secret_key": self.secret_key,
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "max_memory_size": 2 * 1024 * 1024,
                "client_config": Config(
                    signature_version="s3v4",
                    s3={"addressing_style": "path"},
                    connect_timeout=2,
                    read_timeout=10,
                    retries={"max_attempts": 1},
                ),
            },
        }

    def stop(self) -> None:
        _stop(self.process)
        self.process = None


def _pg_bin(name: str) -> str:
    for candidate in (shutil.which(name), f"/usr/lib/postgresql/15/bin/{name}"):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip(f"PostgreSQL's {name} is not installed: cannot start a cluster of our own")
    raise AssertionError  # unreachable


class PostgresCluster:
    """A PostgreSQL cluster in ``datadir`` on a free port, trust authentication for the local
    user ``postgres``, WAL ready for streaming replicas."""

    def __init__(self, datadir: Path, port: int | None = None) -> None:
        self.datadir = Path(datadir)
        self.port = port or free_port()
        self.log = self.datadir.parent / f"{self.datadir.name}.log"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    @staticmethod
    def _run(*args: str) -> None:
        # initdb and pg_ctl refuse to run as root: run them as the owner of the data folder.
        result = subprocess.run(
            list(args), capture_output=True, text=True, timeout=120, check=False, **_as_postgres()
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(args)}: {result.returncode}\n{result.stderr[-2000:]}")

    def init(self) -> PostgresCluster:
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        _own(self.datadir.parent)
        self._run(
            _pg_bin("initdb"),
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write(
                "\nlisten_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                "unix_socket_directories = ''\n"
                "wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\n"
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
                "shared_buffers = 64MB\nmax_connections = 60\n"
            )
        with (self.datadir / "pg_hba.conf").open("a") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        return self

    def start(self) -> PostgresCluster:
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.datadir),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        if (self.datadir / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run(_pg_bin("pg_ctl"), "-D", str(self.datadir), "-m", mode, "-w", "stop")

    def replica_of(self, primary: PostgresCluster) -> PostgresCluster:
        """Make this cluster a streaming replica of ``primary`` (pg_basebackup -R) and start it."""
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        _own(self.datadir.parent)
        self._run(
            _pg_bin("pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(self.datadir),
            "-R",
            "-X",
            "stream",
            "-c",
            "fast",  # checkpoint now, not spread over minutes
            "--no-sync",
        )
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.port}\n")
        return self.start()

    def execute(self, sql: str, dbname: str = "postgres") -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchall() if cursor.description else []


def _as_postgres() -> dict[str, object]:
    """subprocess arguments that run a PostgreSQL program as the ``postgres`` system user when
    the tests run as root (as CI does); nothing otherwise."""
    if os.geteuid() != 0:
        return {}
    import pwd

    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root without a 'postgres' system user: initdb refuses root")
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [], "cwd": "/tmp"}


def _own(folder: Path) -> None:
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("postgres")
        os.chown(folder, entry.pw_uid, entry.pw_gid)


@contextlib.contextmanager
def scratch_dir(prefix: str = "congso-infra-"):  # type: ignore[no-untyped-def]
    """A folder directly under the system's temporary folder, removed afterwards. PostgreSQL's
    data folders go here, not under pytest's tmp_path: pytest keeps its base folder (and every
    concurrent pytest run resets it to) mode 0700, which the postgres user cannot enter."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


class RedisServer:
    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 1) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def ping() -> bool:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")

        _wait(ping, 15, "redis-server", self.process)
        return self

    def stop(self) -> None:
        _stop(self.process)
        self.process = None
