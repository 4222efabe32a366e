"""The officer's side of a large export (ADR 0047), in the browser: the register's XLSX button
sends them to the job's page, which moves from queued to done by itself (htmx polling) once
the worker has run, and the file downloads."""

from __future__ import annotations

import pytest
from conftest import screenshot
from django.core.management import call_command
from django.test import override_settings
from tests.a11y import assert_no_serious_a11y_violations

from congso.dossiers.tests.factories import local, offered_procedure
from congso.dossiers.tests.test_views import receive
from congso.org.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@override_settings(TASKS=DB, EXPORT_INLINE_ROWS=2)
def test_register_export_in_the_background_seen_by_its_officer(
    live_server, page, phone_page, demo_org
):
    version = offered_procedure(demo_org.desk)
    for day in (2, 3, 4):
        receive(demo_org, version, at=local(2026, 3, day, 9))
    for pg, width in ((page, "desktop"), (phone_page, "phone")):
        pg.goto(live_server.url + "/tai-khoan/dang-nhap/")
        pg.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill("lanhdao.tx")
        pg.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        pg.get_by_role("button", name="Đăng nhập").click()
        pg.wait_for_url("**/lam-viec/")
        pg.goto(
            live_server.url
            + f"/mot-cua/so-theo-doi/?don_vi={demo_org.district.pk}&tu=2026-03-01&den=2026-03-31"
        )
        pg.get_by_role("link", name="Tải Excel (XLSX)").click()
        pg.wait_for_url("**/tep-xuat/*/")
        assert pg.get_by_role("heading", name="Sổ theo dõi hồ sơ").is_visible()
        assert pg.get_by_text("Đang chờ").is_visible()
        screenshot(pg, f"core-export-queued-{width}")
        assert_no_serious_a11y_violations(pg)
        call_command("db_worker", batch=True, verbosity=0)
        # No reload: the status part is polled every 2 s while the job runs.
        link = pg.get_by_role("link", name="Tải tệp so-theo-doi-2026-03-01-2026-03-31.xlsx")
        link.wait_for(timeout=10000)
        assert pg.get_by_text("3/3 dòng").is_visible()
        screenshot(pg, f"core-export-done-{width}")
        assert_no_serious_a11y_violations(pg)
        with pg.expect_download() as info:
            link.click()
        assert info.value.suggested_filename == "so-theo-doi-2026-03-01-2026-03-31.xlsx"
        pg.goto(live_server.url + "/tep-xuat/")
        assert pg.get_by_role("heading", name="Tệp xuất của tôi").is_visible()
        screenshot(pg, f"core-exports-{width}")
        assert_no_serious_a11y_violations(pg)
