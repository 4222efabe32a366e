from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth.backends import ModelBackend

from . import security
from .logins import login_candidates
from .models import User
from .validators import password_too_long


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock on (account, address), keyed on the account the login resolves to
    (AXES_USERNAME_CALLABLE = congso.accounts.logins.lockout_key), plus the per-address limit
    on failed logins against password spraying. Both answer with the lock-out page (429)."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> None:
        if request is not None and security.address_blocked(request):
            request.axes_locked_out = True
            security.event("login.refused", request, reason="address")
            raise AxesBackendPermissionDenied("too many failed logins from this address")
        return super().authenticate(request, username=username, password=password, **kwargs)


class EmailOrPhoneBackend(ModelBackend):
    """Log in with the user name, the e-mail address or the phone number (see
    congso.accounts.logins for what counts as the same login)."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password or password_too_long(password):
            return None  # no password is that long: never hashed (forms refuse it first)
        candidates = login_candidates(username)
        for user in candidates:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        if not candidates:
            # Spend the same time as a real check so timing does not reveal which logins exist.
            User().set_password(password)
        return None
