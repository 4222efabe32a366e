"""The editorial journey in Chromium (issue 15): a ward's editor drafts an article with an image
in the Wagtail admin and submits it; the ward's chief approves it from the dashboard; it
appears on that ward's site only. Screenshots portal-* at 1366 px in var/screenshots/."""

from __future__ import annotations

import pytest
from conftest import screenshot
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from congso.audit.models import AuditEvent
from congso.org.demo import DEMO_PASSWORD
from congso.portal.models import ArticlePage
from congso.portal.services import shared_collection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Phường Nhân Chính ra quân làm sạch đường phố"


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def test_editor_drafts_chief_approves_ward_site_only(browser, live_server, sites):
    Image.objects.create(
        title="Ảnh ra quân", file=get_test_image_file(), collection=shared_collection()
    )
    base = live_server.url
    context = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(20000)
    page = context.new_page()
    try:
        _login(page, base, "bientap.nc")
        page.goto(f"{base}/bien-tap/pages/add/portal/articlepage/{sites.nc_news.pk}/")
        page.fill("#id_title", TITLE)
        page.fill("#id_summary", "Hơn 200 đoàn viên, thanh niên tham gia.")
        page.click(".Draftail-Editor .public-DraftEditor-content")
        page.keyboard.type("Sáng Chủ nhật, phường Nhân Chính ra quân làm sạch đường phố.")
        page.click("text=Chọn một hình ảnh")
        page.locator("a[data-chooser-modal-choice]").first.click()
        page.fill("#id_image_alt", "Đoàn viên thanh niên quét dọn đường phố")
        screenshot(page, "portal-editor-draft")
        page.locator("[data-w-dropdown-target=toggle]").last.click()
        page.click("button[name=action-submit]")
        page.wait_for_url(lambda url: "/add/" not in url)
        article = ArticlePage.objects.get(title=TITLE)
        assert not article.live and article.image_id and article.image_alt

        _login(page, base, "lanhdao.nc")
        page.goto(f"{base}/bien-tap/")
        row = page.locator("tr", has_text=TITLE)
        screenshot(page, "portal-chief-dashboard")
        row.locator("[data-w-dropdown-target=toggle]").click()
        row.locator(
            "button[data-workflow-action-url*='/approve/']:not([data-launch-modal])"
        ).click()
        page.wait_for_load_state()
        article.refresh_from_db()
        for _ in range(20):
            if article.live:
                break
            page.wait_for_timeout(250)
            article.refresh_from_db()
        assert article.live

        context.clear_cookies()
        page.goto(f"{base}/cong/nhan-chinh/tin-tuc/")
        assert TITLE in page.content()
        page.click(f"text={TITLE}")
        assert page.locator("img[alt='Đoàn viên thanh niên quét dọn đường phố']").count() == 1
        screenshot(page, "portal-article-published")
        page.goto(f"{base}/cong/thanh-xuan/tin-tuc/")
        assert TITLE not in page.content()
        page.goto(f"{base}/cong/khuong-mai/")
        assert TITLE not in page.content()
    finally:
        context.close()
    event = AuditEvent.objects.filter(action="portal.page_publish", target_id=str(article.pk)).get()
    assert event.data["via"] == "workflow"
