"""The journey of issue 16 in Chromium: a citizen asks a question on a ward's site (390 px);
the ward forwards it to a district department; the department answers; the head approves with
redaction; the answer appears on the ward's Hỏi đáp page; the citizen rates it. Screenshots
feedback-* in var/screenshots/."""

from __future__ import annotations

import re

import pytest
from conftest import screenshot

from congso.feedback.models import Case, QuestionsPage, Status
from congso.notify.models import Notification, SmsOutbox
from congso.org.demo import DEMO_PASSWORD
from congso.portal.services import portal_site_ensure

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("deadline_rules_v1"),
]

QUESTION = (
    "Nhà tôi ở ngõ 85 Nhân Chính muốn sửa lại mái tôn và lát lại nền. Xin hỏi có phải xin giấy "
    "phép xây dựng không?"
)


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def _act(page, label: str) -> None:
    page.locator("details.fb-action summary", has_text=label).click()


def test_question_forwarded_answered_published_and_rated(browser, live_server, demo_org):
    ward = demo_org.wards["00343"]
    home = portal_site_ensure(unit=ward)
    qa = QuestionsPage(slug="hoi-dap", title="Hỏi đáp", show_in_menus=True, live=False)
    home.add_child(instance=qa)
    qa.save_revision().publish()
    base = live_server.url
    qa_url = base + home.url + "hoi-dap/"

    phone = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone.set_default_timeout(20000)
    citizen = phone.new_page()
    citizen.goto(qa_url)
    citizen.locator("#fb-title").fill("Sửa mái tôn có cần giấy phép xây dựng?")
    citizen.locator("#fb-body").fill(QUESTION)
    citizen.locator("#fb-name").fill("Đinh Thị Mai")
    citizen.locator("#fb-phone").fill("0912003004")
    citizen.locator("#fb-consent").check()
    screenshot(citizen, "feedback-form-390")
    citizen.locator("#fb-form button[type=submit]").click()
    citizen.wait_for_url("**/gop-y/xac-minh/**")
    # Delivered after commit (the stored copy is redacted): the SMS the log gateway recorded.
    sms = SmsOutbox.objects.filter(phone="0912003004").order_by("-pk").first()
    assert sms is not None and Notification.objects.filter(event="feedback.verify").exists()
    citizen.locator("#code").fill(re.search(r"\b(\d{6})\b", sms.text).group(1))
    citizen.locator("form button[type=submit]").click()
    citizen.wait_for_url("**/gop-y/tra-cuu/**")
    case = Case.objects.get()
    assert case.status == Status.RECEIVED
    citizen.get_by_text(case.code).first.wait_for()
    screenshot(citizen, "feedback-status-390")

    desk = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    desk.set_default_timeout(20000)
    officer = desk.new_page()
    _login(officer, base, "motcua.nc")
    officer.goto(base + "/phan-anh/")
    officer.get_by_role("link", name=case.code).click()
    _act(officer, "Chuyển cơ quan có thẩm quyền")
    dept = demo_org.departments["QLĐT"]
    officer.locator("#act-forward select[name=to_unit_id]").select_option(str(dept.pk))
    officer.locator("#act-forward button[type=submit]").click()
    officer.get_by_text("Đã thực hiện").wait_for()
    screenshot(officer, "feedback-forwarded-1366")

    _login(officer, base, "chuyenvien.qldt")
    officer.goto(base + f"/phan-anh/pakn/{case.code}/")
    officer.get_by_text("Cách tính hạn").wait_for()
    officer.locator("#dr-answer").fill(
        "Kính gửi bà Đinh Thị Mai: sửa chữa mái, lát nền bên trong nhà ở riêng lẻ không làm thay "
        "đổi kết cấu chịu lực, công năng và kiến trúc mặt ngoài được miễn giấy phép xây dựng."
    )
    officer.locator("#act-draft button[type=submit]").click()
    officer.get_by_text("Đã thực hiện").wait_for()

    _login(officer, base, "truongphong.qldt")
    officer.goto(base + f"/phan-anh/pakn/{case.code}/")
    officer.locator("#ap-publish").check()
    officer.locator("#pq-approve").fill("Sửa mái tôn, lát lại nền nhà có cần giấy phép xây dựng?")
    officer.locator("#pa-approve").fill(
        "Sửa chữa mái, lát nền bên trong nhà ở riêng lẻ không làm thay đổi kết cấu chịu lực, công "
        "năng và kiến trúc mặt ngoài được miễn giấy phép xây dựng."
    )
    officer.locator("#rc-approve").check()
    screenshot(officer, "feedback-approve-1366")
    officer.locator("#act-approve button[type=submit]").click()
    officer.get_by_text("Đã thực hiện").wait_for()
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.published_at is not None

    citizen.goto(qa_url + "?q=mai ton")
    citizen.get_by_text("Sửa mái tôn, lát lại nền nhà có cần giấy phép xây dựng?").wait_for()
    assert "Đinh Thị Mai" not in citizen.content()
    screenshot(citizen, "feedback-qa-page-390")
    officer.goto(qa_url)
    screenshot(officer, "feedback-qa-page-1366")

    citizen.goto(base + f"/gop-y/tra-cuu/?ma={case.code}")
    citizen.locator("input[name=rating][value=satisfied]").check()
    citizen.locator("#fb-rate button[type=submit]").click()
    citizen.get_by_text("Cảm ơn ông/bà đã đánh giá").wait_for()
    screenshot(citizen, "feedback-rated-390")
    case.refresh_from_db()
    assert case.rating == "satisfied"
    phone.close()
    desk.close()
