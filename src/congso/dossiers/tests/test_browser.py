"""Two journeys in Chromium: a whole counter journey at the district desk, and a ward-to-
district liên thông journey. Screenshots of every page at phone and desktop width."""

from __future__ import annotations

import io

import pytest
from conftest import screenshot
from pypdf import PdfReader
from tests.a11y import axe_violations, format_violations

from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Rating, Status
from congso.org.demo import DEMO_PASSWORD

from .factories import offered_procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "dang-nhap" not in url)


def act(page, action, fields=None, select=None):
    form = page.locator(f"form:has(button[data-action={action}])")
    # A click on a link may still be navigating: open the page's <details> only once the page
    # holding the action's form is there (on a loaded machine the old page got them opened).
    form.locator(f"button[data-action={action}]").wait_for(state="attached")
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    for name, value in (fields or {}).items():
        form.locator(f"[name={name}]").fill(value)
    for name, label in (select or {}).items():
        form.locator(f"select[name={name}]").select_option(label=label)
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state()


A11Y_PROBLEMS: list[str] = []


def a11y(page):
    """Collect serious/critical axe-core violations; asserted once at the end of the journey."""
    found = axe_violations(page)
    if found:
        A11Y_PROBLEMS.append(format_violations(found))


def intake(page, base, search, expect, name, id_number, shot=""):
    page.goto(f"{base}/mot-cua/tiep-nhan/")
    page.get_by_label("Tìm thủ tục").fill(search)
    # The live (HTMX) results narrow to the one procedure typed without diacritics.
    page.wait_for_function(
        "(t) => { const r = document.querySelectorAll('#procedure-results a.result');"
        " return r.length === 1 && r[0].textContent.includes(t); }",
        arg=expect,
    )
    page.locator("#procedure-results a.result").first.click()
    page.wait_for_selector("table.papers")
    if shot:
        screenshot(page, shot)
        a11y(page)
    page.get_by_label("Họ tên / tên tổ chức").fill(name)
    page.get_by_label("Số CCCD (12 số) / mã số thuế").fill(id_number)
    page.get_by_label("Điện thoại").fill("0912345678")
    for row in page.locator("table.papers tbody tr").all():
        inputs = row.locator("input")
        inputs.nth(0).fill("1")
        inputs.nth(1).fill("1")
    page.get_by_role("button", name="Ghi nhận").click()
    page.wait_for_selector("#receipt-link")
    return Dossier.objects.order_by("-pk").first()


def test_counter_journey(live_server, page, phone_page, demo_org):
    base = live_server.url
    offered_procedure(demo_org.desk)
    offered_procedure(demo_org.desk, name="Đăng ký kết hôn")  # so the live search has to narrow
    login(page, base, "motcua.tx")
    page.goto(f"{base}/mot-cua/tiep-nhan/?q=trich")
    screenshot(page, "dossiers-intake-desktop")
    dossier = intake(
        page,
        base,
        "trich luc ho tich",
        "trích lục",
        "Nguyễn Thị Hồng",
        "001190012345",
        shot="dossiers-intake-form-desktop",
    )
    assert dossier.status == Status.ACCEPTED and dossier.code in page.content()
    receipt = page.request.get(base + page.locator("#receipt-link").get_attribute("href"))
    assert receipt.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(receipt.body())).pages[0].extract_text()
    assert "HẸN TRẢ KẾT QUẢ" in text and dossier.code in text and "Nguyễn Thị Hồng" in text
    act(page, "hand_over", select={"to_unit_id": "Phòng Tư pháp"})
    assert "Đã thực hiện: Chuyển xử lý" in page.content()

    login(page, base, "truongphong.tp")
    page.goto(f"{base}/mot-cua/hang-doi/?tab=assign")
    screenshot(page, "dossiers-queue-desktop")
    a11y(page)
    page.get_by_role("link", name=dossier.code).click()
    act(page, "assign", select={"specialist_id": "Vũ Thị Lan"})
    login(page, base, "chuyenvien.tp")
    page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(
        page,
        "submit",
        fields={
            "findings": "Đối chiếu sổ hộ tịch: khớp.",
            "result_draft": "Đủ điều kiện cấp bản sao.",
        },
    )
    login(page, base, "lanhdao.tx")
    page.goto(f"{base}/mot-cua/hang-doi/?tab=approve")
    page.get_by_role("link", name=dossier.code).click()
    act(page, "approve")
    login(page, base, "vanthu.tx")
    page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    act(page, "record_result", fields={"result_number": "125/TLHT"})
    act(page, "return_to_desk")

    login(page, base, "motcua.tx")
    page.goto(f"{base}/mot-cua/hang-doi/?tab=return")
    page.get_by_role("link", name=dossier.code).click()
    screenshot(page, "dossiers-detail-desktop")
    a11y(page)
    act(page, "return_result", fields={"collected_by": "Nguyễn Thị Hồng"})
    page.wait_for_url("**/danh-gia/")
    screenshot(page, "dossiers-rating-desktop")
    a11y(page)
    page.get_by_role("button", name="Rất hài lòng").click()
    assert "Cảm ơn ông/bà đã đánh giá" in page.content()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and Rating.objects.get(dossier=dossier).level == 3
    assert dossier.handovers.count() == 5

    page.goto(f"{base}/mot-cua/thong-ke/")
    assert "UBND quận Thanh Xuân" in page.content()
    screenshot(page, "dossiers-stats-desktop")
    a11y(page)
    page.context.clear_cookies()
    page.goto(f"{base}/tra-cuu/?ma={dossier.code}")
    page.get_by_label("Số định danh cá nhân").fill("001190012345")
    page.get_by_role("button", name="Tra cứu").click()
    assert "Đã trả kết quả" in page.content() and "Vũ Thị Lan" not in page.content()
    screenshot(page, "dossiers-lookup-desktop")
    a11y(page)

    login(phone_page, base, "motcua.tx")
    for url, name in [
        ("/mot-cua/tiep-nhan/?q=trich", "intake"),
        (f"/mot-cua/tiep-nhan/?thu_tuc={dossier.procedure_version_id}", "intake-form"),
        ("/mot-cua/hang-doi/?tab=receive", "queue"),
        (f"/mot-cua/ho-so/{dossier.code}/", "detail"),
        ("/mot-cua/thong-ke/", "stats"),
        (f"/mot-cua/ho-so/{dossier.code}/danh-gia/", "rating"),
    ]:
        phone_page.goto(base + url)
        screenshot(phone_page, f"dossiers-{name}-phone")
    phone_page.context.clear_cookies()
    phone_page.goto(f"{base}/tra-cuu/?ma={dossier.code}")
    phone_page.get_by_label("Số định danh cá nhân").fill("001190012345")
    phone_page.get_by_role("button", name="Tra cứu").click()
    screenshot(phone_page, "dossiers-lookup-phone")
    assert not A11Y_PROBLEMS, "\n".join(A11Y_PROBLEMS)


