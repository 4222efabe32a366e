"""What a typed login means: one account, whatever spelling logs in as it.

The login form accepts a user name, an e-mail address or a phone number, compared without
regard to letter case, surrounding or inner spaces, Unicode normal form (NFC/NFD) and the
phone prefixes +84 / 84 / 0. The lock-out (django-axes) and the per-address throttle must use
the same idea of "the same account", otherwise every spelling gets fresh tries (issue 11.1):
``lockout_key`` resolves the typed text to the account first and keys on it.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from typing import Any

from django.db.models import Q

from .models import User

PHONE_RE = re.compile(r"^0[0-9]{9}$")  # ASCII digits only (issue #11)


def normalise_phone(value: str) -> str:
    """0912 345 678, +84912345678 and 84912345678 are the same number: 0912345678."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def normalise_login(value: str) -> str:
    """The typed login in NFC without any white space (user names, e-mail addresses and phone
    numbers never contain one); a phone number in its 0xxxxxxxxx form."""
    text = unicodedata.normalize("NFC", value or "")
    text = "".join(ch for ch in text if not ch.isspace())
    phone = normalise_phone(text)
    return phone if PHONE_RE.match(phone) else text


def login_candidates(value: str) -> list[User]:
    """The accounts (at most two, oldest first) a typed login may mean."""
    login = normalise_login(value)
    if not login:
        return []
    # Lower-cased here too: SQLite's iexact folds ASCII letters only (Ễ/ễ would differ).
    folded = login.lower()
    match = Q(username__iexact=folded) | Q(email__iexact=folded)
    if PHONE_RE.match(login):
        match |= Q(phone=login)
    return list(User.objects.filter(match).order_by("pk")[:2])


def account_key(value: str) -> str:
    """The lock-out key of a typed login: ``#<pk>`` of the account it logs in as, or the
    normalised text in lower case when no account matches (it cannot log in anyway)."""
    candidates = login_candidates(value)
    if candidates:
        return f"#{candidates[0].pk}"
    return normalise_login(value).lower()


def lockout_key(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """AXES_USERNAME_CALLABLE: the account behind the typed login (memoised per request, axes
    asks several times per attempt)."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        data = getattr(request, "POST", None) or {}
        raw = data.get("username", "")
    raw = str(raw or "")
    memo: dict[str, str] | None = getattr(request, "_congso_login_keys", None)
    if memo is None:
        memo = {}
        if request is not None:
            with contextlib.suppress(AttributeError):
                request._congso_login_keys = memo
    if raw not in memo:
        memo[raw] = account_key(raw)
    return memo[raw]
