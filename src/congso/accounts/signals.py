"""Receivers for the login signals: security log and the per-address failure count."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from . import security, sessions


@receiver(user_login_failed, dispatch_uid="congso.accounts.login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    security.record_failure(request, credentials or {})


@receiver(user_logged_in, dispatch_uid="congso.accounts.logged_in")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    security.event("login.ok", request, user=user.pk, kind=getattr(user, "kind", ""))
    if request is not None and hasattr(request, "session"):
        sessions.session_record(request, user)


@receiver(user_logged_out, dispatch_uid="congso.accounts.logged_out")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        security.event("logout", request, user=user.pk)
    if request is not None and hasattr(request, "session"):
        sessions.session_forget(request)


@receiver(user_locked_out, dispatch_uid="congso.accounts.locked_out")
def _locked_out(
    sender: Any, request: Any = None, username: str = "", ip_address: str = "", **kwargs: Any
) -> None:
    security.event("login.locked", None, account=username, ip=ip_address or "-")
