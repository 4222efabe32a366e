"""Device tokens (ADR 0142): a kiosk, board or terminal is admitted by a token an administrator
issues in the admin; only its SHA-256 is stored. The device's browser is activated once by
typing the token on /thiet-bi/ (POST), which keeps it in an HttpOnly cookie; the API takes it
as ``X-Device-Token``. Revoking (or issuing a new token) shuts the device out at its next
request. A device sees its own hall only: its pages and answers are built from the token."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from congso.audit.services import audit_record

from .models import Device

COOKIE = "congso_device"
HEADER = "HTTP_X_DEVICE_TOKEN"
# A device page is used for years: the cookie outlives any browser restart.
COOKIE_AGE = 5 * 365 * 24 * 3600
SEEN_RESOLUTION = dt.timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def device_issue_token(*, device: Device, by: object) -> str:
    """A new token for ``device`` (the old one stops working); shown once to the administrator."""
    token = "tb_" + secrets.token_urlsafe(24)
    device.token_hash = _digest(token)
    device.revoked_at = None
    if device.pk:
        device.save(update_fields=["token_hash", "revoked_at"])
    else:
        device.save()
    audit_record(
        actor=by, action="counters.device_token", target=device, unit=device.hall.unit_id, data={}
    )
    return token


@transaction.atomic
def device_revoke(*, device: Device, by: object) -> Device:
    """Shut the device out: its token no longer admits it."""
    device.revoked_at = timezone.now()
    device.save(update_fields=["revoked_at"])
    audit_record(
        actor=by, action="counters.device_revoke", target=device, unit=device.hall.unit_id, data={}
    )
    return device


def device_for_token(token: str) -> Device | None:
    """The live device holding ``token`` (None: unknown or revoked)."""
    if not token or len(token) > 100:
        return None
    device = (
        Device.objects.select_related("hall", "hall__unit", "counter")
        .filter(token_hash=_digest(token), revoked_at__isnull=True, hall__is_active=True)
        .first()
    )
    if device is not None:
        now = timezone.now()
        if device.last_seen_at is None or now - device.last_seen_at >= SEEN_RESOLUTION:
            Device.objects.filter(pk=device.pk).update(last_seen_at=now)
            device.last_seen_at = now
    return device


def request_token(request: HttpRequest) -> str:
    return str(request.META.get(HEADER) or request.COOKIES.get(COOKIE) or "")


def device_for_request(request: HttpRequest, kind: str | None = None) -> Device | None:
    """The device the request comes from (cookie or header), of ``kind`` if given."""
    device = device_for_token(request_token(request))
    if device is None or (kind is not None and device.kind != kind):
        return None
    return device
