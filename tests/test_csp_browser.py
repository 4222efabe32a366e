"""The Content-Security-Policy in Chromium (issue #11, finding 11; ADR 0101): the main pages of
the desk, the citizen portal, the catalogue, the lookup and the API docs load with no
``securitypolicyviolation`` and no CSP console error, styles applied, scripts running, htmx
working. Screenshots ``csp-*`` at 390 and 1366 px in var/screenshots/."""

from __future__ import annotations

import io

import pytest
from conftest import screenshot
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.dossiers import services as s
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure
from congso.org.demo import DEMO_PASSWORD
from congso.portal.tests.conftest import sites  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scan_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(100, 750, "To khai (ban quet)")
    sheet.save()
    return buffer.getvalue()


# Runs before any page script (through the DevTools protocol, not a <script> tag the policy
# would itself refuse) and keeps every violation the page reports.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Recorder:
    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.on("console", self._console)

    def _console(self, msg) -> None:
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            self.console.append(msg.text)

    def check(self, where: str) -> list[str]:
        found = self.page.evaluate("() => window.__csp || []")
        problems = [f"{where}: {v}" for v in found] + [f"{where}: {c}" for c in self.console]
        self.console.clear()
        return problems


def _styled(page, where: str) -> None:
    """The page's style sheets loaded (none refused) and site.css applied: the header has the
    brand colour, not the browser's default."""
    sheets = page.evaluate("() => [...document.styleSheets].map(s => [s.href, s.cssRules.length])")
    assert sheets and all(n > 0 for _, n in sheets), (where, sheets)
    colour = page.evaluate(
        "() => { const h = document.querySelector('.site-header');"
        " return h ? getComputedStyle(h).backgroundColor : 'rgb(163, 22, 26)'; }"
    )
    assert colour == "rgb(163, 22, 26)", (where, colour)


def _login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)


