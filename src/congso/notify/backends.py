"""SMS backends. A real gateway (a telecom's brand-name SMS API) implements ``send``; the
default one logs the message and stores it in an outbox table so the demo shows it."""

from __future__ import annotations

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

log = logging.getLogger("congso.notify")


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogSmsBackend:
    """Writes the message to the log and the SmsOutbox table instead of a gateway."""

    def send(self, phone: str, text: str) -> None:
        from .models import SmsOutbox

        log.info("SMS to %s: %s", phone, text)
        SmsOutbox.objects.create(phone=phone, text=text)


class FailingSmsBackend:
    """Always fails: lets tests and staging check that failures are recorded."""

    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("SMS gateway unavailable")


@cache
def _backend(path: str) -> SmsBackend:
    backend: SmsBackend = import_string(path)()
    return backend


def get_sms_backend() -> SmsBackend:
    return _backend(settings.SMS_BACKEND)
