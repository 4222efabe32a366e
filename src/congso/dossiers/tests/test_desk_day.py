"""Issue #12 "done when": a desk day in Chromium. An online submission whose e-form values the
officer reads on the dossier page; a supplement answered by the citizen and seen by the
specialist (queue flag, note and file); the findings seen by the leader before approving; a
stale second tab refused; an unaccented name found. Screenshots ``desk-day-*`` at 390 and
1366 px in var/screenshots/."""

from __future__ import annotations

import pytest
from conftest import screenshot
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.accounts.models import AccountKind, User
from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Status
from congso.procedures.models import OnlineLevel

from .conftest import person
from .test_browser import act, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
SCHEMA = [
    {"name": "ho_ten_cha", "label": "Họ và tên cha", "type": "text"},
    {"name": "so_ban", "label": "Số bản sao đề nghị", "type": "number"},
]


@pytest.mark.parametrize("width", [390, 1366])
def test_desk_day(browser, live_server, demo_org, district_version, width):
    district_version.online_level = OnlineLevel.FULL
    district_version.form_schema = SCHEMA
    district_version.save()
    citizen = User.objects.create_user(
        username="an@example.vn",
        password="x",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Văn An",
        email="an@example.vn",
    )
    papers = list(district_version.papers.order_by("order"))
    d = s.dossier_submit_online(
        version=district_version,
        agency=demo_org.district,
        applicant=person(),
        applicant_user=citizen,
        form_data={"ho_ten_cha": "Nguyễn Văn Bảo", "so_ban": 2},
        attachments=[SimpleUploadedFile("to-khai.pdf", PDF), SimpleUploadedFile("cccd.pdf", PDF)],
        attachment_papers=papers[:2],
    )
    size = "phone" if width < 500 else "desktop"
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": 900},
        is_mobile=width < 500,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    base = live_server.url
    try:
        # The desk reads the e-form and the papers, accepts and hands over.
        login(page, base, "motcua.tx")
        page.goto(f"{base}/mot-cua/ho-so/{d.ref}/")
        eform = page.locator("#eform")
        assert "Nguyễn Văn Bảo" in eform.inner_text() and "Số bản sao đề nghị" in eform.inner_text()
        assert "Tờ khai theo mẫu" in page.locator("#attachments").inner_text()
        screenshot(page, f"desk-day-online-{size}")
        act(page, "accept")
        d.refresh_from_db()
        assert d.status == Status.ACCEPTED and d.code
        act(page, "hand_over", select={"to_unit_id": "Phòng Tư pháp"})
        login(page, base, "truongphong.tp")
        page.goto(f"{base}/mot-cua/ho-so/{d.code}/")
        act(page, "assign", select={"specialist_id": "Vũ Thị Lan"})
        # The specialist asks for a paper; the citizen answers online.
        login(page, base, "chuyenvien.tp")
        page.goto(f"{base}/mot-cua/ho-so/{d.code}/")
        act(page, "supplement_request", fields={"missing": "Bản sao sổ hộ khẩu"})
        from congso.eservices.submission import supplement_reply

        supplement_reply(
            dossier=Dossier.objects.get(pk=d.pk),
            user=citizen,
            note="Em gửi bản sao sổ hộ khẩu",
            files=[SimpleUploadedFile("so-ho-khau.pdf", PDF)],
        )
        page.goto(f"{base}/mot-cua/hang-doi/?tab=process")
        row = page.locator("tr", has_text=d.code)
        assert "Mới bổ sung" in row.inner_text()
        screenshot(page, f"desk-day-queue-flag-{size}")
        row.get_by_role("link", name=d.code).click()
        page.wait_for_url(f"**/ho-so/{d.code}/")  # content() does not wait for the navigation
        assert "Em gửi bản sao sổ hộ khẩu" in page.content() and "so-ho-khau.pdf" in page.content()
        act(
            page,
            "submit",
            fields={
                "findings": "Đối chiếu sổ hộ tịch và sổ hộ khẩu: khớp.",
                "result_draft": "Cấp 02 bản sao trích lục.",
            },
        )
        # The leader reads the findings; "Duyệt, ký" is the open form; a stale tab is refused.
        login(page, base, "lanhdao.tx")
        page.goto(f"{base}/mot-cua/ho-so/{d.code}/")
        review = page.locator("#review").inner_text()
        assert (
            "Đối chiếu sổ hộ tịch và sổ hộ khẩu: khớp." in review
            and "Cấp 02 bản sao trích lục." in review
        )
        assert page.locator("details[open] button[data-action=approve]").count() == 1
        screenshot(page, f"desk-day-leader-{size}")
        second = context.new_page()
        second.goto(f"{base}/mot-cua/ho-so/{d.code}/")
        act(page, "approve")
        assert "Đã thực hiện" in page.content()
        act(second, "send_back", fields={"note": "Sửa lại"})
        assert "đã được cập nhật sau khi bạn mở trang" in second.content()
        screenshot(second, f"desk-day-stale-{size}")
        d.refresh_from_db()
        assert d.stage == "clerk" and d.handovers.filter(action="send_back").count() == 0
        second.close()
        # The desk finds the dossier by the unaccented name.
        login(page, base, "motcua.tx")
        page.goto(f"{base}/mot-cua/hang-doi/")
        page.get_by_label("Tìm: mã hồ sơ, tên, CCCD, điện thoại").fill("nguyen van an")
        page.get_by_role("button", name="Lọc").click()
        page.wait_for_selector("#search-results")
        assert page.locator(f"a:text-is('{d.code}')").count() == 1
        screenshot(page, f"desk-day-search-{size}")
    finally:
        context.close()
