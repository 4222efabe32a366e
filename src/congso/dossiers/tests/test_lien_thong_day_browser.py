"""A desk day's liên thông round trip, every step in Chromium by the officer whose turn it is
(issue #12, "Done when"): the ward receives and forwards, the district desk hands it to the
department, the head assigns, the specialist submits findings, the leader approves, the clerk
records the result with its PDF, the leader signs it with the PIN, the clerk sends it to the
desk, the district desk sends it back to the ward, the ward returns it to the citizen. At each
step the officer finds the dossier on their start page and the dossier page opens on the action
that is theirs next; screenshots at 1366 and 390 px (var/screenshots/desk-day-*)."""

from __future__ import annotations

import pytest
from conftest import screenshot

from congso.dossiers.models import Stage, Status
from congso.signing.pins import signer_pin_set

from .factories import offered_procedure
from .test_browser import intake, login
from .test_registry import PIN, result_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _shots(page, name):
    page.set_viewport_size(WIDE)
    screenshot(page, f"desk-day-{name}-1366")
    page.set_viewport_size(PHONE)
    screenshot(page, f"desk-day-{name}-390")
    page.set_viewport_size(WIDE)


def _turn(page, base, username, dossier, action, shot, fields=None, select=None, files=None):
    """``username`` opens the start page, finds the dossier in their work, opens it: the form
    open first is ``action`` (what they must do next); they fill it in and send it."""
    login(page, base, username)
    page.goto(f"{base}/mot-cua/")
    work = page.locator("#work-list")
    work.get_by_role("link", name=dossier.code).first.wait_for()
    page.set_viewport_size(WIDE)
    screenshot(page, f"desk-day-{shot}-home-1366")
    work.get_by_role("link", name=dossier.code).first.click()
    page.wait_for_url(f"**/mot-cua/ho-so/{dossier.code}/")
    first_open = page.locator("details[open]").first
    assert first_open.locator(f"button[data-action={action}]").count() == 1, (username, action)
    _shots(page, shot)
    form = page.locator(f"form:has(button[data-action={action}])")
    for name, value in (fields or {}).items():
        form.locator(f"[name={name}]").fill(value)
    for name, label in (select or {}).items():
        form.locator(f"select[name={name}]").select_option(label=label)
    for name, (filename, data) in (files or {}).items():
        form.locator(f"input[name={name}]").set_input_files(
            files=[{"name": filename, "mimeType": "application/pdf", "buffer": data}]
        )
    form.locator(f"button[data-action={action}]").click()
    page.wait_for_load_state()
    if action == "return_result":  # next: the citizen rates at the counter's tablet page
        assert page.url.endswith(f"/mot-cua/ho-so/{dossier.code}/danh-gia/")
        _shots(page, f"{shot}-rating")
    else:
        assert "Đã thực hiện" in page.content(), (username, action, page.content()[:2000])
    dossier.refresh_from_db()


def test_lien_thong_round_trip_in_the_browser(live_server, page, demo_org):
    base = live_server.url
    offered_procedure(
        demo_org.desk, name="Cấp giấy phép xây dựng nhà ở riêng lẻ", department="QLĐT"
    )
    offered_procedure(demo_org.wards["00343"], name="Chứng thực chữ ký")
    signer_pin_set(user=demo_org.staff["lanhdao.tx"].user, pin=PIN)

    # The ward's desk receives a district procedure: forwarding is what moves it on.
    login(page, base, "motcua.nc")
    dossier = intake(
        page, base, "giay phep xay dung", "giấy phép xây dựng", "Phạm Văn Đông", "001080054321"
    )
    page.goto(f"{base}/mot-cua/ho-so/{dossier.code}/")
    assert page.locator("details[open] button[data-action=forward]").count() == 1
    _shots(page, "01-ward-forward")
    form = page.locator("form:has(button[data-action=forward])")
    form.locator("select[name=to_agency_id]").select_option(label="UBND quận Thanh Xuân")
    form.locator("button[data-action=forward]").click()
    page.wait_for_load_state()
    dossier.refresh_from_db()
    assert dossier.forwarded and dossier.handling_unit == demo_org.desk
    # The ward keeps it in sight: its liên thông tab shows where it is.
    page.goto(f"{base}/mot-cua/lien-thong/?huong=di")
    assert dossier.code in page.content()
    _shots(page, "02-ward-tracks")

    _turn(
        page,
        base,
        "motcua.tx",
        dossier,
        "hand_over",
        "03-district-desk",
        select={"to_unit_id": "Phòng Quản lý đô thị"},
    )
    _turn(
        page,
        base,
        "truongphong.qldt",
        dossier,
        "assign",
        "04-head",
        select={"specialist_id": "Ngô Thu Trang"},
    )
    _turn(
        page,
        base,
        "chuyenvien.qldt",
        dossier,
        "submit",
        "05-specialist",
        fields={
            "findings": "Hồ sơ đủ điều kiện; công trình phù hợp quy hoạch chi tiết 1/500.",
            "result_draft": "Cấp giấy phép xây dựng nhà ở riêng lẻ tại số 12 ngõ 5 Nhân Chính.",
        },
    )
    _turn(page, base, "lanhdao.tx", dossier, "approve", "06-leader")
    assert "Hồ sơ đủ điều kiện" in dossier.findings
    _turn(
        page,
        base,
        "vanthu.tx",
        dossier,
        "record_result",
        "07-clerk",
        fields={"result_number": "88/GPXD"},
        files={"result_file": ("giay-phep.pdf", result_pdf())},
    )
    assert dossier.status == Status.RESULT_READY
    _turn(page, base, "lanhdao.tx", dossier, "sign_result", "08-leader-signs", fields={"pin": PIN})
    assert dossier.result_signed
    _turn(page, base, "vanthu.tx", dossier, "return_to_desk", "09-clerk-returns")
    _turn(page, base, "motcua.tx", dossier, "return_forwarded", "10-district-sends-back")
    assert dossier.handling_unit == demo_org.wards["00343"]
    # Back at the ward: the result is at the desk where the citizen collects it.
    login(page, base, "motcua.nc")
    page.goto(f"{base}/mot-cua/lien-thong/?huong=di&o=da-ve")
    assert dossier.code in page.content()
    _shots(page, "11-ward-result-back")
    _turn(
        page,
        base,
        "motcua.nc",
        dossier,
        "return_result",
        "12-ward-returns",
        fields={"collected_by": "Phạm Văn Đông"},
    )
    assert dossier.status == Status.RETURNED and dossier.stage == Stage.CLOSED
