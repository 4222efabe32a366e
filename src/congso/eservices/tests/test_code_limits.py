"""Issue 11.6: reset and verification codes are limited per client address and in total,
answer alike for known and unknown accounts, live at most 10 minutes, and the owner hears of
every password reset or change."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from congso.accounts.models import User
from congso.eservices import accounts
from congso.eservices.models import VerificationCode
from congso.eservices.tests.factories import CitizenFactory
from congso.notify.models import Notification
from congso.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

RESET = "/dich-vu-cong/quen-mat-khau/"
CONFIRM = "/dich-vu-cong/dat-lai-mat-khau/"
REGISTER = "/dich-vu-cong/dang-ky/"
NEW = "Mat-khau-moi-2026!"
RATE = "quá nhiều yêu cầu"


def _code_from_mail() -> str:
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_codes_live_ten_minutes_at_most(settings, django_capture_on_commit_callbacks):
    settings.CONGSO_VERIFY_CODE_MINUTES = 15  # a setting above the ceiling is capped
    with django_capture_on_commit_callbacks(execute=True):
        user = accounts.citizen_register(login="a@example.vn", password=NEW, full_name="A")
    row = VerificationCode.objects.get(user=user)
    assert (row.expires_at - row.created_at).total_seconds() <= 10 * 60 + 1
    assert "10 phút" in mail.outbox[-1].body


def test_reset_requests_are_limited_per_address_for_known_and_unknown_logins(client, settings):
    known = [CitizenFactory().email for _ in range(3)]
    logins = [*known, *(f"khongco{i}@example.vn" for i in range(20))]
    limit = settings.CONGSO_CODE_REQUESTS_PER_ADDRESS
    for login in logins[:limit]:
        r = client.post(RESET, {"login": login}, REMOTE_ADDR="198.51.100.4")
        assert r.status_code == 302, login
    for login in (known[0], logins[-1]):  # known or not, the same refusal
        r = client.post(RESET, {"login": login}, REMOTE_ADDR="198.51.100.4")
        assert r.status_code == 200 and RATE in r.content.decode()
    # Another address is not concerned.
    assert client.post(RESET, {"login": known[1]}, REMOTE_ADDR="198.51.100.5").status_code == 302


def test_code_requests_are_limited_in_total(client, settings):
    settings.CONGSO_CODE_REQUESTS_PER_HOUR = 3
    for i in range(3):
        assert (
            client.post(
                RESET, {"login": f"x{i}@example.vn"}, REMOTE_ADDR=f"198.51.100.{i + 10}"
            ).status_code
            == 302
        )
    r = client.post(RESET, {"login": "y@example.vn"}, REMOTE_ADDR="198.51.100.99")
    assert r.status_code == 200 and RATE in r.content.decode()


def test_code_guesses_are_limited_per_address_across_accounts(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CONGSO_CODE_REQUESTS_PER_ADDRESS = 100
    users = [CitizenFactory() for _ in range(6)]
    limit = settings.CONGSO_CODE_CHECKS_PER_ADDRESS
    tries = 0
    for user in users:  # at most CONGSO_VERIFY_CODE_ATTEMPTS on each, never an account's limit
        with django_capture_on_commit_callbacks(execute=True):
            client.post(RESET, {"login": user.email}, REMOTE_ADDR="192.0.2.9")
        for _ in range(settings.CONGSO_VERIFY_CODE_ATTEMPTS - 1):
            if tries == limit:
                break
            client.post(
                CONFIRM,
                {"code": _wrong(_code_from_mail()), "password1": NEW, "password2": NEW},
                REMOTE_ADDR="192.0.2.9",
            )
            tries += 1
    assert tries == limit
    # The right code of the last account is refused from this address now …
    r = client.post(
        CONFIRM,
        {"code": _code_from_mail(), "password1": NEW, "password2": NEW},
        REMOTE_ADDR="192.0.2.9",
    )
    assert r.status_code == 200 and RATE in r.content.decode()
    # … and accepted from the owner's own address.
    r = client.post(
        CONFIRM,
        {"code": _code_from_mail(), "password1": NEW, "password2": NEW},
        REMOTE_ADDR="192.0.2.10",
    )
    assert r.status_code == 302
    assert User.objects.get(pk=users[-1].pk).check_password(NEW)


def _answers(client, login: str, address: str, code: str, n: int) -> list[str]:
    client.post(RESET, {"login": login}, REMOTE_ADDR=address)
    out = []
    for _ in range(n):
        r = client.post(
            CONFIRM, {"code": code, "password1": NEW, "password2": NEW}, REMOTE_ADDR=address
        )
        out.append(r.status_code)
        out.extend(r.context["form"].errors.get("code", []) if r.context else [])
    return out


def test_known_and_unknown_logins_answer_alike_also_after_five_wrong_codes(
    client, settings, django_capture_on_commit_callbacks
):
    known = CitizenFactory(email="co@example.vn", username="co@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        known_answers = _answers(client, known.email, "192.0.2.20", "999999", 7)
    unknown_answers = _answers(client, "khong@example.vn", "192.0.2.21", "999999", 7)
    assert known_answers == unknown_answers
    assert any("quá số lần" in a for a in known_answers if isinstance(a, str))
    # A password like the login is refused alike as well.
    for login, address in ((known.email, "192.0.2.22"), ("khong2@example.vn", "192.0.2.23")):
        client.post(RESET, {"login": login}, REMOTE_ADDR=address)
        r = client.post(
            CONFIRM, {"code": "999999", "password1": login, "password2": login}, REMOTE_ADDR=address
        )
        assert r.context["form"].errors.get("password1"), login


def test_owner_is_told_after_a_password_reset(client, django_capture_on_commit_callbacks):
    user = CitizenFactory(email="chu@example.vn", username="chu@example.vn", phone="0912000222")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESET, {"login": user.email})
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(CONFIRM, {"code": _code_from_mail(), "password1": NEW, "password2": NEW})
    assert r.status_code == 302
    notes = Notification.objects.filter(event="account.password_reset")
    assert {n.recipient for n in notes} == {"chu@example.vn", "0912000222"}
    assert "vừa được đặt lại" in mail.outbox[-1].body and mail.outbox[-1].to == ["chu@example.vn"]


def test_owner_is_told_after_a_password_change(
    client, demo_org, django_capture_on_commit_callbacks
):
    client.force_login(demo_org.user("motcua.tx"))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            "/tai-khoan/doi-mat-khau/",
            {"old_password": DEMO_PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
    assert r.status_code == 302
    note = Notification.objects.get(event="account.password_change")
    assert note.recipient == "motcua.tx@congso.local"
    assert "vừa được thay đổi" in mail.outbox[-1].body


def test_registration_already_used_answer_is_rate_limited(client, settings):
    taken = [CitizenFactory().email for _ in range(settings.CONGSO_CODE_REQUESTS_PER_ADDRESS + 1)]

    def register(login: str):
        return client.post(
            REGISTER,
            {
                "kind": "citizen",
                "full_name": "A",
                "login": login,
                "identity_number": "",
                "password1": NEW,
                "password2": NEW,
            },
            REMOTE_ADDR="192.0.2.30",
        )

    for login in taken[:-1]:
        assert "đã được dùng" in register(login).content.decode()
    body = register(taken[-1]).content.decode()
    assert "đã được dùng" not in body and RATE in body
