import pytest
from conftest import screenshot
from tests.a11y import assert_no_serious_a11y_violations

from congso.org.demo import DEMO_PASSWORD
from congso.procedures import demo


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_visitor_finds_birth_registration_and_officer_reaches_home(
    live_server, page, phone_page, demo_org
):
    demo.load("2015")
    # A visitor types without diacritics and finds the procedure.
    page.goto(f"{live_server.url}/thu-tuc/")
    page.get_by_label("Tìm thủ tục").fill("dang ky khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    link = page.get_by_role("link", name="Đăng ký khai sinh", exact=True)
    link.wait_for()
    assert "Tìm thấy" in page.content()
    screenshot(page, "procedures-catalogue-desktop")
    assert_no_serious_a11y_violations(page)
    link.click()
    page.get_by_role("heading", name="Đăng ký khai sinh", level=1).wait_for()
    assert page.get_by_text("Giấy chứng sinh").first.is_visible()
    assert page.get_by_role("link", name="Tải mẫu: Tờ khai đăng ký khai sinh").is_visible()
    screenshot(page, "procedures-detail-desktop")
    assert_no_serious_a11y_violations(page)

    phone_page.goto(f"{live_server.url}/thu-tuc/?q=dang+ky+khai+sinh")
    screenshot(phone_page, "procedures-catalogue-phone")
    phone_page.goto(f"{live_server.url}/thu-tuc/cap-giay-phep-xay-dung-nha-o-rieng-le/")
    phone_page.get_by_text("75.000 đ").first.wait_for()
    screenshot(phone_page, "procedures-detail-phone")

    # A one-stop officer logs in and reaches the staff home page, which links the catalogue.
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill("motcua.tx")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("heading", name="Trang làm việc").wait_for()
    assert page.get_by_role("link", name="Thủ tục hành chính").first.is_visible()
