"""Registration with e-mail or phone, verification codes (expiry, attempts), reset."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from congso.accounts.models import User
from congso.eservices import accounts
from congso.eservices.models import CitizenProfile, VerificationCode

pytestmark = pytest.mark.django_db

GOOD = "Mat-khau-2026!"


def code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_register_by_email_verify_and_login(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/dich-vu-cong/dang-ky/",
            {
                "kind": "citizen",
                "full_name": "Trần Văn Cường",
                "login": "Cuong@Example.vn",
                "identity_number": "001090054321",
                "password1": GOOD,
                "password2": GOOD,
            },
        )
    assert r.status_code == 302 and r.url == "/dich-vu-cong/xac-thuc/"
    user = User.objects.get(email="cuong@example.vn")
    assert not user.is_active and user.kind == "citizen"
    assert (
        client.post(
            "/dich-vu-cong/dang-nhap/", {"username": "cuong@example.vn", "password": GOOD}
        ).status_code
        == 200
    )  # not verified yet: no login
    wrong = client.post(
        "/dich-vu-cong/xac-thuc/", {"code": "000000" if code_from_mail() != "000000" else "111111"}
    )
    assert "Mã xác thực không đúng." in wrong.content.decode()
    r = client.post("/dich-vu-cong/xac-thuc/", {"code": code_from_mail()})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.is_active and CitizenProfile.objects.get(user=user).email_verified
    client.logout()
    r = client.post("/dich-vu-cong/dang-nhap/", {"username": "cuong@example.vn", "password": GOOD})
    assert r.status_code == 302 and r.url == "/dich-vu-cong/"


def test_register_by_phone_sends_sms(client, django_capture_on_commit_callbacks, caplog):
    from congso.notify.models import SmsOutbox

    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.citizen_register(
            login="+84 912 000 111", password=GOOD, full_name="Lê Thị Dung"
        )
    assert user.phone == "0912000111" and user.username == "0912000111"
    sms = SmsOutbox.objects.filter(phone="0912000111").order_by("-pk").first()
    assert sms is not None and "Mã xác thực" in sms.text
    code = re.search(r"\b(\d{6})\b", sms.text).group(1)
    accounts.citizen_verify(user=user, code=code)
    assert CitizenProfile.objects.get(user=user).phone_verified


@pytest.mark.parametrize(
    "post,field,message",
    [
        ({"login": "khong-hop-le"}, "login", "e-mail hoặc số điện thoại"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "hoàn toàn là số"),
        ({"password2": "khac-nhau-1"}, "password2", "không khớp"),
        ({"identity_number": "12345"}, "identity_number", "12 chữ số"),
        (
            {"kind": "organisation", "organisation_name": "Công ty A", "tax_code": "12345"},
            "tax_code",
            "10 hoặc 13",
        ),
        (
            {"kind": "organisation", "organisation_name": "Công ty A", "tax_code": ""},
            "tax_code",
            "mã số thuế",
        ),
    ],
)
def test_register_errors_are_vietnamese_and_create_nothing(client, post, field, message):
    data = {
        "kind": "citizen",
        "full_name": "A",
        "login": "a@example.vn",
        "identity_number": "",
        "password1": GOOD,
        "password2": GOOD,
        **post,
    }
    r = client.post("/dich-vu-cong/dang-ky/", data)
    assert r.status_code == 200
    errors = r.context["form"].errors[field]
    assert any(message.lower() in e.lower() for e in errors), errors
    assert not User.objects.filter(kind="citizen").exists()


def test_organisation_with_13_digit_tax_code(client):
    accounts.citizen_register(
        login="ketoan@congty.vn",
        password=GOOD,
        full_name="Phạm Văn E",
        kind="organisation",
        tax_code="0101234567001",
        organisation_name="Công ty B",
    )
    assert CitizenProfile.objects.get(user__email="ketoan@congty.vn").tax_code == "0101234567001"
    with pytest.raises(ValidationError):
        accounts.citizen_register(
            login="x@congty.vn",
            password=GOOD,
            full_name="X",
            kind="organisation",
            tax_code="010123456",
            organisation_name="C",
        )


def test_duplicate_login_refused():
    accounts.citizen_register(login="a@example.vn", password=GOOD, full_name="A")
    with pytest.raises(ValidationError) as exc:
        accounts.citizen_register(login="A@example.VN", password=GOOD, full_name="B")
    assert "đã được dùng" in exc.value.messages[0]


def test_code_expires_and_attempts_are_limited(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_VERIFY_CODE_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.citizen_register(login="b@example.vn", password=GOOD, full_name="B")
    good = code_from_mail()
    bad = "000000" if good != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(ValidationError, match="không đúng"):
            accounts.citizen_verify(user=user, code=bad)
    with pytest.raises(ValidationError, match="quá số lần"):
        accounts.citizen_verify(user=user, code=good)  # even the right code is refused now
    with django_capture_on_commit_callbacks(execute=True):
        accounts.citizen_resend_code(user=user)
    fresh = code_from_mail()
    VerificationCode.objects.filter(user=user, used_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ValidationError, match="hết hạn"):
        accounts.citizen_verify(user=user, code=fresh)
    user.refresh_from_db()
    assert not user.is_active


def test_password_reset_by_email(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.citizen_register(login="c@example.vn", password=GOOD, full_name="C")
    accounts.citizen_verify(user=user, code=code_from_mail())
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/dich-vu-cong/quen-mat-khau/", {"login": "c@example.vn"})
    assert r.status_code == 302
    assert "đặt lại mật khẩu" in mail.outbox[-1].body
    new = "Mat-khau-moi-99"
    r = client.post(
        "/dich-vu-cong/dat-lai-mat-khau/",
        {"code": code_from_mail(), "password1": new, "password2": new},
    )
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    # A used code cannot be used again.
    with pytest.raises(ValidationError):
        accounts.password_reset_confirm(
            login="c@example.vn", code=code_from_mail(), password="Khac-nua-2077!"
        )


def test_reset_for_unknown_login_says_the_same_and_sends_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/dich-vu-cong/quen-mat-khau/", {"login": "khongco@example.vn"}, follow=True
        )
    assert "Nếu tài khoản tồn tại" in r.content.decode()
    assert mail.outbox == []


def test_codes_are_rate_limited(django_capture_on_commit_callbacks):
    user = accounts.citizen_register(login="d@example.vn", password=GOOD, full_name="D")
    for _ in range(accounts.CODES_PER_HOUR - 1):
        accounts.citizen_resend_code(user=user)
    with pytest.raises(ValidationError, match="quá nhiều"):
        accounts.citizen_resend_code(user=user)
    assert accounts.password_reset_request(login="d@example.vn") is None  # silently, no 6th code
    assert VerificationCode.objects.filter(user=user).count() == accounts.CODES_PER_HOUR


def test_verification_code_goes_through_the_outbox_and_is_retried(settings):
    """The code is a notification like any other (issue 14): queued in the registration's
    transaction, sent by the task worker, retried with backoff after a gateway failure, and
    not kept readable in the table once sent."""
    import datetime as dt

    from django.utils import timezone

    from congso.notify.backends import _backend
    from congso.notify.models import Notification, SmsOutbox
    from congso.notify.tasks import deliver_due

    settings.NOTIFY_INLINE = False
    settings.SMS_BACKEND = "congso.notify.backends.FailingSmsBackend"
    _backend.cache_clear()
    try:
        user = accounts.citizen_register(login="0912000222", password=GOOD, full_name="Lê Văn Em")
        note = Notification.objects.get(event="account.code_register")
        assert note.recipient == "0912000222" and note.reference == str(user.pk)
        assert note.expires_at == user.verification_codes.get().expires_at
        deliver_due.call()
        note.refresh_from_db()
        assert note.state == "failed" and note.attempts == 1
    finally:
        settings.SMS_BACKEND = "congso.notify.backends.LogSmsBackend"
        _backend.cache_clear()
    Notification.objects.update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))
    deliver_due.call()
    note.refresh_from_db()
    assert note.state == "sent" and note.attempts == 2
    code = re.search(r"\b(\d{6})\b", SmsOutbox.objects.get(phone="0912000222").text).group(1)
    assert code not in note.body and not note.secret
    accounts.citizen_verify(user=user, code=code)
    assert CitizenProfile.objects.get(user=user).phone_verified
