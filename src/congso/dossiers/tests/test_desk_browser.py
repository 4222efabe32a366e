"""Issue #12 in Chromium: a ward officer and the district desk search for an unaccented name
and walk the register by position (next, previous, jump to a day), at phone and desktop width.
Screenshots ``desk-search-*`` and ``desk-register-*`` in var/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import CHROMIUM_ARGS, screenshot  # noqa: F401 - CHROMIUM_ARGS documents the launch
from django.utils import timezone

from congso.dossiers import services as s

from .conftest import all_papers, person
from .test_browser import login
from .test_desk_search import _clone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill(org, ward_version, district_version):
    """Dossiers of the last 30 hours, across one local midnight whatever the hour the test runs
    at: 70 at the ward (one of them Nguyễn Văn An's, through the service), 5 at the district
    desk."""
    now = timezone.now().replace(second=0, microsecond=0)
    start = now - dt.timedelta(hours=30)
    if timezone.localdate(start) == timezone.localdate(start + dt.timedelta(minutes=20 * 69)):
        start -= dt.timedelta(hours=2)
    an = s.dossier_receive(
        by=org.staff["motcua.nc"],
        receiving_unit=org.wards["00343"],
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
        at=start,
    )
    number = an.register_entry.number
    for i in range(1, 70):
        number += 1
        _clone(
            an,
            at=start + dt.timedelta(minutes=20 * i),
            number=number,
            applicant_name=["Trần Thị Mai", "Lê Văn Bốn", "Phạm Minh Hà"][i % 3],
            applicant_phone=f"09{i:08d}",
        )
    for i in range(5):
        s.dossier_receive(
            by=org.staff["motcua.tx"],
            receiving_unit=org.desk,
            version=district_version,
            applicant=person(name="Đỗ Thị Hương", phone="0987654321", id_number="001190054321"),
            papers=all_papers(district_version),
            at=start + dt.timedelta(hours=i),
        )
    return an


@pytest.mark.parametrize("width", [390, 1366])
def test_ward_and_district_search_and_register(
    browser, live_server, demo_org, ward_version, district_version, width
):
    an = _fill(demo_org, ward_version, district_version)
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": 900},
        is_mobile=width < 500,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    base = live_server.url
    size = "phone" if width < 500 else "desktop"
    try:
        login(page, base, "motcua.nc")
        page.goto(f"{base}/mot-cua/hang-doi/")
        page.get_by_label("Tìm: mã hồ sơ, tên, CCCD, điện thoại").fill("nguyen van an")
        page.get_by_role("button", name="Lọc").click()
        page.wait_for_selector("#search-results")
        assert page.locator(f"a:text-is('{an.code}')").count() == 1
        assert "Nguyễn Văn An" in page.locator("table.list").inner_text()
        screenshot(page, f"desk-search-ward-{size}")

        first_day = timezone.localdate(an.received_at)
        last_day = timezone.localdate(an.received_at + dt.timedelta(minutes=20 * 69))
        register = (
            f"{base}/mot-cua/so-theo-doi/?tu={first_day.isoformat()}&den={last_day.isoformat()}"
        )
        page.goto(register)
        first_rows = page.locator("table.list tbody tr").count()
        assert first_rows == 50
        assert page.get_by_role("link", name="‹ Trang trước").count() == 0
        screenshot(page, f"desk-register-ward-{size}")
        page.get_by_role("link", name="Trang sau ›").click()
        page.wait_for_load_state()
        assert page.locator("table.list tbody tr").count() == 20
        screenshot(page, f"desk-register-ward-next-{size}")
        page.get_by_role("link", name="‹ Trang trước").click()
        page.wait_for_load_state()
        assert page.locator("table.list tbody tr").count() == 50
        assert an.code in page.locator("table.list").inner_text()
        page.get_by_label("Đến ngày tiếp nhận").fill(last_day.isoformat())
        page.get_by_role("button", name="Đến", exact=True).click()
        page.wait_for_load_state()
        assert f"ngay={last_day.isoformat()}" in page.url
        shown = page.locator("table.list tbody tr").count()
        assert 0 < shown <= 50 and page.get_by_role("link", name="‹ Trang trước").count() == 1
        screenshot(page, f"desk-register-ward-day-{size}")

        login(page, base, "motcua.tx")
        page.goto(register)
        page.get_by_label("Tìm: mã hồ sơ, tên, CCCD, điện thoại").fill("0987 654 321")
        page.get_by_role("button", name="Xem").click()
        page.wait_for_load_state()
        assert page.locator("table.list tbody tr").count() == 5
        assert an.code not in page.content()  # the ward's dossiers are not the district's register
        screenshot(page, f"desk-register-district-search-{size}")
        page.goto(f"{base}/mot-cua/hang-doi/?q=do+thi+huong")
        assert page.locator("table.list tbody tr").count() == 5
        screenshot(page, f"desk-search-district-{size}")
    finally:
        context.close()
