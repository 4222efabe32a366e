"""The signer's PIN, asked before a personal signing key is used (ADR 0076).

Only a salted hash is kept (Django's password hasher). Wrong tries are counted in their own
transaction, committed before the error is raised, so ``signer_pin_check`` must be called
before the caller opens the transaction that signs (a rollback there must not undo the count).
After ``SIGNING_PIN_ATTEMPTS`` wrong tries in a row the PIN is locked; an administrator unlocks
it (``signer_pin_unlock``, which removes it) and the signer sets a new one. Every change,
lock and unlock is audited; wrong tries too.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.models import AccountKind
from congso.audit.services import audit_record

from .models import SignerPin

PIN_RE = re.compile(r"^[0-9]{6,8}$")  # ASCII digits only (\d matches ０-９ too)
_RUNS = "01234567890123456789", "98765432109876543210"


def max_attempts() -> int:
    return int(getattr(settings, "SIGNING_PIN_ATTEMPTS", 5))


def has_pin(user: Any) -> bool:
    return SignerPin.objects.filter(user=user).exists()


def _validate_new(pin: str) -> None:
    if not PIN_RE.match(pin or ""):
        raise ValidationError({"pin": _("Mã PIN gồm 6 đến 8 chữ số.")})
    if len(set(pin)) == 1 or any(pin in run for run in _RUNS):
        raise ValidationError(
            {"pin": _("Mã PIN quá dễ đoán (các chữ số giống nhau hoặc liên tiếp).")}
        )


def _locked_error() -> ValidationError:
    return ValidationError(
        _(
            "Mã PIN ký số đã bị khoá do nhập sai quá %(n)d lần; đề nghị quản trị hệ "
            "thống mở khoá rồi đặt mã PIN mới."
        )
        % {"n": max_attempts()},
        code="pin_locked",
    )


def signer_pin_check(*, user: Any, pin: str) -> None:
    """Raise ValidationError (Vietnamese) unless ``pin`` is the signer's PIN. A wrong try is
    counted and committed before raising; the last allowed one locks the PIN. Text that is not
    6–8 ASCII digits cannot be the PIN: refused before any hashing and not counted (a
    megabyte posted as the PIN is never hashed)."""
    with transaction.atomic():
        row = SignerPin.objects.select_for_update().filter(user=user).first()
        if row is None:
            raise ValidationError(
                _("Bạn chưa đặt mã PIN ký số. Hãy đặt mã PIN trước khi ký."), code="pin_missing"
            )
        if row.locked_at is not None:
            raise _locked_error()
        if not PIN_RE.match(pin or ""):
            raise ValidationError(_("Mã PIN gồm 6 đến 8 chữ số."), code="pin_format")
        if check_password(pin or "", row.pin_hash):
            if row.failed_attempts:
                row.failed_attempts = 0
                row.save(update_fields=["failed_attempts"])
            return
        row.failed_attempts += 1
        left = max_attempts() - row.failed_attempts
        if left <= 0:
            row.locked_at = timezone.now()
        row.save(update_fields=["failed_attempts", "locked_at"])
        audit_record(
            actor=user,
            action="signing.pin_locked" if left <= 0 else "signing.pin_wrong",
            target=row,
            data={"attempts": row.failed_attempts},
        )
    # Raised after the block, so the count above is committed.
    if left <= 0:
        raise _locked_error()
    raise ValidationError(
        _("Mã PIN không đúng; còn %(n)d lần thử.") % {"n": left}, code="pin_wrong"
    )


def signer_pin_set(*, user: Any, pin: str, current_pin: str = "") -> SignerPin:
    """The signer sets (or changes, giving the current one) their PIN."""
    if (
        not getattr(user, "is_authenticated", False)
        or getattr(user, "kind", "") != AccountKind.STAFF
    ):
        raise PermissionDenied(_("Chỉ cán bộ mới có mã PIN ký số."))
    _validate_new(pin)
    if has_pin(user):
        signer_pin_check(user=user, pin=current_pin)  # counts a wrong current PIN like any try
    with transaction.atomic():
        row, created = SignerPin.objects.select_for_update().get_or_create(
            user=user, defaults={"pin_hash": make_password(pin)}
        )
        if not created:
            row.pin_hash = make_password(pin)
            row.failed_attempts = 0
            row.locked_at = None
            row.save()
        audit_record(actor=user, action="signing.pin_set", target=row, data={"first": created})
    return row


@transaction.atomic
def signer_pin_unlock(*, by: Any, user: Any) -> None:
    """An administrator removes a (locked or forgotten) PIN; the signer then sets a new one."""
    if not getattr(by, "is_superuser", False):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được mở khoá mã PIN ký số."))
    row = SignerPin.objects.select_for_update().filter(user=user).first()
    if row is None:
        return
    audit_record(
        actor=by,
        action="signing.pin_unlock",
        target=row,
        data={"user": user.pk, "was_locked": row.locked_at is not None},
    )
    row.delete()
