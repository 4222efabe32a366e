"""The second factor for the Django admin (/quan-tri/) and the sysadmin role (issue 11.16).

Who needs it: superusers, accounts with Django's ``is_staff`` (admin access) and staff holding
the ``sysadmin`` role anywhere. After the password, such a session is sent to the
verification page (or, without a device yet, to the enrolment page) until a code from an
authenticator app (TOTP, RFC 6238, django-otp's ``otp_totp``) or one of ten single-use backup
codes (``otp_static``, shown once) is accepted; until then every page but those two and the
logout answers a redirect, the API 403, and the admin site refuses the session by itself
(``VerifiedAdminSite``). The QR code is drawn here as SVG (segno): no outside service sees
the secret.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.audit.services import audit_record
from congso.core.inputs import ascii_digits_only
from congso.org.models import Role
from congso.org.selectors import user_roles

from . import security
from .models import User

BACKUP_CODES = 10
APP_DEVICE_NAME = "Ứng dụng xác thực"
BACKUP_DEVICE_NAME = "Mã dự phòng"


def needs_second_factor(user: Any) -> bool:
    """Whether ``user`` must pass a second factor after the password."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return Role.SYSADMIN.value in user_roles(user)


def is_verified(request: HttpRequest) -> bool:
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator device being enrolled (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four, for typing into an app."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The provisioning QR code (otpauth:// URL) as an inline SVG element."""
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4, border=2))


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (for the demo account's printout)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def _clean(code: str) -> str:
    return "".join(ch for ch in str(code or "") if ch.isalnum()).lower()[:16]


def backup_codes_renew(*, user: User) -> list[str]:
    """Replace the user's backup codes with ten new ones; returns them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    audit_record(actor=user, action="account.otp_backup_codes", target=user)
    return codes


@transaction.atomic
def enrol_confirm(*, request: HttpRequest, user: User, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code it shows: the device becomes the user's
    (older ones are removed), the session is verified, ten backup codes are made and returned.
    ``None`` (nothing changed) when the code is wrong."""
    device = pending_device(user)
    token = _clean(code)
    if not ascii_digits_only(token) or not device.verify_token(token):
        security.event("otp.enrol_failed", request, user=user.pk)
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = backup_codes_renew(user=user)
    otp_login(request, device)
    audit_record(actor=user, action="account.otp_enrol", target=user)
    security.event("otp.enrolled", request, user=user.pk)
    return codes


def verify(*, request: HttpRequest, user: User, code: str) -> bool:
    """Check a code from the authenticator or a backup code (used up); on success the
    session is verified. django-otp slows repeated failures per device."""
    token = _clean(code)
    devices: list[Any] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    if not ascii_digits_only(token):
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        with transaction.atomic():
            if device.verify_token(token):
                otp_login(request, device)
                kind = "backup" if isinstance(device, StaticDevice) else "app"
                security.event("otp.ok", request, user=user.pk, device=kind)
                return True
    security.event("otp.failed", request, user=user.pk)
    return False


def demo_enrol(user: User) -> TOTPDevice:
    """Give the demo administrator a confirmed authenticator (its secret and current code
    are printed by ``demo_logins``), so a newcomer can log into /quan-tri/ without a phone."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
    return device


def demo_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