def test_lien_thong_journey(live_server, page, demo_org):
    base = live_server.url
    version = offered_procedure(
        demo_org.desk, name="Cấp giấy phép xây dựng nhà ở riêng lẻ", department="QLĐT"
    )
    ward = demo_org.wards["00343"]
    offered_procedure(ward, name="Chứng thực chữ ký")
    login(page, base, "motcua.nc")
    dossier = intake(
        page, base, "giay phep xay dung", "giấy phép xây dựng", "Phạm Văn Đông", "001080054321"
    )
    assert dossier.receiving_unit == ward and dossier.code.startswith("H26.09.343-")
    assert "Hồ sơ liên thông: chuyển lên cơ quan cấp trên" in page.content()
    act(page, "forward", select={"to_agency_id": "UBND quận Thanh Xuân"})
    dossier.refresh_from_db()
    assert dossier.handling_unit == demo_org.desk

    login(page, base, "motcua.tx")
    page.goto(f"{base}/mot-cua/hang-doi/?tab=receive")
    page.get_by_role("link", name=dossier.code).click()
    act(page, "hand_over", select={"to_unit_id": "Phòng Quản lý đô thị"})
    st = demo_org.staff  # the district's inner steps were walked in the counter journey
    s.dossier_assign(dossier=dossier, by=st["truongphong.qldt"], specialist=st["chuyenvien.qldt"])
    s.dossier_submit(dossier=dossier, by=st["chuyenvien.qldt"])
    s.dossier_approve(dossier=dossier, by=st["lanhdao.tx"])
    s.dossier_record_result(dossier=dossier, by=st["vanthu.tx"], result_number="88/GPXD")
    s.dossier_return_to_desk(dossier=dossier, by=st["vanthu.tx"])
    page.goto(f"{base}/mot-cua/hang-doi/?tab=return")
    page.get_by_role("link", name=dossier.code).click()
    act(page, "return_forwarded")

    login(page, base, "motcua.nc")
    page.goto(f"{base}/mot-cua/hang-doi/?tab=return")
    page.get_by_role("link", name=dossier.code).click()
    control = page.locator("section:has(h2:has-text('mẫu 05')) tbody").inner_text()
    assert "UBND phường Nhân Chính" in control and "Phòng Quản lý đô thị" in control
    act(page, "return_result", fields={"collected_by": "Phạm Văn Đông"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and version.pk
    login(page, base, "motcua.km")  # another ward sees nothing of it
    assert page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/").status == 404


def test_detail_shows_the_applicants_online_supplement(live_server, page, phone_page, demo_org):
    """The staff detail page lists the files the applicant sent online under the request."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congso.accounts.models import AccountKind, User

    from .conftest import all_papers, person

    version = offered_procedure(demo_org.desk)
    owner = User.objects.create_user(
        username="binh@example.vn",
        password="x",
        kind=AccountKind.CITIZEN,
        full_name="Nguyễn Thị Bình",
    )
    d = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )
    Dossier.objects.filter(pk=d.pk).update(applicant_user=owner)
    s.dossier_hand_over(
        dossier=d, by=demo_org.staff["motcua.tx"], to_unit=demo_org.departments["TP"]
    )
    s.dossier_supplement_request(
        dossier=d, by=demo_org.staff["truongphong.tp"], missing="Bản sao sổ hộ khẩu"
    )
    s.dossier_supplement_receive_online(
        dossier=Dossier.objects.get(pk=d.pk),
        user=owner,
        files=[SimpleUploadedFile("so-ho-khau.pdf", b"%PDF-1.4\n%%EOF")],
    )
    for p, suffix in ((page, "desktop"), (phone_page, "phone")):
        login(p, live_server.url, "motcua.tx")
        p.goto(f"{live_server.url}/mot-cua/ho-so/{d.code}/")
        link = p.get_by_role("link", name="so-ho-khau.pdf")
        assert link.is_visible()
        assert "Người nộp bổ sung trực tuyến" in p.content()
        link.scroll_into_view_if_needed()
        screenshot(p, f"dossiers-detail-supplement-online-{suffix}")
        found = axe_violations(p)
        assert not found, format_violations(found)
