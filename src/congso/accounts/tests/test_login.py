from __future__ import annotations

import pytest
from django.urls import reverse

from congso.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"


def test_login_page_is_vietnamese(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_staff_logs_in_with_username_email_or_phone(client, demo_org):
    user = demo_org.user("motcua.tx")
    user.phone = "0912345678"
    user.save()
    for login in ("motcua.tx", "motcua.tx@congso.local", "0912345678"):
        client.logout()
        response = client.post(LOGIN, {"username": login, "password": DEMO_PASSWORD})
        assert response.status_code == 302, login
        assert response["Location"] == reverse("core:home")


def test_wrong_password_gives_vietnamese_error(client, demo_org):
    response = client.post(LOGIN, {"username": "motcua.tx", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_lockout_after_repeated_failures(client, demo_org, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "motcua.tx", "password": "sai"})
    response = client.post(LOGIN, {"username": "motcua.tx", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "tạm thời bị khoá" in response.content.decode()
    # Another account from the same address is not locked.
    response = client.post(LOGIN, {"username": "motcua.nc", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_logout_requires_post(client, demo_org):
    client.force_login(demo_org.user("motcua.tx"))
    assert client.get("/tai-khoan/dang-xuat/").status_code == 405
    assert client.post("/tai-khoan/dang-xuat/").status_code == 302
    assert client.get(reverse("core:home")).status_code == 302


def test_password_change(client, demo_org):
    client.force_login(demo_org.user("motcua.tx"))
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Mot-Cua-Moi-2026",
            "new_password2": "Mot-Cua-Moi-2026",
        },
    )
    assert response.status_code == 302
    user = demo_org.user("motcua.tx")
    user.refresh_from_db()
    assert user.check_password("Mot-Cua-Moi-2026")


def test_password_change_rejects_weak_password_in_vietnamese(client, demo_org):
    client.force_login(demo_org.user("motcua.tx"))
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mật khẩu" in body or "mật khẩu" in body


def test_passwords_need_twelve_characters(client, demo_org):
    client.force_login(demo_org.user("motcua.tx"))
    eleven = "Mot-Cua-M2!"
    assert len(eleven) == 11
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": eleven, "new_password2": eleven},
    )
    assert response.status_code == 200
    assert "12 ký tự" in response.content.decode()
    user = demo_org.user("motcua.tx")
    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


def test_the_printed_demo_password_passes_the_validators(demo_org):
    from django.contrib.auth import password_validation

    for username in ("quantri", "motcua.tx", "chuyenvien.vhtt"):
        password_validation.validate_password(DEMO_PASSWORD, demo_org.user(username))
    assert len(DEMO_PASSWORD) >= 12
