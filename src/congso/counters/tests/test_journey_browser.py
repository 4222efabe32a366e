"""Issue 18's journey in Chromium with four pages at once: the kiosk (1080×1920) issues a normal
and a priority ticket, the officer (1366 px) calls — the priority one first —, the board
(1920×1080) shows it and plays the chime and the clips, the officer receives a dossier from the
ticket through the desk's intake form, and the terminal records a rating tied to the ticket,
the officer and the dossier. Screenshots ``counters-*`` in var/screenshots/."""

from __future__ import annotations

import re
import shutil

import pytest
from conftest import screenshot
from playwright.sync_api import expect

from congso.counters import devices, voice
from congso.counters.models import CounterRating, Device, Ticket, TicketDossier
from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import offered_procedure
from congso.dossiers.tests.test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _activate(context, base: str, token: str):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.goto(f"{base}/thiet-bi/")
    page.locator("#ma").fill(token)
    page.get_by_role("button", name="Kích hoạt").click()
    return page


def _token(setup, kind: str, counter=None) -> str:  # type: ignore[no-untyped-def]
    device = Device(hall=setup.hall, kind=kind, name=kind, counter=counter)
    return devices.device_issue_token(device=device, by=None)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng chưa cài")
def test_four_devices_one_story(browser, live_server, setup, demo_org, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    voice.generate()
    version = offered_procedure(demo_org.desk)
    base = live_server.url
    errors: list[str] = []

    def ctx(width: int, height: int):  # type: ignore[no-untyped-def]
        c = browser.new_context(
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            viewport={"width": width, "height": height},
        )
        c.set_default_timeout(15000)
        return c

    kiosk_ctx, board_ctx, officer_ctx, term_ctx = (
        ctx(1080, 1920),
        ctx(1920, 1080),
        ctx(1366, 900),
        ctx(1280, 800),
    )
    try:
        kiosk = _activate(kiosk_ctx, base, _token(setup, Device.Kind.KIOSK))
        board = _activate(board_ctx, base, _token(setup, Device.Kind.BOARD))
        terminal = _activate(term_ctx, base, _token(setup, Device.Kind.TERMINAL, setup.one))
        clips: list[str] = []
        board.on(
            "request",
            lambda r: clips.append(r.url.rsplit("/", 1)[1]) if "/am-thanh/" in r.url else None,
        )
        for p in (kiosk, board, terminal):
            p.on("pageerror", lambda e: errors.append(str(e)))
        expect(board.locator("#board")).to_have_attribute("data-connected", "1")
        # A user gesture on the board once (the browser's autoplay rule), as the unit does.
        board.locator("#sound").click()
        board.locator("#sound").click()
        board.wait_for_timeout(1500)  # the toggle's own chime
        clips.clear()
        screenshot(board, "counters-board-empty-1920")

        # Kiosk: a normal ticket, then a priority one.
        kiosk.wait_for_selector("button.group")
        screenshot(kiosk, "counters-kiosk-1080x1920")
        kiosk.locator("button.group:has-text('Tư pháp')").click()
        kiosk.wait_for_selector(".t-code")
        assert kiosk.locator(".t-code").inner_text() == "B-0001"
        screenshot(kiosk, "counters-ticket-normal")
        kiosk.goto(f"{base}/thiet-bi/lay-so/")
        kiosk.locator("label.prio:has-text('Người cao tuổi')").click()
        kiosk.locator("button.group:has-text('Tư pháp')").click()
        kiosk.wait_for_selector(".t-code")
        assert kiosk.locator(".t-code").inner_text() == "B-0002"
        assert "Người cao tuổi" in kiosk.locator(".t-prio").inner_text()
        screenshot(kiosk, "counters-ticket-priority")

        # The officer opens counter 1 and calls: the priority ticket comes first.
        officer = officer_ctx.new_page()
        officer.on("pageerror", lambda e: errors.append(str(e)))
        login(officer, base, "motcua.tx")
        officer.goto(f"{base}/mot-cua/quay/")
        officer.locator("#quay").select_option(label="Quầy số 1")
        officer.get_by_role("button", name="Mở quầy").click()
        officer.get_by_role("button", name="Gọi số tiếp theo").click()
        officer.wait_for_selector(".current .code")
        assert officer.locator(".current .code").inner_text() == "B-0002"
        screenshot(officer, "counters-panel-called-1366")

        # The board shows it and speaks it.
        expect(board.locator("#now-code")).to_have_text("B-0002")
        expect(board.locator("#board")).to_have_attribute(
            "data-spoken", re.compile(r"[1-9]"), timeout=20000
        )
        assert clips[:3] == ["chuong.wav", "moi.wav", "chu-b.wav"], clips
        assert "quay-1.wav" in clips
        screenshot(board, "counters-board-called-1920")
        # The board has done its part; its stream's reads would hold SQLite's shared-cache
        # table lock of the in-memory test database against the officer's writes.
        board.close()

        # Serving: the officer receives a dossier through the desk's intake form.
        officer.get_by_role("button", name="Bắt đầu phục vụ").click()
        officer.get_by_role("link", name="Tiếp nhận hồ sơ").click()
        officer.wait_for_url("**/mot-cua/tiep-nhan/**")
        officer.goto(officer.url + f"&thu_tuc={version.pk}")
        officer.locator("[name=applicant_name]").fill("Nguyễn Thị Hạnh")
        officer.locator("[name=applicant_id_number]").fill("001185004321")
        officer.locator("[name=applicant_address]").fill("Số 5 ngõ 12 Khương Trung, Thanh Xuân")
        officer.locator("[name=applicant_phone]").fill("0987654321")
        officer.get_by_role("button", name="Ghi nhận").click()
        officer.wait_for_url("**/ho-so/**")
        dossier = Dossier.objects.get()
        officer.goto(f"{base}/mot-cua/quay/")
        assert dossier.code in officer.content()
        screenshot(officer, "counters-panel-dossier-1366")

        # The terminal: the officer's name, three choices, one tap.
        terminal.goto(f"{base}/thiet-bi/danh-gia/")
        terminal.wait_for_selector("button.level")
        assert "Trần Thị Mai" in terminal.content()
        screenshot(terminal, "counters-terminal-1280")
        officer.get_by_role("button", name="Kết thúc phục vụ").click()
        officer.wait_for_selector("text=Đã kết thúc phục vụ phiếu B-0002")
        terminal.locator("button.level.l3").first.click()
        terminal.wait_for_selector("text=Cảm ơn ông/bà đã đánh giá!")
        screenshot(terminal, "counters-terminal-thanks-1280")

        ticket = Ticket.objects.get(number=2)
        rating = CounterRating.objects.get()
        assert (rating.ticket, rating.staff, rating.level) == (ticket, setup.mai, 3)
        assert TicketDossier.objects.get(ticket=ticket).dossier == dossier
        assert not errors, errors
    finally:
        for c in (kiosk_ctx, board_ctx, officer_ctx, term_ctx):
            c.close()
