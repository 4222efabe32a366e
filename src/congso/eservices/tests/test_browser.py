"""The citizen's online journey in a real browser, with axe-core on every citizen page and
screenshots at desktop and phone width (var/screenshots/eservices-*)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import screenshot
from django.core import mail
from tests.a11y import assert_no_serious_a11y_violations

from congso.dossiers import services as ds
from congso.dossiers.models import Dossier, ReturnMethod, Status
from congso.dossiers.tests.factories import offered_procedure
from congso.procedures.models import OnlineLevel

from .factories import PASSWORD, CitizenFactory, pdf_bytes, png_bytes
from .test_submission import SCHEMA, result_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def online_version(demo_org):
    version = offered_procedure(demo_org.desk, name="Cấp bản sao trích lục khai sinh")
    version.online_level = OnlineLevel.FULL
    version.form_schema = SCHEMA
    version.save()
    return version


@pytest.fixture
def sandbox(settings, live_server):
    settings.CONGSO_PAYMENT_SANDBOX = True
    settings.CONGSO_PAYMENT_GATEWAY_URL = live_server.url + "/sandbox-thanh-toan/"


def check(page, name: str) -> None:
    assert_no_serious_a11y_violations(page)
    screenshot(page, name)


def files(tmp_path):
    a = tmp_path / "to-khai.pdf"
    a.write_bytes(pdf_bytes())
    b = tmp_path / "cccd.png"
    b.write_bytes(png_bytes())
    return a, b


def officer_accepts(browser, url: str, dossier) -> None:
    """The desk officer accepts the online dossier through the staff pages."""
    from congso.org.demo import DEMO_PASSWORD

    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    staff = context.new_page()
    staff.goto(url + "/tai-khoan/dang-nhap/")
    staff.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill("motcua.tx")
    staff.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    staff.get_by_role("button", name="Đăng nhập").click()
    staff.wait_for_load_state()
    staff.goto(url + f"/mot-cua/ho-so/id-{dossier.pk}/")
    staff.locator("button[data-action=accept]").click()
    staff.wait_for_url(re.compile(r".*/mot-cua/ho-so/H26\.09-.*"))
    context.close()


def test_online_journey(browser, page, live_server, demo_org, online_version, sandbox, tmp_path):
    org, url = demo_org, live_server.url
    tokhai, cccd = files(tmp_path)

    # Register → verify with the e-mailed code.
    page.goto(url + "/dich-vu-cong/dang-ky/")
    check(page, "eservices-register-desktop")
    page.get_by_label("Họ và tên (người đại diện với tổ chức)").fill("Nguyễn Thị Bình")
    page.get_by_label("E-mail hoặc số điện thoại di động").fill("binh@example.vn")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("001090099999")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/dich-vu-cong/xac-thuc/")
    check(page, "eservices-verify-desktop")
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.get_by_label("Mã xác thực (6 chữ số)").fill(code)
    page.get_by_role("button", name="Xác thực").click()
    page.wait_for_url("**/dich-vu-cong/")
    check(page, "eservices-home-desktop")

    # Choose the procedure and the receiving unit, fill the e-form, attach, submit (double click).
    page.get_by_role("link", name=online_version.name).click()
    check(page, "eservices-start-desktop")
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(label=org.district.name)
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    page.wait_for_url("**/ho-so-nhap/**")
    page.get_by_label("Nội dung yêu cầu").fill("Xin cấp 2 bản sao trích lục khai sinh")
    page.get_by_label("Ngày sinh").fill("1990-05-01")
    page.get_by_label("Mục đích").select_option("Học tập")
    papers = list(online_version.papers.order_by("order"))
    page.set_input_files(f"#paper_{papers[0].pk}", str(tokhai))
    page.set_input_files(f"#paper_{papers[1].pk}", str(cccd))
    check(page, "eservices-draft-desktop")
    page.get_by_role("button", name="Nộp hồ sơ").dblclick()
    page.wait_for_url(re.compile(r".*/ho-so-cua-toi/\d+/$"))
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    assert dossier.status == Status.NEW and dossier.attachments.count() == 2

    # The desk accepts (staff pages); processing asks for a supplement, answered online.
    officer_accepts(browser, url, dossier)
    dossier.refresh_from_db()
    assert dossier.status == Status.ACCEPTED and dossier.code
    page.reload()
    assert page.get_by_role("heading", name=f"Hồ sơ {dossier.code}").is_visible()
    ds.dossier_hand_over(dossier=dossier, by=org.staff["motcua.tx"], to_unit=org.departments["TP"])
    ds.dossier_assign(
        dossier=dossier, by=org.staff["truongphong.tp"], specialist=org.staff["chuyenvien.tp"]
    )
    ds.dossier_supplement_request(
        dossier=dossier, by=org.staff["chuyenvien.tp"], missing="Bản sao CCCD rõ nét hơn"
    )
    page.reload()
    assert page.get_by_text("Cần bổ sung: Bản sao CCCD rõ nét hơn").is_visible()
    check(page, "eservices-dossier-supplement-desktop")
    page.set_input_files("#sup-files", str(cccd))
    page.get_by_role("button", name="Gửi bổ sung").click()
    page.get_by_text("Đã gửi giấy tờ bổ sung.").wait_for()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING  # the online answer restarted the clock

    # Fee in the sandbox gateway.
    ds.dossier_request_payment(dossier=dossier, by=org.staff["chuyenvien.tp"], amount=8000)
    page.reload()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/sandbox-thanh-toan/**")
    check(page, "eservices-sandbox-gateway-desktop")
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    assert page.get_by_text("Đã thanh toán").is_visible()
    check(page, "eservices-payment-return-desktop")
    dossier.refresh_from_db()
    assert dossier.fee_paid and dossier.status == Status.PROCESSING

    # Processing to the end; the signed result is downloaded and verified; rating.
    ds.dossier_submit(dossier=dossier, by=org.staff["chuyenvien.tp"], result_summary="Đủ điều kiện")
    ds.dossier_approve(dossier=dossier, by=org.staff["lanhdao.tx"])
    ds.dossier_record_result(
        dossier=dossier, by=org.staff["vanthu.tx"], result_number="15/TL", result_file=result_pdf()
    )
    ds.dossier_return_to_desk(dossier=dossier, by=org.staff["vanthu.tx"])
    ds.dossier_return_result(dossier=dossier, by=org.staff["motcua.tx"], method=ReturnMethod.ONLINE)
    page.goto(url + f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải kết quả điện tử (PDF đã ký số)").click()
    # pyHanko runs its own event loop: verify outside Playwright's.
    from concurrent.futures import ThreadPoolExecutor

    from congso.signing.services import verify_pdf

    with ThreadPoolExecutor(1) as pool:
        reports = pool.submit(verify_pdf, Path(info.value.path()).read_bytes()).result()
    assert len(reports) == 1 and reports[0].ok
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.get_by_text("Cảm ơn bạn đã đánh giá.").wait_for()
    check(page, "eservices-dossier-returned-desktop")
    page.goto(url + "/dich-vu-cong/ho-so-cua-toi/")
    check(page, "eservices-my-dossiers-desktop")
    dossier.refresh_from_db()
    assert dossier.rating.level == 3


def test_citizen_pages_on_a_phone(phone_page, live_server, demo_org, online_version, sandbox):
    page, url, org = phone_page, live_server.url, demo_org
    for path, name in [
        ("/dich-vu-cong/dang-nhap/", "login"),
        ("/dich-vu-cong/dang-ky/", "register"),
        ("/dich-vu-cong/quen-mat-khau/", "reset"),
    ]:
        page.goto(url + path)
        check(page, f"eservices-{name}-phone")
    citizen = CitizenFactory(profile__identity_number="001090099999")
    page.goto(url + "/dich-vu-cong/dang-nhap/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill(citizen.email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dich-vu-cong/")
    check(page, "eservices-home-phone")
    page.get_by_role("link", name=online_version.name).click()
    check(page, "eservices-start-phone")
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(label=org.district.name)
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    page.wait_for_url("**/ho-so-nhap/**")
    page.get_by_role("button", name="Nộp hồ sơ").click()  # empty: errors shown, nothing submitted
    page.get_by_text("Vui lòng nhập “Nội dung yêu cầu”.").wait_for()
    check(page, "eservices-draft-errors-phone")
    assert not Dossier.objects.exists()

    # A dossier waiting for its fee, to see the dossier page, the list and the gateway.
    from congso.dossiers.services import Applicant, dossier_submit_online

    dossier = dossier_submit_online(
        version=online_version,
        agency=org.district,
        applicant_user=citizen,
        applicant=Applicant(kind="individual", name="Nguyễn Thị Bình", id_number="001090099999"),
    )
    ds.dossier_accept(dossier=dossier, by=org.staff["motcua.tx"])
    ds.dossier_request_payment(dossier=dossier, by=org.staff["motcua.tx"], amount=8000)
    page.goto(url + "/dich-vu-cong/ho-so-cua-toi/")
    check(page, "eservices-my-dossiers-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(url + f"/dich-vu-cong/ho-so-cua-toi/{dossier.pk}/")
    check(page, "eservices-dossier-phone")
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/sandbox-thanh-toan/**")
    check(page, "eservices-sandbox-gateway-phone")
    page.get_by_role("button", name="Huỷ").click()
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    check(page, "eservices-payment-return-phone")
    dossier.refresh_from_db()
    assert dossier.status == Status.AWAITING_PAYMENT and not dossier.fee_paid


@pytest.mark.parametrize("width", [390, 1366])
def test_draft_attachments_reference_and_lookup_as_the_demo_citizen(
    browser, live_server, demo_org, online_version, tmp_path, width
):
    """congdan@congso.local keeps the applicant block of a draft, opens and removes an
    attachment, submits, sees the reference and finds the dossier by it on /tra-cuu/."""
    from congso.eservices import demo
    from congso.org.demo import DEMO_PASSWORD

    citizen = CitizenFactory(
        username=demo.EMAIL, email=demo.EMAIL, full_name="Nguyễn Văn Dân", password=DEMO_PASSWORD
    )
    url = live_server.url
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": width, "height": 900},
        is_mobile=width < 600,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    tag = "phone" if width < 600 else "desktop"
    page.goto(url + "/dich-vu-cong/dang-nhap/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill(citizen.email)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/dich-vu-cong/")
    page.goto(url + f"/dich-vu-cong/nop/{online_version.procedure.slug}/")
    page.get_by_label("Cơ quan tiếp nhận hồ sơ").select_option(label=demo_org.district.name)
    page.get_by_role("button", name="Bắt đầu khai hồ sơ").click()
    page.wait_for_url("**/ho-so-nhap/**")
    page.get_by_label("Số định danh cá nhân (CCCD)").fill("001095012345")
    page.get_by_label("Địa chỉ").fill("Số 5 ngõ 12 Khương Trung")
    page.get_by_label("Nội dung yêu cầu").fill("Xin cấp 2 bản sao")
    page.get_by_label("Ngày sinh").fill("1990-05-01")
    page.get_by_label("Mục đích").select_option("Học tập")
    tokhai, cccd = files(tmp_path)
    extra = tmp_path / "giay-uy-quyen.pdf"
    extra.write_bytes(pdf_bytes())
    papers = list(online_version.papers.order_by("order"))
    page.set_input_files(f"#paper_{papers[0].pk}", str(tokhai))
    page.set_input_files(f"#paper_{papers[1].pk}", str(cccd))
    page.set_input_files("#paper_other", str(extra))
    page.get_by_role("button", name="Lưu nháp").click()
    page.get_by_text("Đã lưu nháp.").wait_for()
    # Reopened: the applicant block is what was typed, the files are listed with a link.
    page.reload()
    assert page.get_by_label("Số định danh cá nhân (CCCD)").input_value() == "001095012345"
    assert page.get_by_label("Địa chỉ").input_value() == "Số 5 ngõ 12 Khương Trung"
    assert page.get_by_role("link", name="giay-uy-quyen.pdf").is_visible()
    check(page, f"eservices-draft-files-{tag}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("button", name="Xoá tệp giay-uy-quyen.pdf").click()
    page.get_by_text("Đã xoá tệp giay-uy-quyen.pdf.").wait_for()
    assert page.get_by_role("link", name="giay-uy-quyen.pdf").count() == 0
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r".*/ho-so-cua-toi/\d+/$"))
    dossier = Dossier.objects.get(applicant_user=citizen)
    assert dossier.reference and page.get_by_text(dossier.reference).first.is_visible()
    check(page, f"eservices-dossier-reference-{tag}")
    page.goto(url + "/tra-cuu/")
    page.get_by_label("Mã hồ sơ (in trên giấy hẹn) hoặc mã tham chiếu nộp trực tuyến").fill(
        dossier.reference
    )
    page.get_by_label("Số định danh cá nhân (CCCD) hoặc mã số thuế của chủ hồ sơ").fill(
        "001095012345"
    )
    page.get_by_role("button", name="Tra cứu").click()
    page.get_by_role("heading", name=dossier.reference).wait_for()
    screenshot(page, f"eservices-lookup-reference-{tag}")
    context.close()
