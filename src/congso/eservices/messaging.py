"""Sending verification codes: Django mail for e-mail, settings.SMS_BACKEND for SMS.

congso.notify owns the SMS backends; it is imported lazily so this app works (by logging the
message) before or without it.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

logger = logging.getLogger("congso.eservices.sms")


def send_email(to: str, subject: str, body: str) -> None:
    send_mail(str(subject), str(body), settings.DEFAULT_FROM_EMAIL, [to])


def send_sms(to: str, text: str) -> None:
    try:
        backend_class = import_string(settings.SMS_BACKEND)
    except ImportError:
        logger.info("SMS to %s: %s", to, text)
        return
    backend = backend_class()
    # The notify backends may expose send(to, text) or send_sms(to, text).
    sender = getattr(backend, "send", None) or backend.send_sms
    sender(to, str(text))
