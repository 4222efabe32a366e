"""Reads that may lag go to a PostgreSQL streaming replica (issue #14 §3, ADR 0085).

With ``DATABASE_REPLICA_URL`` set, settings add a ``replica`` database and this router. A read
goes to the replica only when all of these hold, else to the primary:

- it runs inside ``replica_reads()``: the views of ``REPLICA_VIEWS`` (statistics, registers and
  their exports, the public catalogue) through ``ReplicaReadsMiddleware``, or a job that says so;
- its model is not one whose staleness would break a request (sessions, accounts, second
  factors, lock-outs, jobs: ``PRIMARY_ONLY_APPS``);
- nothing was written in this request or job yet, no transaction is open on the primary, and
  the browser did not write within ``DATABASE_REPLICA_PIN_SECONDS`` (a cookie the middleware
  sets after a request that wrote): reads after writes see the writes;
- the replica answered its health probe within ``DATABASE_REPLICA_CHECK_SECONDS`` and lags by
  at most ``DATABASE_REPLICA_MAX_LAG_SECONDS``. A replica that is down or lagging is left alone
  until the next probe; a GET whose replica read failed is answered again from the primary.

Writes always go to the primary. The replica's connections refuse any statement that is not a
read before it leaves the process (``ReplicaWriteError``, the guard) and are read-only
sessions on the server as well."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "congso_db_pin"

# url names (namespace:name) whose GET reads may come from the replica.
REPLICA_VIEWS = frozenset(
    {
        "dossiers:stats",
        "dossiers:register",
        "documents:registers",
        "procedures:catalogue",
        "procedures:detail",
        "procedures:catalogue_export",
        "api:stats",
    }
)
# Apps whose rows a request needs fresh even on a replica page.
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "accounts",
        "auth",
        "axes",
        "otp_totp",
        "otp_static",
        "django_otp",
        "django_tasks_db",
        "admin",
        "contenttypes",
    }
)


class ReplicaWriteError(DatabaseError):
    """A statement that is not a read was sent to the replica."""


@dataclass
class _State:
    allowed: bool = False  # inside replica_reads()
    wrote: bool = False  # a write went to the primary in this request/job
    replica_failed: bool = False  # a replica read raised: answer again from the primary
    primary_only: bool = False  # the second answer, after a failed replica read
    used: set[str] = field(default_factory=set)


_state: ContextVar[_State | None] = ContextVar("congso_replica_state", default=None)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextlib.contextmanager
def replica_reads() -> Iterator[_State]:
    """Let the reads inside the block go to the replica (when it is usable)."""
    state = _State(allowed=True)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


@contextlib.contextmanager
def bookkeeping() -> Iterator[None]:
    """Writes inside the block are not the unit of work's own (a job recording its progress):
    they neither send its later reads to the primary nor see the replica."""
    token = _state.set(None)
    try:
        yield
    finally:
        _state.reset(token)


def note_write() -> None:
    state = _state.get()
    if state is not None:
        state.wrote = True


# --- health -----------------------------------------------------------------------------------

LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN NOT pg_is_in_recovery() THEN 0
            WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
                 THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9)
       END
"""


@dataclass
class Health:
    usable: bool = False
    lag: float | None = None
    reason: str = "chưa kiểm tra"
    checked_at: float = float("-inf")


_health = Health()
_health_lock = threading.Lock()


def _probe() -> Health:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(LAG_SQL)
            _in_recovery, lag = cursor.fetchone()
    except Exception as exc:  # down, refused, timed out: the primary answers instead
        with contextlib.suppress(Exception):
            connections[REPLICA].close()
        return Health(False, None, f"không kết nối được: {type(exc).__name__}", time.monotonic())
    lag = float(lag)
    if lag > settings.DATABASE_REPLICA_MAX_LAG_SECONDS:
        return Health(False, lag, f"trễ {lag:.1f} s", time.monotonic())
    return Health(True, lag, "ok", time.monotonic())


def replica_health(*, refresh: bool = False) -> Health:
    """The replica's last probe, taken again when older than DATABASE_REPLICA_CHECK_SECONDS
    (one probe at a time per process; the others use the previous answer meanwhile)."""
    global _health
    if not configured():
        return Health(False, None, "không cấu hình", time.monotonic())
    fresh = time.monotonic() - _health.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS
    if (fresh and not refresh) or not _health_lock.acquire(blocking=refresh):
        return _health
    try:
        _health = _probe()
        if not _health.usable:
            logger.warning("database replica not used: %s", _health.reason)
        return _health
    finally:
        _health_lock.release()


