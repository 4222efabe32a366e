from __future__ import annotations

import pytest
from conftest import screenshot
from tests.a11y import assert_no_serious_a11y_violations

from congso.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_login_home_and_logout(live_server, page, phone_page, demo_org):
    for pg, width in ((page, "desktop"), (phone_page, "phone")):
        pg.goto(live_server.url + "/")
        screenshot(pg, f"core-index-{width}")
        assert_no_serious_a11y_violations(pg)
        pg.get_by_role("link", name="Đăng nhập").first.click()
        pg.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill("lanhdao.tx")
        pg.get_by_label("Mật khẩu").fill("sai")
        pg.get_by_role("button", name="Đăng nhập").click()
        # is_visible() does not wait: under load it ran before the answer to the POST came.
        pg.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").wait_for()
        assert pg.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.").is_visible()
        screenshot(pg, f"core-login-error-{width}")
        assert_no_serious_a11y_violations(pg)
        pg.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        pg.get_by_role("button", name="Đăng nhập").click()
        pg.wait_for_url("**/lam-viec/")
        assert pg.get_by_role("heading", name="Trang làm việc").is_visible()
        assert pg.get_by_text("Nguyễn Văn Hùng").first.is_visible()
        screenshot(pg, f"core-home-{width}")
        assert_no_serious_a11y_violations(pg)
        pg.get_by_role("button", name="Đăng xuất").click()
        pg.wait_for_url("**/dang-nhap/")
