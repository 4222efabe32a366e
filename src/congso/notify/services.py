"""Sending notifications. Called after commit by the domain services, never inside their
transaction: a slow or failing gateway must not roll back a dossier."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail

from .backends import get_sms_backend
from .models import Channel, Notification

log = logging.getLogger("congso.notify")


def notify_send(*, event: str, reference: str = "", email: str = "", phone: str = "",
                subject: str, body: str, sms_text: str = "") -> list[Notification]:
    """Send ``body`` by e-mail and ``sms_text`` (or body) by SMS to whichever contacts are
    given; record each attempt as a Notification, failures included. Never raises."""
    sent: list[Notification] = []
    if email:
        sent.append(_attempt(Channel.EMAIL, email, subject, body, event, reference,
                             lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])))
    if phone:
        text = sms_text or body
        sent.append(_attempt(Channel.SMS, phone, "", text, event, reference,
                             lambda: get_sms_backend().send(phone, text)))
    return sent


def _attempt(channel: str, recipient: str, subject: str, body: str, event: str, reference: str,
             action) -> Notification:  # type: ignore[no-untyped-def]
    try:
        action()
    except Exception as exc:
        log.warning("notification %s to %s failed: %s", channel, recipient, exc)
        return Notification.objects.create(channel=channel, recipient=recipient, subject=subject,
                                           body=body, event=event, reference=reference,
                                           state=Notification.State.FAILED, error=str(exc))
    return Notification.objects.create(channel=channel, recipient=recipient, subject=subject,
                                       body=body, event=event, reference=reference,
                                       state=Notification.State.SENT)
