from __future__ import annotations

import pytest
from django.core import mail

from congso.notify.backends import _backend
from congso.notify.models import Notification, SmsOutbox
from congso.notify.services import notify_send

pytestmark = pytest.mark.django_db


def test_email_and_sms_are_sent_and_recorded():
    sent = notify_send(event="dossier.accepted", reference="H26.09-260302-0001", email="an@example.vn",
                       phone="0912345678", subject="Hồ sơ đã được tiếp nhận", body="Nội dung có dấu: hẹn trả")
    assert [n.state for n in sent] == ["sent", "sent"]
    assert mail.outbox[0].subject == "Hồ sơ đã được tiếp nhận"
    assert SmsOutbox.objects.get().text == "Nội dung có dấu: hẹn trả"


def test_a_failing_gateway_is_recorded_not_raised(settings):
    settings.SMS_BACKEND = "congso.notify.backends.FailingSmsBackend"
    _backend.cache_clear()
    try:
        (note,) = notify_send(event="dossier.result_ready", phone="0912345678", subject="", body="x")
    finally:
        _backend.cache_clear()
    assert note.state == "failed" and "unavailable" in note.error
    assert Notification.objects.filter(state="failed").count() == 1
