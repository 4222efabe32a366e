"""The administrator walks the national import in a browser: upload the 66-procedure listing
over the demo → dry run → apply → the review page; then a file with typos and odd formats on a
phone. Screenshots ``national-*`` (1366 and 390 px) in var/screenshots/."""

import csv
from pathlib import Path

import pytest
from conftest import screenshot

from congso.accounts.testing import login_verified
from congso.procedures import demo
from congso.procedures.models import Procedure

FIXTURE = Path(__file__).parent / "data" / "national_ward_district.csv"
# As administrators paste them: semicolons, capitals, the header's unit, a typo ("Không quả"),
# a duplicate code with other content, a bare number, a fee in two styles and in dollars.
ODD_ROWS = [
    [
        "MÃ THỦ TỤC",
        "ten thu tuc",
        "Lĩnh Vực",
        "Cấp thực hiện",
        "Thời hạn giải quyết (Ngày làm việc)",
        "Phí, lệ phí",
        "Đối tượng thực hiện",
    ],
    [
        "1000419",
        "Đăng ký khai tử lưu động",
        "LĨNH VỰC HỘ TỊCH",
        "Cấp xã",
        "Không quả 02 ngày",
        "Miễn lệ phí",
        "Công dân",
    ],
    [
        "1.000419",
        "Đăng ký khai tử lưu động",
        "Hộ tịch",
        "Cấp xã",
        "Không quá 03 ngày",
        "Miễn lệ phí",
        "Công dân",
    ],
    [
        "1.001731.000.00.00.H37",
        "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội",
        "Bảo trợ xã hội",
        "xã",
        "Số ngày xử lý: 1",
        "Không thu",
        "Công dân",
    ],
    [
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp hoặc "
        "chứng nhận",
        "Chứng thực",
        "Cấp xã; Cấp huyện",
        "Trong ngày",
        "2,000 đồng/trang; từ trang thứ 3 trở lên thu 1.000 đồng/trang, tối đa thu không quá 200.000 đồng/bản; "
        "tại cơ quan đại diện: 10 USD/bản",
        "Công dân",
    ],
]


def _odd_file(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(ODD_ROWS)
    return path


def _login(page, url: str, user) -> None:  # type: ignore[no-untyped-def]
    """The administrator's session with the second factor passed (congso.accounts.otp), put
    into the browser: the walk is about the catalogue pages, not the login."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    login_verified(client, user)
    host = url.split("//", 1)[1].split(":", 1)[0]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "domain": host,
                "path": "/",
            }
        ]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_administrator_imports_the_national_listing(
    live_server, page, phone_page, demo_org, tmp_path
):
    demo.load("2015")
    before = Procedure.objects.count()
    page.set_viewport_size({"width": 1366, "height": 900})
    # The import of 66 rows and a shared machine: more than the default 15 s.
    page.set_default_timeout(90000)
    phone_page.set_default_timeout(90000)
    page.set_default_navigation_timeout(90000)
    phone_page.set_default_navigation_timeout(90000)
    _login(page, live_server.url, demo_org.user("quantri"))
    page.goto(f"{live_server.url}/quan-ly/danh-muc-thu-tuc/nhap-quoc-gia/")
    screenshot(page, "national-upload-desktop")
    page.locator("input[name=file]").set_input_files(str(FIXTURE))
    page.get_by_role("button", name="Chạy thử").click()
    page.get_by_role("heading", name="Kết quả chạy thử (chưa ghi gì)").wait_for()
    assert Procedure.objects.count() == before
    screenshot(page, "national-dry-run-desktop")
    page.get_by_role("button", name="Nhập danh mục (một lần, toàn bộ)").click()
    page.get_by_role("heading", name="Bản nháp cần xem lại, cần bổ sung").wait_for()
    assert "Đã nhập" in page.content()
    screenshot(page, "national-review-desktop")
    # The demo's procedures were matched, never duplicated.
    assert Procedure.objects.filter(name="Đăng ký khai sinh").count() == 1

    odd = _odd_file(tmp_path / "danh-sach-tu-tinh.csv")
    _login(phone_page, live_server.url, demo_org.user("quantri"))
    phone_page.goto(f"{live_server.url}/quan-ly/danh-muc-thu-tuc/nhap-quoc-gia/")
    screenshot(phone_page, "national-upload-phone")
    phone_page.locator("input[name=file]").set_input_files(str(odd))
    phone_page.get_by_role("button", name="Chạy thử").click()
    phone_page.get_by_role("heading", name="Kết quả chạy thử (chưa ghi gì)").wait_for()
    html = phone_page.content()
    assert "Đối tượng thực hiện" in html  # the ignored column is listed
    assert "chọn dòng giữ lại" in html  # the duplicate code, side by side
    assert "ngoại tệ" in html and "Tiêu đề cột thời hạn ghi" in html
    screenshot(phone_page, "national-dry-run-phone")
    phone_page.goto(f"{live_server.url}/quan-ly/danh-muc-thu-tuc/can-xem-lai/")
    screenshot(phone_page, "national-review-phone")