@pytest.mark.parametrize("width", [390, 1366])
def test_main_pages_have_no_csp_violation(browser, live_server, demo_org, width):
    version = offered_procedure(demo_org.desk, name="Cấp bản sao trích lục hộ tịch")
    dossier = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
        attachments=[SimpleUploadedFile("to-khai.pdf", _scan_pdf(), "application/pdf")],
    )
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": 900},
        is_mobile=width < 500,
    )
    context.set_default_timeout(15000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    recorder = Recorder(page)
    base = live_server.url
    size = "phone" if width < 500 else "desktop"
    problems: list[str] = []
    try:
        # Anonymous pages.
        for name, path in [
            ("index", "/"),
            ("login", "/tai-khoan/dang-nhap/"),
            ("catalogue", "/thu-tuc/"),
            ("procedure", f"/thu-tuc/{version.procedure.slug}/"),
            ("lookup", "/tra-cuu/"),
            ("citizen-home", "/dich-vu-cong/"),
            ("citizen-login", "/dich-vu-cong/dang-nhap/"),
            ("citizen-register", "/dich-vu-cong/dang-ky/"),
        ]:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            assert "nonce-" in (response.all_headers().get("content-security-policy") or "")
            _styled(page, path)
            problems += recorder.check(path)
            screenshot(page, f"csp-{name}-{size}")

        # The API docs: the vendored Swagger UI renders the operations.
        page.goto(base + "/api/v1/docs")
        page.wait_for_selector(".opblock", timeout=30000)
        problems += recorder.check("/api/v1/docs")
        screenshot(page, f"csp-api-docs-{size}")

        # The desk: queue, intake with its live (htmx) search, a dossier.
        _login(page, base, "motcua.tx")
        for name, path in [
            ("home", "/lam-viec/"),
            ("queue", "/mot-cua/hang-doi/"),
            ("stats", "/mot-cua/thong-ke/"),
            ("register", "/mot-cua/so-theo-doi/"),
            ("detail", f"/mot-cua/ho-so/{dossier.code}/"),
            ("sessions", "/tai-khoan/phien-dang-nhap/"),
            ("password", "/tai-khoan/doi-mat-khau/"),
        ]:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            _styled(page, path)
            if name == "detail":  # the page's own CSS file (moved out of the template) applies
                grid = "() => getComputedStyle(document.querySelector('.two-col')).display"
                assert page.evaluate(grid) == "grid"
            problems += recorder.check(path)
            screenshot(page, f"csp-desk-{name}-{size}")
        # A scanned PDF opens in the browser's viewer under the sandbox policy (ADR 0102).
        att = dossier.attachments.get()
        response = page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/tep/{att.pk}/")
        assert response is not None
        assert (response.all_headers().get("content-security-policy") or "").startswith("sandbox")
        # Shown by the viewer, not downloaded (its <embed> sits in a closed shadow root).
        assert page.evaluate("() => document.contentType") == "application/pdf"
        page.wait_for_timeout(1500)
        screenshot(page, f"csp-desk-attachment-{size}")
        page.goto(base + "/mot-cua/tiep-nhan/")
        page.get_by_label("Tìm thủ tục").fill("trich luc")
        page.wait_for_function(
            "() => [...document.querySelectorAll('#procedure-results a.result')]"
            ".some(a => a.textContent.includes('trích lục'))"
        )
        problems += recorder.check("/mot-cua/tiep-nhan/ (htmx)")
        screenshot(page, f"csp-desk-intake-{size}")
        # htmx injected no <style> of its own (it would be refused).
        assert page.evaluate("() => document.querySelectorAll('style').length") == 0
        # The recorder works: an injected style attribute is refused and reported.
        page.evaluate("() => document.body.setAttribute('style', 'color: red')")
        page.wait_for_function("() => window.__csp.length > 0")
        assert "style-src" in recorder.check("control")[0]
    finally:
        context.close()
    assert problems == []


def _admin_login(page, base: str, admin) -> None:  # type: ignore[no-untyped-def]
    """The superuser's password, then the second factor (ADR 0083) with the code its
    authenticator shows now."""
    from congso.accounts import otp

    device = otp.demo_enrol(admin)
    _login(page, base, admin.username)
    page.goto(f"{base}/quan-tri/")
    page.wait_for_url(lambda url: "xac-thuc-hai-buoc" in url)
    page.locator("input[name=code]").fill(otp.current_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/quan-tri"))


@pytest.mark.parametrize("width", [390, 1366])
def test_admin_pages_have_no_csp_violation(browser, live_server, sites, width):  # noqa: F811
    """The Django admin (/quan-tri/, behind the second factor) under the strict nonce policy,
    and the Wagtail editors' admin (/bien-tap/) under its own (ADR 0111): lists, change
    forms, the page editor with its rich-text field and chooser, no violation."""
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    from congso.portal.services import shared_collection

    admin = sites.org.user("quantri")
    officer = sites.org.user("motcua.tx")
    version = offered_procedure(sites.org.desk, name="Cấp bản sao trích lục hộ tịch")
    Image.objects.create(
        title="Ảnh trụ sở phường", file=get_test_image_file(), collection=shared_collection()
    )
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": 900},
        is_mobile=width < 500,
    )
    context.set_default_timeout(20000)
    # Wagtail's admin pages are heavy: a loaded machine needs longer than 20 s for some.
    context.set_default_navigation_timeout(60000)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    recorder = Recorder(page)
    base = live_server.url
    size = "phone" if width < 500 else "desktop"
    problems: list[str] = []
    try:
        _admin_login(page, base, admin)
        django_admin = [
            ("index", "/quan-tri/"),
            ("users", "/quan-tri/accounts/user/"),
            ("user", f"/quan-tri/accounts/user/{officer.pk}/change/"),
            ("users-search", "/quan-tri/accounts/user/?q=tran"),
            ("units", "/quan-tri/org/unit/"),
            ("procedures", "/quan-tri/procedures/procedure/"),
        ]
        # The version's change form, with its papers inline (form files, the validator).
        django_admin.append(
            ("version", f"/quan-tri/procedures/procedureversion/{version.pk}/change/")
        )
        for name, path in django_admin:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            assert "nonce-" in (response.all_headers().get("content-security-policy") or "")
            # The admin's own style sheets applied (none refused): its header is not unstyled.
            sheets = page.evaluate(
                "() => [...document.styleSheets].filter(s => s.href).map(s => s.cssRules.length)"
            )
            assert sheets and all(n > 0 for n in sheets), (path, sheets)
            problems += recorder.check(path)
            screenshot(page, f"csp-admin-{name}-{size}")

        wagtail = [
            ("dashboard", "/bien-tap/"),
            ("explorer", f"/bien-tap/pages/{sites.nc.pk}/"),
            ("edit", f"/bien-tap/pages/{sites.nc_news.pk}/edit/"),
            ("add-article", f"/bien-tap/pages/add/portal/articlepage/{sites.nc_news.pk}/"),
            ("images", "/bien-tap/images/"),
            ("documents", "/bien-tap/documents/"),
            ("search", "/bien-tap/pages/search/?q=tin"),
        ]
        for name, path in wagtail:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
            if name == "add-article":  # the rich-text editor and the image chooser modal
                page.wait_for_selector(".Draftail-Editor")
                page.click("text=Chọn một hình ảnh")
                page.wait_for_selector("a[data-chooser-modal-choice]")
                page.wait_for_load_state("networkidle")
            problems += recorder.check(path)
            screenshot(page, f"csp-wagtail-{name}-{size}")
    finally:
        context.close()
    assert problems == []
