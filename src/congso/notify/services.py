"""Sending notifications through an outbox. A domain service queues its messages inside its own
transaction (``notify_queue``), so a message exists exactly when the change it reports was
committed; delivery happens after commit, never inside the transaction, so a slow or failing
gateway cannot roll back a dossier. With ``NOTIFY_INLINE`` (the default) the request that
committed delivers its own messages right after commit; in production the task worker does it
(``NOTIFY_INLINE=false``): an ``urgent`` message (a verification code somebody is waiting for)
as its own task enqueued in the same transaction, the others by the periodic drain
(``congso.notify.tasks``), which also retries failures with backoff. A message with
``expires_at`` is not sent after that moment, and its ``secret`` (the code) is blanked out of
the stored body once the message is sent or expired."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from congso.core.outbox import backoff
from congso.core.rows import insert_rows
from congso.core.tasks import enqueue

from .backends import get_sms_backend
from .models import REDACTED, Channel, Notification
from .tasks import deliver

log = logging.getLogger("congso.notify")

MAX_ATTEMPTS = 6


def _create(
    *,
    event: str,
    reference: str,
    email: str,
    phone: str,
    subject: str,
    body: str,
    sms_text: str,
    keys: bool = True,
    expires_at: dt.datetime | None = None,
    secret: str = "",
) -> list[Notification]:
    now = timezone.now()
    rows = []
    if email:
        rows.append(
            Notification(
                channel=Channel.EMAIL,
                recipient=email,
                subject=subject,
                body=body,
                event=event,
                reference=reference,
                state=Notification.State.PENDING,
                next_attempt_at=now,
                expires_at=expires_at,
                secret=secret,
            )
        )
    if phone:
        rows.append(
            Notification(
                channel=Channel.SMS,
                recipient=phone,
                subject="",
                body=sms_text or body,
                event=event,
                reference=reference,
                state=Notification.State.PENDING,
                next_attempt_at=now,
                expires_at=expires_at,
                secret=secret,
            )
        )
    # Without ``keys`` the INSERT returns nothing, so a pipelined transaction sends it without
    # waiting for an answer (congso.core.rows.pipelined).
    insert_rows(rows, returning=keys)
    return rows


def notify_queue(
    *,
    event: str,
    reference: str = "",
    email: str = "",
    phone: str = "",
    subject: str,
    body: str,
    sms_text: str = "",
    urgent: bool = False,
    expires_at: dt.datetime | None = None,
    secret: str = "",
) -> list[Notification]:
    """Record ``body`` for e-mail and ``sms_text`` (or body) for SMS to whichever contacts are
    given, as pending messages in the caller's transaction (one INSERT). They are delivered
    after commit when NOTIFY_INLINE is on, else by the task worker: at once as their own task
    when ``urgent``, otherwise by its periodic drain. ``expires_at``: not sent after it;
    ``secret``: the part of the text blanked out of the stored copy once sent or expired."""
    inline = getattr(settings, "NOTIFY_INLINE", True)
    rows = _create(
        event=event,
        reference=reference,
        email=email,
        phone=phone,
        subject=subject,
        body=body,
        sms_text=sms_text,
        keys=inline or urgent,
        expires_at=expires_at,
        secret=secret,
    )
    if rows and inline:
        ids = [n.pk for n in rows]
        transaction.on_commit(lambda: notify_deliver(ids=ids))
    elif rows and urgent:
        enqueue(deliver, [n.pk for n in rows])
    return rows


def notify_send(
    *,
    event: str,
    reference: str = "",
    email: str = "",
    phone: str = "",
    subject: str,
    body: str,
    sms_text: str = "",
) -> list[Notification]:
    """Record and deliver at once (for callers already past their commit, such as a
    verification code the user is waiting for); returns the messages with their outcome.
    Never raises on a gateway failure: the failure is recorded and retried by the worker."""
    rows = _create(
        event=event,
        reference=reference,
        email=email,
        phone=phone,
        subject=subject,
        body=body,
        sms_text=sms_text,
    )
    ids = [n.pk for n in rows]
    notify_deliver(ids=ids)
    return list(Notification.objects.filter(pk__in=ids).order_by("pk"))


def _deliver_one(note: Notification) -> None:
    if note.channel == Channel.EMAIL:
        send_mail(note.subject, note.body, settings.DEFAULT_FROM_EMAIL, [note.recipient])
    else:
        get_sms_backend().send(note.recipient, note.body)


def _redact(note: Notification) -> None:
    if note.secret:
        note.body = note.body.replace(note.secret, REDACTED)
        note.secret = ""


def notify_deliver(*, ids: Sequence[int] | None = None, limit: int = 100) -> tuple[int, int]:
    """Deliver due messages (the given ones, or any pending or failed one whose retry time has
    come), each claimed in its own transaction with SKIP LOCKED on PostgreSQL so that several
    workers never send one twice. Returns (sent, failed)."""
    sent = failed = 0
    for _i in range(limit):
        with transaction.atomic():
            qs = Notification.objects.filter(
                state__in=[Notification.State.PENDING, Notification.State.FAILED],
                attempts__lt=MAX_ATTEMPTS,
            )
            qs = (
                qs.filter(pk__in=list(ids))
                if ids is not None
                else qs.filter(next_attempt_at__lte=timezone.now())
            )
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(skip_locked=True)
            note = qs.order_by("pk").first()
            if note is None:
                break
            if note.expires_at is not None and note.expires_at <= timezone.now():
                log.warning("notification %s to %s expired unsent", note.channel, note.recipient)
                note.state = Notification.State.FAILED
                note.error = "expired"
                note.attempts = MAX_ATTEMPTS  # never tried again
                note.next_attempt_at = None
                _redact(note)
                note.save(
                    update_fields=[
                        "attempts",
                        "state",
                        "error",
                        "next_attempt_at",
                        "body",
                        "secret",
                    ]
                )
                failed += 1
                continue
            note.attempts += 1
            try:
                _deliver_one(note)
            except Exception as exc:
                log.warning(
                    "notification %s to %s failed (attempt %s): %s",
                    note.channel,
                    note.recipient,
                    note.attempts,
                    exc,
                )
                note.state = Notification.State.FAILED
                note.error = str(exc)[:2000]
                note.next_attempt_at = timezone.now() + backoff(note.attempts)
                failed += 1
            else:
                note.state = Notification.State.SENT
                note.error = ""
                note.sent_at = timezone.now()
                _redact(note)
                sent += 1
            note.save(
                update_fields=[
                    "attempts",
                    "state",
                    "error",
                    "next_attempt_at",
                    "sent_at",
                    "body",
                    "secret",
                ]
            )
        if ids is not None and sent + failed >= len(ids):
            break
    return sent, failed
