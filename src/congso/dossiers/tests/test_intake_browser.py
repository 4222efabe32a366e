"""Issue #12 §4 in Chromium: the ward officer picks a procedure with the arrow keys and Enter,
lands on the applicant's name, scans a CCCD's QR code (typed as a scanner types it, Enter
included) and finds the applicant filled, a returning applicant's phone added and the warning
for an open dossier of the same procedure. Screenshots ``intake-*`` in var/screenshots/."""

from __future__ import annotations

import pytest
from conftest import screenshot

from congso.dossiers import services as s
from congso.dossiers.models import Dossier

from .conftest import all_papers, person
from .test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QR = "001099012345|012345678|Nguyễn Văn An|01011999|Nam|Số 1 phố X, phường Y, Hà Nội|15062021"


@pytest.mark.parametrize("width", [390, 1366])
def test_intake_keyboard_and_cccd_qr(browser, live_server, demo_org, ward_version, width):
    earlier = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=demo_org.wards["00343"],
        version=ward_version,
        applicant=person(id_number="001099012345"),
        papers=all_papers(ward_version),
    )
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": 900},
        is_mobile=width < 500,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    size = "phone" if width < 500 else "desktop"
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        login(page, live_server.url, "motcua.nc")
        page.goto(f"{live_server.url}/mot-cua/tiep-nhan/")
        search = page.locator("#q")
        search.press_sequentially("chung thuc", delay=20)
        page.wait_for_selector("#procedure-results a.result:has-text('Chứng thực bản sao')")
        search.press("ArrowDown")
        assert page.locator("#procedure-results a.result.active").count() == 1
        screenshot(page, f"intake-search-keys-{size}")
        search.press("Enter")
        page.wait_for_url("**thu_tuc=*")
        name = page.locator("[name=applicant_name]")
        assert name.evaluate("el => el === document.activeElement")
        # The scanner types the line and Enter into the focused field: nothing is submitted.
        page.keyboard.type(QR, delay=2)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "document.querySelector('[name=applicant_id_number]').value === '001099012345'"
        )
        assert name.input_value() == "Nguyễn Văn An"
        assert page.locator("[name=applicant_birth_date]").input_value() == "1999-01-01"
        assert (
            page.locator("[name=applicant_address]").input_value() == "Số 1 phố X, phường Y, Hà Nội"
        )
        page.wait_for_selector("#applicant-duplicate:not([hidden])")
        assert earlier.code in page.locator("#applicant-duplicate").inner_text()
        assert (
            page.locator("[name=applicant_phone]").input_value() == "0912345678"
        )  # from the earlier dossier
        assert Dossier.objects.count() == 1
        assert page.locator("[name^=paper_][name$=_o]").first.input_value() == "1"
        screenshot(page, f"intake-qr-filled-{size}")
        page.get_by_role("button", name="Ghi nhận").click()
        page.wait_for_url("**/ho-so/**")
        assert Dossier.objects.count() == 2
        assert "cùng thủ tục chưa giải quyết xong" in page.content()
        screenshot(page, f"intake-received-warning-{size}")
        assert not errors, errors
    finally:
        context.close()
