"""The second factor for /quan-tri/ and the sysadmin role (issue 11.16)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from congso.accounts import otp
from congso.accounts.admin_site import VerifiedAdminSite
from congso.accounts.models import AccountKind, User
from congso.org.demo import DEMO_PASSWORD
from congso.org.models import Role, RoleAssignment, Staff

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"
SETUP = "/tai-khoan/xac-thuc-hai-buoc/"
VERIFY = "/tai-khoan/xac-thuc-hai-buoc/kiem-tra/"


def _login(username: str) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


def _wait_out_throttle(user: User) -> None:
    """django-otp refuses every code for a moment after a wrong one: let that moment pass."""
    past = timezone.now() - dt.timedelta(minutes=1)
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=past)


def _code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return otp.current_code(device)


@pytest.fixture
def sysadmin(demo_org):  # type: ignore[no-untyped-def]
    """Staff with the sysadmin role, no Django admin flags."""
    user = User.objects.create_user(
        "quantri.phuong", password=DEMO_PASSWORD, kind=AccountKind.STAFF
    )
    staff = Staff.objects.create(user=user, unit=demo_org.district)
    RoleAssignment.objects.create(staff=staff, unit=demo_org.district, role=Role.SYSADMIN)
    return user


def test_who_needs_a_second_factor(demo_org, sysadmin):
    assert otp.needs_second_factor(demo_org.user("quantri"))  # superuser
    assert otp.needs_second_factor(sysadmin)
    assert not otp.needs_second_factor(demo_org.user("motcua.tx"))
    assert _login("motcua.tx").get("/quan-tri/").status_code == 302  # ordinary admin refusal
    assert _login("motcua.tx").get(reverse("core:home")).status_code == 200


def test_admin_without_a_device_must_enrol_and_gets_backup_codes_once(demo_org):
    admin = demo_org.user("quantri")
    client = _login("quantri")
    response = client.get("/quan-tri/")
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    assert client.get(reverse("core:home"))["Location"].startswith(SETUP)
    assert client.get("/api/v1/procedures").status_code == 403
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and "Xác thực hai bước" in page
    assert "cần bật xác thực hai bước" in page
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    # A wrong code changes nothing.
    response = client.post(
        SETUP, {"code": "000000" if otp.current_code(device) != "000000" else "111111"}
    )
    assert "Mã xác thực không đúng" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    _wait_out_throttle(admin)
    response = client.post(SETUP, {"code": otp.current_code(device), "next": "/quan-tri/"})
    page = response.content.decode()
    assert "Mã dự phòng" in page and "chỉ hiện một lần" in page
    codes = list(StaticToken.objects.filter(device__user=admin).values_list("token", flat=True))
    assert len(codes) == 10 and all(c in page for c in codes)
    assert client.get("/quan-tri/").status_code == 200
    # Shown once: the setup page now only offers new codes.
    again = client.get(SETUP).content.decode()
    assert not any(c in again for c in codes)


def test_enrolled_admin_is_asked_for_a_code_after_the_password(demo_org, caplog):
    admin = demo_org.user("quantri")
    otp.demo_enrol(admin)
    client = _login("quantri")
    response = client.get("/quan-tri/")
    assert response["Location"] == f"{VERIFY}?next=%2Fquan-tri%2F"
    with caplog.at_level("INFO", logger="congso.security"):
        response = client.post(VERIFY, {"code": "12", "next": "/quan-tri/"})
        assert "Mã xác thực không đúng" in response.content.decode()
        assert client.get("/quan-tri/").status_code == 302
        # Right away even the right code is refused (django-otp's throttle) …
        response = client.post(VERIFY, {"code": _code(admin), "next": "/quan-tri/"})
        assert response.status_code == 200
        _wait_out_throttle(admin)  # … and accepted once the pause has passed.
        response = client.post(VERIFY, {"code": _code(admin), "next": "/quan-tri/"})
    assert response.status_code == 302 and response["Location"] == "/quan-tri/"
    assert client.get("/quan-tri/").status_code == 200
    assert "otp.failed" in caplog.text and "otp.ok" in caplog.text


def test_verify_refuses_an_outside_next(demo_org):
    admin = demo_org.user("quantri")
    otp.demo_enrol(admin)
    client = _login("quantri")
    response = client.post(VERIFY, {"code": _code(admin), "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")


def test_a_backup_code_works_once(demo_org):
    admin = demo_org.user("quantri")
    otp.demo_enrol(admin)
    code = otp.backup_codes_renew(user=admin)[0]
    client = _login("quantri")
    assert client.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert client.get("/quan-tri/").status_code == 200
    other = _login("quantri")
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200 and "đã dùng" in response.content.decode()


def test_sysadmin_role_pages_need_the_second_factor(sysadmin):
    client = _login("quantri.phuong")
    assert client.get("/quan-ly/danh-muc-thu-tuc/")["Location"].startswith(SETUP)


def test_admin_site_refuses_an_unverified_session_by_itself(demo_org):
    request = RequestFactory().get("/quan-tri/")
    request.user = demo_org.user("quantri")
    request.user.is_verified = lambda: False  # type: ignore[attr-defined]
    assert not VerifiedAdminSite().has_permission(request)
    request.user.is_verified = lambda: True  # type: ignore[attr-defined]
    assert VerifiedAdminSite().has_permission(request)


def test_logout_is_open_to_an_unverified_session(demo_org):
    client = _login("quantri")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and not response["Location"].startswith(SETUP)


def test_demo_logins_prints_a_working_code(demo_org):
    admin = demo_org.user("quantri")
    otp.demo_enrol(admin)
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "Xác thực hai bước của quantri" in text
    code = text.split("mã hiện tại: ")[1].split()[0]
    client = _login("quantri")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert client.get("/quan-tri/").status_code == 200
