"""Register an incoming letter → leader's direction → handling → reply, in a real browser,
with screenshots of the documents pages at desktop and phone width."""

from __future__ import annotations

import pytest
from conftest import screenshot
from tests.a11y import assert_no_serious_a11y_violations

from congso.documents.models import IncomingDocument, IncomingStatus, OutgoingDocument
from congso.org.demo import DEMO_PASSWORD

from .conftest import make_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập, e-mail hoặc số điện thoại").fill(username)
    page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_register_direct_handle_reply(demo_org, live_server, page, phone_page, tmp_path):
    base = live_server.url
    scan = tmp_path / "cong-van.pdf"
    scan.write_bytes(make_pdf("Sở Tư pháp đề nghị báo cáo công tác hòa giải"))
    reply_pdf = tmp_path / "tra-loi.pdf"
    reply_pdf.write_bytes(make_pdf("Báo cáo công tác hòa giải"))

    # The clerk registers a paper letter with its scan and presents it to the leader.
    login(page, base, "vanthu.tx")
    page.goto(base + "/van-ban-den/vao-so/")
    page.get_by_label("Nơi gửi (tác giả)").fill("Sở Tư pháp Hà Nội")
    page.get_by_label("Số, ký hiệu").fill("2140/STP-HCTP")
    page.get_by_label("Trích yếu nội dung").fill(
        "Về việc báo cáo công tác hòa giải ở cơ sở năm 2026"
    )
    page.get_by_label("Độ khẩn").select_option("urgent")
    page.get_by_label("Bản quét / tệp văn bản (PDF, ảnh)").set_input_files(str(scan))
    page.get_by_role("button", name="Vào sổ").click()
    page.wait_for_url("**/van-ban-den/*/")
    doc = IncomingDocument.objects.get()
    assert doc.number == 1
    page.get_by_label("Trình lãnh đạo").select_option(str(demo_org.user("lanhdao.tx").pk))
    page.get_by_role("button", name="Trình", exact=True).click()
    page.wait_for_load_state()
    assert "Đã trình lãnh đạo" in page.content()

    # The leader directs: Phòng Tư pháp leads, its head receives it, 5 working days.
    login(page, base, "lanhdao.tx")
    page.goto(f"{base}/van-ban-den/{doc.pk}/")
    page.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Tư pháp chủ trì, báo cáo trước hạn.")
    page.get_by_label("Người nhận xử lý").select_option(str(demo_org.user("truongphong.tp").pk))
    page.get_by_label("Đơn vị chủ trì").select_option(str(demo_org.departments["TP"].pk))
    page.get_by_label("Thời hạn (ngày làm việc)").fill("5")
    page.get_by_role("button", name="Chỉ đạo").click()
    page.wait_for_load_state()
    assert "Đã ghi ý kiến chỉ đạo" in page.content()

    # The department head records progress, drafts the reply and closes the handling.
    login(page, base, "truongphong.tp")
    page.goto(f"{base}/van-ban-den/{doc.pk}/")
    page.locator("form[action$='/tien-do/']").get_by_label("Nội dung").fill(
        "Đang tổng hợp số liệu các phường."
    )
    page.get_by_role("button", name="Cập nhật").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Soạn văn bản trả lời").click()
    page.get_by_label("Đơn vị soạn thảo").select_option(str(demo_org.departments["TP"].pk))
    page.get_by_label("Loại văn bản").select_option(label="Báo cáo")
    page.get_by_label("Trích yếu nội dung").fill("Báo cáo công tác hòa giải ở cơ sở năm 2026")
    page.locator("#id_signer").select_option(str(demo_org.user("lanhdao.tx").pk))
    page.get_by_label("Tệp dự thảo (DOCX hoặc PDF)").set_input_files(str(reply_pdf))
    page.get_by_role("button", name="Tạo dự thảo").click()
    page.wait_for_url("**/van-ban-di/*/")
    reply = OutgoingDocument.objects.get()
    assert reply.reply_to == doc
    page.goto(f"{base}/van-ban-den/{doc.pk}/")
    form = page.locator("form[action$='/hoan-thanh/']")
    form.get_by_label("Kết quả xử lý").fill("Đã dự thảo báo cáo trình lãnh đạo ký.")
    form.get_by_label("Văn bản trả lời").select_option(str(reply.pk))
    page.get_by_role("button", name="Hoàn thành").click()
    page.wait_for_load_state()
    doc.refresh_from_db()
    assert doc.status == IncomingStatus.DONE and doc.reply == reply

    # Screenshots of the pages, looked at by a person; accessibility checked by axe.
    login(page, base, "lanhdao.tx")
    login(phone_page, base, "lanhdao.tx")
    for name, url in [
        ("incoming-list", "/van-ban-den/"),
        ("incoming-detail", f"/van-ban-den/{doc.pk}/"),
        ("outgoing-list", "/van-ban-di/"),
        ("outgoing-detail", f"/van-ban-di/{reply.pk}/"),
    ]:
        for pg, width in [(page, "desktop"), (phone_page, "phone")]:
            pg.goto(base + url)
            assert_no_serious_a11y_violations(pg)
            screenshot(pg, f"documents-{name}-{width}")
    # The other pages, as the clerk (who may register, draft, plan files and print registers).
    from congso.documents.services import work_file_create

    wf = work_file_create(
        by=demo_org.user("vanthu.tx"),
        unit=demo_org.district,
        year=2026,
        code="01.VP",
        title="Hồ sơ tiếp công dân năm 2026",
        retention_years=None,
    )
    login(page, base, "vanthu.tx")
    login(phone_page, base, "vanthu.tx")
    register = f"/so-van-ban/?kind=theo-doi&unit={demo_org.district.pk}&date_from=2026-01-01&date_to=2026-12-31&series=normal&format=html"
    for name, url in [
        ("incoming-register", "/van-ban-den/vao-so/"),
        ("outgoing-create", "/van-ban-di/du-thao/"),
        ("work-files", "/ho-so-cong-viec/"),
        ("work-file-detail", f"/ho-so-cong-viec/{wf.pk}/"),
        ("registers", register),
    ]:
        for pg, width in [(page, "desktop"), (phone_page, "phone")]:
            pg.goto(base + url)
            assert_no_serious_a11y_violations(pg)
            screenshot(pg, f"documents-{name}-{width}")
