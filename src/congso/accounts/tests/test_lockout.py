"""Issue 11.1: the lock-out is keyed on the account, not on the string typed, and one address
cannot spray passwords across accounts."""

from __future__ import annotations

import logging
import unicodedata

import pytest

from congso.accounts.models import AccountKind, User
from congso.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"
CITIZEN_LOGIN = "/dich-vu-cong/dang-nhap/"
CITIZEN_PASSWORD = "Mat-khau-2026!"


def _fail(client, url, login, address="10.0.0.1"):
    return client.post(url, {"username": login, "password": "sai-mat-khau"}, REMOTE_ADDR=address)


def _ok(client, url, login, password=DEMO_PASSWORD, address="10.0.0.1"):
    return client.post(url, {"username": login, "password": password}, REMOTE_ADDR=address)


def _assert_locked(response):
    assert response.status_code == 429
    assert "tạm thời bị khoá" in response.content.decode()


def _fail_up_to_the_limit(client, url, logins, limit):
    """``limit`` failed logins, one per spelling; the last one reaches the lock."""
    for i, login in enumerate(logins[:limit]):
        status = _fail(client, url, login).status_code
        assert status == (200 if i < limit - 1 else 429), (login, status)


def test_case_and_space_variants_of_a_staff_login_share_one_lock(client, demo_org, settings):
    variants = [
        "chuyenvien.vhtt",
        "Chuyenvien.vhtt",
        "CHUYENVIEN.VHTT",
        " chuyenvien.vhtT ",
        "chuyenvien .vhtt",
        "chuyenvien.vhtt@congso.local",
        "ChuyenVien.VHTT@CongSo.Local",
    ]
    assert len(variants) > settings.AXES_FAILURE_LIMIT
    _fail_up_to_the_limit(client, LOGIN, variants, settings.AXES_FAILURE_LIMIT)
    # Every spelling of the account is now locked, the right password too.
    for login in variants:
        _assert_locked(_ok(client, LOGIN, login))
    # Another account from the same address still logs in.
    assert _ok(client, LOGIN, "motcua.tx").status_code == 302


def test_nfd_and_nfc_forms_of_a_vietnamese_user_name_share_one_lock(client, db, settings):
    name = unicodedata.normalize("NFC", "nguyễn.hùng")
    User.objects.create_user(username=name, password=DEMO_PASSWORD, kind=AccountKind.STAFF)
    nfd = unicodedata.normalize("NFD", name)
    assert nfd != name
    # NFD logs in as the account: the spelling matters to neither login nor lock.
    assert _ok(client, LOGIN, nfd).status_code == 302
    client.logout()
    variants = [nfd, name, nfd.upper(), f"  {name}", unicodedata.normalize("NFD", name.upper())]
    _fail_up_to_the_limit(client, LOGIN, variants, settings.AXES_FAILURE_LIMIT)
    for login in (name, nfd):
        _assert_locked(_ok(client, LOGIN, login))


def test_phone_and_email_spellings_of_a_citizen_share_one_lock(client, db, settings):
    User.objects.create_user(
        username="0912000111",
        phone="0912000111",
        email="cuong@example.vn",
        password=CITIZEN_PASSWORD,
        kind=AccountKind.CITIZEN,
    )
    variants = [
        "+84 912 000 111",
        "84912000111",
        "0912.000.111",
        "0912 000 111",
        "Cuong@Example.VN",
        " cuong@example.vn ",
    ]
    # Every spelling logs in as the account …
    for login in variants:
        assert _ok(client, CITIZEN_LOGIN, login, CITIZEN_PASSWORD).status_code == 302, login
        client.logout()
    # … so every spelling counts against the same lock.
    _fail_up_to_the_limit(client, CITIZEN_LOGIN, variants, settings.AXES_FAILURE_LIMIT)
    for login in ("0912000111", "cuong@example.vn", "+84912000111"):
        _assert_locked(_ok(client, CITIZEN_LOGIN, login, CITIZEN_PASSWORD))


def test_a_spray_across_accounts_from_one_address_is_refused(client, demo_org, settings):
    from congso.org.demo import STAFF

    accounts = [username for username, *_rest in STAFF if username != "motcua.tx"]
    assert len(accounts) >= settings.CONGSO_LOGIN_ADDRESS_FAILURES
    for username in accounts[: settings.CONGSO_LOGIN_ADDRESS_FAILURES]:
        # One try per account: no account reaches its own lock.
        assert _fail(client, LOGIN, username, address="203.0.113.7").status_code == 200
    response = _ok(client, LOGIN, "motcua.tx", address="203.0.113.7")
    _assert_locked(response)
    assert "_auth_user_id" not in client.session
    # Another address is not concerned.
    assert _ok(client, LOGIN, "motcua.tx", address="203.0.113.8").status_code == 302


def test_the_lock_page_is_vietnamese_and_names_no_account(client, demo_org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, LOGIN, "motcua.tx")
    known = _ok(client, LOGIN, "motcua.tx")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, LOGIN, "khong.co.ai")
    unknown = _ok(client, LOGIN, "khong.co.ai")
    assert known.status_code == unknown.status_code == 429
    assert "Tài khoản tạm thời bị khoá" in known.content.decode()
    assert known.content == unknown.content
    # The XHR answer is the same page, not axes' JSON carrying the lock key.
    xhr = client.post(
        LOGIN,
        {"username": "motcua.tx", "password": DEMO_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert xhr.status_code == 429 and xhr.content == known.content


def test_staff_logins_failures_and_lockouts_are_security_events(client, demo_org, settings, caplog):
    caplog.set_level(logging.INFO, logger="congso.security")
    _ok(client, LOGIN, "motcua.tx")
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, LOGIN, "Motcua.TX")
    _ok(client, LOGIN, "motcua.tx")
    messages = [r.getMessage() for r in caplog.records if r.name == "congso.security"]
    user = demo_org.user("motcua.tx")
    assert any(m.startswith("login.ok") and f"user={user.pk}" in m for m in messages)
    failed = [m for m in messages if m.startswith("login.failed")]
    assert len(failed) >= settings.AXES_FAILURE_LIMIT and all(
        f"account=#{user.pk}" in m for m in failed
    )
    assert any(m.startswith("login.locked") for m in messages)
    # The password is never logged.
    assert not any("sai-mat-khau" in m or DEMO_PASSWORD in m for m in messages)
