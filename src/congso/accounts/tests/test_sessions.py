"""Idle timeout and the list of one's sessions (issue 11.16): time is moved, never slept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from congso.accounts import sessions
from congso.accounts.models import AccountKind, User, UserSession
from congso.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/tai-khoan/dang-nhap/"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0 Safari/537.36"
)


class Clock:
    def __init__(self) -> None:
        self.moment = timezone.now()

    def __call__(self) -> dt.datetime:
        return self.moment

    def move(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    c = Clock()
    monkeypatch.setattr(sessions, "now", c)
    return c


def _login(username: str, agent: str = FIREFOX, address: str = "203.0.113.5") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, response.content
    return client


def _logged_in(client: Client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


def test_staff_session_ends_after_30_idle_minutes_with_a_message(demo_org, clock, caplog):
    client = _login("motcua.tx")
    clock.move(minutes=29)
    assert _logged_in(client)
    clock.move(minutes=29)  # active 29 minutes ago: still in
    assert _logged_in(client)
    clock.move(minutes=30, seconds=1)
    with caplog.at_level("INFO", logger="congso.security"):
        response = client.get(reverse("core:home"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
    assert "quá 30 phút không hoạt động" in response.content.decode()
    assert "session.expired" in caplog.text and "reason=idle" in caplog.text
    assert not UserSession.objects.filter(user=demo_org.user("motcua.tx")).exists()


def test_idle_limit_is_a_setting(demo_org, clock, settings):
    settings.CONGSO_STAFF_IDLE_MINUTES = 5
    client = _login("motcua.tx")
    clock.move(minutes=5, seconds=1)
    assert not _logged_in(client)


def test_citizens_keep_the_absolute_lifetime_only(db, clock, settings):
    User.objects.create_user(
        "congdan.test",
        email="congdan.test@example.vn",
        password=DEMO_PASSWORD,
        kind=AccountKind.CITIZEN,
    )
    client = _login("congdan.test@example.vn")
    session = client.session
    assert session[sessions.IDLE_KEY] == 0
    clock.move(hours=3)  # idle 3 hours: still signed in
    assert client.get(reverse("accounts:sessions")).status_code == 200
    clock.move(seconds=settings.SESSION_COOKIE_AGE - 3 * 3600)  # however active, it ends
    assert client.get(reverse("accounts:sessions")).status_code == 302


def test_sessions_page_lists_and_ends_another_session(demo_org, clock):
    laptop = _login("motcua.tx", FIREFOX, "203.0.113.5")
    clock.move(minutes=2)
    phone = _login("motcua.tx", CHROME, "198.51.100.7")
    page = laptop.get(reverse("accounts:sessions")).content.decode()
    assert "Firefox — Linux" in page and "Chrome — Windows" in page
    assert "203.0.113.5" in page and "198.51.100.7" in page
    assert "Phiên này" in page
    other = UserSession.objects.get(ip_address="198.51.100.7")
    response = laptop.post(reverse("accounts:sessions_end"), {"session": other.pk}, follow=True)
    assert "Đã kết thúc 1 phiên đăng nhập khác." in response.content.decode()
    # Deleted from the session store at once: the phone is out on its very next request.
    assert not _logged_in(phone)
    assert _logged_in(laptop)
    assert list(UserSession.objects.values_list("ip_address", flat=True)) == ["203.0.113.5"]


def test_end_all_other_sessions_keeps_the_current_one(demo_org, clock):
    current = _login("motcua.tx")
    others = [_login("motcua.tx", CHROME, f"198.51.100.{i}") for i in range(3)]
    stranger = _login("motcua.nc")
    current.post(reverse("accounts:sessions_end"), {"all_others": "1"})
    assert _logged_in(current) and _logged_in(stranger)
    assert not any(_logged_in(c) for c in others)


def test_cannot_end_someone_elses_session(demo_org, clock):
    mine = _login("motcua.tx")
    theirs = _login("motcua.nc")
    row = UserSession.objects.get(user=demo_org.user("motcua.nc"))
    response = mine.post(reverse("accounts:sessions_end"), {"session": row.pk}, follow=True)
    assert "Không tìm thấy phiên đăng nhập này" in response.content.decode()
    assert _logged_in(theirs)
    assert UserSession.objects.filter(pk=row.pk).exists()
    for bad in ("", "abc", "-1"):
        mine.post(reverse("accounts:sessions_end"), {"session": bad})
    assert UserSession.objects.count() == 2


def test_logout_removes_the_row(demo_org, clock):
    client = _login("motcua.tx")
    assert UserSession.objects.count() == 1
    client.post(reverse("accounts:logout"))
    assert UserSession.objects.count() == 0


def test_password_change_ends_the_other_sessions(demo_org, clock):
    current = _login("motcua.tx")
    other = _login("motcua.tx", CHROME, "198.51.100.7")
    response = current.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Mot-Cua-Moi-2026",
            "new_password2": "Mot-Cua-Moi-2026",
        },
    )
    assert response.status_code == 302
    assert not _logged_in(other)
    assert _logged_in(current)
    clock.move(minutes=2)  # the rotated key is followed: the current row keeps being touched
    assert _logged_in(current)
    assert UserSession.objects.count() == 1
    row = UserSession.objects.get()
    assert row.last_seen_at == clock.moment


def test_signed_cookie_sessions_end_through_their_missing_row(demo_org, clock, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    current = _login("motcua.tx")
    other = _login("motcua.tx", CHROME, "198.51.100.7")
    current.post(reverse("accounts:sessions_end"), {"all_others": "1"})
    clock.move(seconds=sessions.TOUCH_SECONDS)
    assert not _logged_in(other)
    assert _logged_in(current)


def test_a_session_from_before_the_bookkeeping_gets_a_row(demo_org, clock):
    client = _login("motcua.tx")
    UserSession.objects.all().delete()
    session = client.session
    for key in (sessions.SID_KEY, sessions.SEEN_KEY, sessions.IDLE_KEY, sessions.AUTH_AT_KEY):
        session.pop(key, None)
    session.save()
    assert _logged_in(client)
    assert UserSession.objects.filter(user=demo_org.user("motcua.tx")).count() == 1
