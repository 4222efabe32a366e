from __future__ import annotations

import io

import pytest
from django.core import mail

from congso.notify.backends import _backend
from congso.notify.models import Notification, SmsOutbox
from congso.notify.services import notify_send

pytestmark = pytest.mark.django_db


def test_email_and_sms_are_sent_and_recorded():
    sent = notify_send(
        event="dossier.accepted",
        reference="H26.09-260302-0001",
        email="an@example.vn",
        phone="0912345678",
        subject="Hồ sơ đã được tiếp nhận",
        body="Nội dung có dấu: hẹn trả",
    )
    assert [n.state for n in sent] == ["sent", "sent"]
    assert mail.outbox[0].subject == "Hồ sơ đã được tiếp nhận"
    assert SmsOutbox.objects.get().text == "Nội dung có dấu: hẹn trả"


def test_a_failing_gateway_is_recorded_not_raised(settings):
    settings.SMS_BACKEND = "congso.notify.backends.FailingSmsBackend"
    _backend.cache_clear()
    try:
        (note,) = notify_send(
            event="dossier.result_ready", phone="0912345678", subject="", body="x"
        )
    finally:
        _backend.cache_clear()
    assert note.state == "failed" and "unavailable" in note.error
    assert Notification.objects.filter(state="failed").count() == 1


def test_queued_messages_go_out_after_commit_not_before(django_capture_on_commit_callbacks):
    from congso.notify.services import notify_queue

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows = notify_queue(
            event="dossier.accepted",
            reference="R1",
            email="an@example.vn",
            phone="0912345678",
            subject="Tiếp nhận",
            body="Hồ sơ đã được tiếp nhận",
        )
    assert [n.state for n in rows] == ["pending", "pending"] and not mail.outbox
    assert len(callbacks) == 1
    callbacks[0]()  # the commit
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    assert mail.outbox[0].body == "Hồ sơ đã được tiếp nhận" and SmsOutbox.objects.count() == 1


def test_without_inline_delivery_the_worker_sends_and_retries(
    settings, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from congso.notify.services import MAX_ATTEMPTS, notify_queue

    settings.NOTIFY_INLINE = False
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_queue(
            event="dossier.result_ready",
            reference="R2",
            phone="0912345678",
            subject="",
            body="Đã có kết quả",
        )
    assert not callbacks and Notification.objects.get().state == "pending"
    settings.SMS_BACKEND = "congso.notify.backends.FailingSmsBackend"
    _backend.cache_clear()
    try:
        call_command("notify_deliver", stdout=io.StringIO())
        note = Notification.objects.get()
        assert (note.state, note.attempts) == (
            "failed",
            1,
        ) and note.next_attempt_at > timezone.now()
        call_command("notify_deliver", stdout=io.StringIO())  # not due yet: untouched
        assert Notification.objects.get().attempts == 1
    finally:
        settings.SMS_BACKEND = "congso.notify.backends.LogSmsBackend"
        _backend.cache_clear()
    Notification.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("notify_deliver", stdout=io.StringIO())
    note = Notification.objects.get()
    assert (note.state, note.attempts, note.error) == ("sent", 2, "") and note.sent_at is not None
    assert SmsOutbox.objects.get().text == "Đã có kết quả"
    # A message that failed MAX_ATTEMPTS times is left for a person to look at.
    Notification.objects.update(
        state="failed",
        attempts=MAX_ATTEMPTS,
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1),
    )
    call_command("notify_deliver", stdout=io.StringIO())
    assert Notification.objects.get().attempts == MAX_ATTEMPTS


def test_urgent_message_is_its_own_task_and_its_secret_is_blanked_once_sent(
    settings, django_capture_on_commit_callbacks
):
    """Worker mode (NOTIFY_INLINE off): an urgent message is not left for the periodic drain but
    enqueued as a task in the caller's transaction (run at the commit on the immediate backend,
    by a worker otherwise); once sent, the stored copy no longer holds the secret."""
    import datetime as dt

    from django.utils import timezone

    from congso.notify.models import REDACTED
    from congso.notify.services import notify_queue

    settings.NOTIFY_INLINE = False
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_queue(
            event="account.code_register",
            phone="0912345678",
            subject="Mã",
            body="Mã xác thực là 424242",
            urgent=True,
            expires_at=timezone.now() + dt.timedelta(minutes=10),
            secret="424242",
        )
    assert Notification.objects.get().state == "pending" and len(callbacks) == 1
    callbacks[0]()  # the commit: the task runs
    note = Notification.objects.get()
    assert note.state == "sent" and note.body == f"Mã xác thực là {REDACTED}" and not note.secret
    assert SmsOutbox.objects.get().text == "Mã xác thực là 424242"


def test_an_expired_message_is_never_sent_and_its_secret_is_blanked(settings):
    import datetime as dt

    from django.utils import timezone

    from congso.notify.services import notify_deliver, notify_queue

    settings.NOTIFY_INLINE = False
    settings.SMS_BACKEND = "congso.notify.backends.FailingSmsBackend"
    _backend.cache_clear()
    try:
        notify_queue(
            event="account.code_reset",
            phone="0912345678",
            subject="",
            body="Mã 777111",
            urgent=True,
            expires_at=timezone.now() + dt.timedelta(minutes=10),
            secret="777111",
        )
        notify_deliver()
        note = Notification.objects.get()
        assert note.state == "failed" and note.secret == "777111"  # kept for the retry
    finally:
        settings.SMS_BACKEND = "congso.notify.backends.LogSmsBackend"
        _backend.cache_clear()
    Notification.objects.update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1),
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    assert notify_deliver() == (0, 1)
    note = Notification.objects.get()
    assert (note.state, note.error, note.secret) == ("failed", "expired", "")
    assert "777111" not in note.body and not SmsOutbox.objects.exists()
    assert notify_deliver() == (0, 0)  # never picked again
