"""Signed-in sessions: the idle timeout and the list of a user's sessions (issue 11.16).

Every authenticated session carries, besides Django's own keys:

- ``_congso_sid``: a random id; its SHA-256 names the session's ``UserSession`` row;
- ``_congso_auth_at`` / ``_congso_seen``: when the user logged in and was last active (epoch
  seconds). Activity is written at most once per ``TOUCH_SECONDS`` so a busy page does not
  write the session on every request; the idle time is therefore measured to within a minute;
- ``_congso_idle``: the idle limit of this session in seconds (0 = none), fixed at login.

Staff accounts (officers, Django staff and superusers) are logged out after
CONGSO_STAFF_IDLE_MINUTES without a request (30 by default). Citizens and organisations have
no idle limit by default (they fill long forms; CONGSO_CITIZEN_IDLE_MINUTES sets one); every
session ends SESSION_COOKIE_AGE after its login, however active (ASVS 3.3.2: 12 hours or
30 minutes idle). API bearer tokens are not sessions and are not touched here.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime
from importlib import import_module
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from congso.audit.services import audit_record
from congso.core.http import client_ip

from . import security
from .models import AccountKind, User, UserSession

SID_KEY = "_congso_sid"
AUTH_AT_KEY = "_congso_auth_at"
SEEN_KEY = "_congso_seen"
IDLE_KEY = "_congso_idle"
KEY_HASH_KEY = "_congso_kh"
TOUCH_SECONDS = 60


def now() -> datetime:
    """The current moment (tests move it)."""
    return timezone.now()


def _epoch() -> int:
    return int(now().timestamp())


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"congso.accounts.sessions:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _server_side() -> bool:
    """Whether the session engine keeps sessions on the server (a signed cookie cannot be
    deleted there; it ends through its missing row instead)."""
    return not settings.SESSION_ENGINE.endswith("signed_cookies")


def _seal(session_key: str | None) -> str:
    if not session_key or not _server_side():
        return ""
    return _fernet().encrypt(session_key.encode()).decode()


def _unseal(sealed: str) -> str:
    if not sealed:
        return ""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed: the old sessions are unreadable anyway
        return ""


def is_staff_account(user: Any) -> bool:
    return bool(
        getattr(user, "kind", "") == AccountKind.STAFF
        or getattr(user, "is_staff", False)
        or getattr(user, "is_superuser", False)
    )


def idle_limit(user: Any) -> int:
    """The idle limit in seconds for a session of ``user`` (0 = none)."""
    if is_staff_account(user):
        minutes = settings.CONGSO_STAFF_IDLE_MINUTES
    else:
        minutes = settings.CONGSO_CITIZEN_IDLE_MINUTES
    return max(0, int(minutes)) * 60


def _key_tag(session_key: str | None) -> str:
    return _hash(session_key)[:16] if session_key else ""


def session_record(request: HttpRequest, user: User) -> UserSession:
    """Start the bookkeeping of a session that has just logged in (user_logged_in)."""
    session = request.session
    if not session.session_key:
        session.save()
    sid = secrets.token_urlsafe(32)
    stamp = _epoch()
    session[SID_KEY] = sid
    session[AUTH_AT_KEY] = stamp
    session[SEEN_KEY] = stamp
    session[IDLE_KEY] = idle_limit(user)
    session[KEY_HASH_KEY] = _key_tag(session.session_key)
    moment = now()
    return UserSession.objects.create(
        user=user,
        sid_hash=_hash(sid),
        sealed_key=_seal(session.session_key),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
        ip_address=client_ip(request) or None,
        created_at=moment,
        last_seen_at=moment,
    )


def session_forget(request: HttpRequest) -> None:
    """Drop the row of the session that is logging out (user_logged_out)."""
    sid = request.session.get(SID_KEY) if hasattr(request, "session") else None
    if sid:
        UserSession.objects.filter(sid_hash=_hash(sid)).delete()


def current_sid_hash(request: HttpRequest) -> str:
    sid = request.session.get(SID_KEY)
    return _hash(sid) if sid else ""


def session_check(request: HttpRequest) -> str:
    """Called by the middleware for every request of a logged-in session. Returns ``"ok"``,
    or why the session must end: ``"idle"``, ``"age"`` (older than SESSION_COOKIE_AGE) or
    ``"ended"`` (its row was deleted: ended from another device or by a password change)."""
    session = request.session
    stamp = _epoch()
    idle = session.get(IDLE_KEY)
    if idle is None:  # a session from before this bookkeeping
        idle = idle_limit(request.user)
        session[IDLE_KEY] = idle
    seen = session.get(SEEN_KEY)
    if idle and seen is not None and stamp - int(seen) >= int(idle):
        return "idle"
    auth_at = session.get(AUTH_AT_KEY)
    if auth_at is not None and stamp - int(auth_at) >= settings.SESSION_COOKIE_AGE:
        return "age"
    if seen is not None and stamp - int(seen) < TOUCH_SECONDS:
        return "ok"
    session[SEEN_KEY] = stamp
    sid = session.get(SID_KEY)
    if not sid:
        session_record(request, request.user)  # type: ignore[arg-type]
        if AUTH_AT_KEY not in session:
            session[AUTH_AT_KEY] = stamp
        return "ok"
    changes: dict[str, Any] = {"last_seen_at": now()}
    tag = _key_tag(session.session_key)
    if tag != session.get(KEY_HASH_KEY):  # the key was rotated (password change)
        session[KEY_HASH_KEY] = tag
        changes["sealed_key"] = _seal(session.session_key)
    if not UserSession.objects.filter(sid_hash=_hash(sid)).update(**changes):
        return "ended"
    return "ok"


def sessions_for(user: Any) -> QuerySet[UserSession]:
    """The user's signed-in sessions, the most recently active first."""
    return UserSession.objects.filter(user=user).order_by("-last_seen_at", "-pk")


def _delete_from_store(rows: list[UserSession]) -> None:
    engine = import_module(settings.SESSION_ENGINE)
    for row in rows:
        key = _unseal(row.sealed_key)
        if key:
            engine.SessionStore(session_key=key).delete()


@transaction.atomic
def sessions_end(
    *,
    user: User,
    pks: list[int] | None = None,
    keep_sid_hash: str = "",
    request: HttpRequest | None = None,
    reason: str = "user",
) -> int:
    """End the user's sessions ``pks`` (all if None), never the one named ``keep_sid_hash``:
    their rows are deleted and they are removed from a server-side session store at once.
    Returns how many were ended."""
    qs = UserSession.objects.select_for_update().filter(user=user)
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    if keep_sid_hash:
        qs = qs.exclude(sid_hash=keep_sid_hash)
    rows = list(qs)
    if not rows:
        return 0
    UserSession.objects.filter(pk__in=[r.pk for r in rows]).delete()
    _delete_from_store(rows)
    audit_record(
        actor=user,
        action="account.sessions_end",
        target=user,
        data={"count": len(rows), "reason": reason},
    )
    security.event("session.ended", request, user=user.pk, count=len(rows), reason=reason)
    return len(rows)


_BROWSERS = [
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("CocCoc", "Cốc Cốc"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


def describe_agent(user_agent: str) -> str:
    """A short name for the browser and system of a User-Agent (``Chrome — Windows``)."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return " — ".join(part for part in (browser, system) if part) or (user_agent[:60] or "?")
