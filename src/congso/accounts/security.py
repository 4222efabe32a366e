"""Security events and the login throttles.

Every security event goes to the logger ``congso.security`` (one name for the whole project):
logins that succeed or fail, lock-outs, refusals by a throttle, second-factor failures. The
typed login is never logged as typed (it may be a password typed in the wrong box): failed
logins are logged with their lock-out key.

Besides django-axes' lock on (account, address), one address may fail at most
CONGSO_LOGIN_ADDRESS_FAILURES logins in AXES_COOLOFF_TIME, whatever accounts it tries, so a
password spray across many accounts is refused too (issue 11.1).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from congso.core.http import client_ip

from . import throttle
from .logins import lockout_key

log = logging.getLogger("congso.security")

ADDRESS_SCOPE = "login-address"


def event(name: str, request: HttpRequest | None = None, **fields: Any) -> None:
    """Log one security event: ``name key=value …`` with the client address when known."""
    if request is not None and "ip" not in fields:
        fields["ip"] = client_ip(request) or "-"
    detail = " ".join(f"{k}={v}" for k, v in fields.items())
    level = logging.WARNING if name.endswith(("failed", "locked", "refused")) else logging.INFO
    log.log(level, "%s %s", name, detail)


def _window() -> int:
    return max(60, int(float(settings.AXES_COOLOFF_TIME) * 3600))


def address_blocked(request: HttpRequest) -> bool:
    """Whether the client's address has used up its failed logins for the window."""
    address = client_ip(request)
    if not address:
        return False
    return throttle.exceeded(
        ADDRESS_SCOPE, address, limit=settings.CONGSO_LOGIN_ADDRESS_FAILURES, window=_window()
    )


def record_failure(request: HttpRequest | None, credentials: dict[str, Any]) -> None:
    address = client_ip(request) if request is not None else ""
    if address:
        throttle.hit(ADDRESS_SCOPE, address, window=_window())
    key = lockout_key(request, credentials)
    event("login.failed", request, account=key)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the same Vietnamese page for a locked account and a blocked
    address, never naming the account (axes' own JSON answer would show the lock key)."""
    minutes = max(1, round(_window() / 60))
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