def mark_replica_down(reason: str) -> None:
    global _health
    _health = Health(False, None, reason, time.monotonic())


# --- the router ---------------------------------------------------------------------------------


class ReplicaRouter:
    """DATABASE_ROUTERS entry when a replica is configured."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        state = _state.get()
        if state is None or not state.allowed or state.wrote:
            return PRIMARY
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY  # a transaction sees its own writes
        if not replica_health().usable:
            return PRIMARY
        state.used.add(REPLICA)
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        note_write()
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


# --- the guard and the write detector (execute wrappers) ------------------------------------

_READ = re.compile(r"^\s*(SELECT|WITH|SHOW|EXPLAIN|VALUES|SAVEPOINT|RELEASE|ROLLBACK|SET\s)", re.I)
_WRITE_WORDS = re.compile(
    r"\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|CREATE|ALTER|DROP|GRANT|REVOKE|COPY|LOCK|"
    r"VACUUM|REINDEX|CLUSTER|REFRESH|NEXTVAL|SETVAL|PG_ADVISORY_\w*LOCK\w*)\b|\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY)\b|\bINTO\b",
    re.I,
)
_WRITE_START = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY)\b", re.I)


def is_read_only(sql: str) -> bool:
    """A statement the replica may run: a plain read (no data-modifying CTE, no row locks, no
    sequence or advisory-lock side effects). Conservative: anything unsure is a write."""
    if not _READ.match(sql):
        return False
    if re.match(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|SET\s)", sql, re.I):
        return True
    return not _WRITE_WORDS.search(_strip_literals(sql))


def _strip_literals(sql: str) -> str:
    # Words inside quoted text or identifiers ("update_at", 'delete me') are not statements.
    return re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", "''", sql)


def guard_replica(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
    if not is_read_only(sql):
        raise ReplicaWriteError(
            f"refused on the read replica (writes go to the primary): {sql[:80]}"
        )
    try:
        return execute(sql, params, many, context)
    except ReplicaWriteError:
        raise
    except DatabaseError as exc:
        state = _state.get()
        if state is not None:
            state.replica_failed = True
        mark_replica_down(f"lỗi khi đọc: {type(exc).__name__}")
        raise


def detect_write(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
    """On the primary: raw SQL that writes counts as a write of the request too."""
    state = _state.get()
    if state is not None and not state.wrote and _WRITE_START.match(sql):
        state.wrote = True
    return execute(sql, params, many, context)


def install_wrappers(sender: Any, connection: Any, **kwargs: Any) -> None:
    """connection_created: the guard on every replica connection, the write detector on the
    primary's."""
    if connection.alias == REPLICA:
        connection.execute_wrappers.append(guard_replica)
    elif connection.alias == PRIMARY:
        connection.execute_wrappers.append(detect_write)


# --- the middleware -----------------------------------------------------------------------------


class ReplicaReadsMiddleware:
    """Replica reads for the GETs of REPLICA_VIEWS; a request that wrote pins its browser to
    the primary for DATABASE_REPLICA_PIN_SECONDS; a GET whose replica read failed is answered
    again from the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _State()
        token = _state.set(state)
        try:
            response = self.get_response(request)
            if state.replica_failed and request.method in ("GET", "HEAD"):
                logger.warning("replica read failed; answering %s from the primary", request.path)
                state.allowed, state.replica_failed, state.primary_only = False, False, True
                state.used.clear()
                response = self.get_response(request)
            if state.wrote and settings.DATABASE_REPLICA_PIN_SECONDS > 0:
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
            if REPLICA in state.used:
                response["X-Database"] = REPLICA
            return response
        finally:
            _state.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        """A read on the replica failed inside the view (the replica went down between two
        probes): run the view again on the primary alone, so the person gets the page, not a
        500 (and no error is logged for a request that was answered)."""
        state = _state.get()
        match = request.resolver_match
        if (
            state is None
            or not state.replica_failed
            or state.primary_only
            or request.method not in ("GET", "HEAD")
            or match is None
        ):
            return None
        logger.warning("replica read failed; answering %s from the primary", request.path)
        state.allowed, state.replica_failed, state.primary_only = False, False, True
        state.used.clear()
        return match.func(request, *match.args, **match.kwargs)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        state = _state.get()
        match = request.resolver_match
        if (
            state is not None
            and not state.primary_only
            and request.method in ("GET", "HEAD")
            and match is not None
            and match.view_name in REPLICA_VIEWS
            and PIN_COOKIE not in request.COOKIES
        ):
            state.allowed = True
