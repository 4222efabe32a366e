"""The editorial journey in Chromium (issue 15): a ward's editor drafts an article with an image
in the Wagtail admin and submits it; the ward's chief approves it from the dashboard; it
appears on that ward's site only. Screenshots portal-* at 1366 px in var/screenshots/."""

from __future__ import annotations

import pytest
from conftest import screenshot
from tests.a11y import assert_no_serious_a11y_violations
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from congso.audit.models import AuditEvent
from congso.org.demo import DEMO_PASSWORD
from congso.portal.models import ArticlePage
from congso.portal.services import shared_collection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Phường Nhân Chính ra quân làm sạch đường phố"
SLUG = "phuong-nhan-chinh-ra-quan-lam-sach-duong-pho"


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
        # The editor's script made an ASCII slug of the Vietnamese title (congso.portal.slugs),
        # not Wagtail's "phng-nhan-chinh-ra-quan-lam-sch-djng-ph".
        assert page.input_value("#id_slug") == SLUG
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
        assert page.locator(f"a[href='/cong/nhan-chinh/tin-tuc/{SLUG}/']").count() >= 1
        page.click(f"text={TITLE}")
        # count() does not wait: under load it ran on the section page before the article came.
        page.wait_for_selector("article.p-article h1")
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


RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.mark.parametrize("width", [390, 1366])
def test_every_page_template_accessible_and_within_the_policy(browser, live_server, sites, width):
    """axe-core finds no serious or critical violation and the strict CSP refuses nothing on
    each page type of the portal (issue 15, Done when)."""
    from congso.documents.tests.factories import OutgoingFactory
    from congso.portal.models import ContentPage
    from congso.portal.services import document_make_public

    from .conftest import add, article

    image = Image.objects.create(
        title="Ảnh", file=get_test_image_file(), collection=shared_collection()
    )
    article(sites.nc_news, "Tin có ảnh", slug="tin-co-anh", image=image, image_alt="Lễ ra quân")
    article(sites.nc_news, "Tin không ảnh", slug="tin-khong-anh")
    add(
        sites.nc,
        ContentPage(title="Giới thiệu", slug="gioi-thieu", body="<h2>Chức năng</h2><p>…</p>"),
    )
    from .test_consultation import _draft
    from .test_organisation import _org_pages

    _org_pages(sites.district)
    draft = _draft(sites.nc)
    draft.comments.create(
        name="Trần Văn An", body="Nên cho đỗ xe đạp.", status="published", answer="Đã tiếp thu."
    )
    doc = OutgoingFactory(
        agency=sites.org.wards["00343"], signer=sites.org.user("lanhdao.nc"), issued=True
    )
    document_make_public(outgoing=doc, by=sites.org.user("vanthu.nc"))
    context = browser.new_context(
        locale="vi-VN", viewport={"width": width, "height": 900}, is_mobile=width < 500
    )
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    size = "phone" if width < 500 else "desktop"
    try:
        for name, path in [
            ("home", "/cong/nhan-chinh/"),
            ("section", "/cong/nhan-chinh/tin-tuc/"),
            ("article", "/cong/nhan-chinh/tin-tuc/tin-co-anh/"),
            ("content", "/cong/nhan-chinh/gioi-thieu/"),
            ("documents", "/cong/nhan-chinh/van-ban/"),
            ("procedures", "/cong/nhan-chinh/thu-tuc-hanh-chinh/"),
            ("organisation", "/cong/thanh-xuan/gioi-thieu/co-cau-to-chuc/"),
            ("english", "/cong/thanh-xuan/english/organisation/"),
            ("consultation", "/cong/nhan-chinh/lay-y-kien/du-thao-quy-che/"),
        ]:
            response = page.goto(live_server.url + path)
            assert response is not None and response.status == 200, path
            assert_no_serious_a11y_violations(page)
            assert page.evaluate("() => window.__csp") == [], path
            screenshot(page, f"portal-{name}-{size}")
        # The consultation form with its errors is accessible too.
        page.click("button[type=submit].p-button")
        page.wait_for_selector(".p-error")
        assert_no_serious_a11y_violations(page)
        assert page.evaluate("() => window.__csp") == []
        screenshot(page, f"portal-consultation-errors-{size}")
    finally:
        context.close()
