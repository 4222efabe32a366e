"""Device pages behind device tokens, the officer's panel, the terminal's rating tied to the
ticket, the officer and the dossier, the board's stream, the API."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from congso.counters import devices, services
from congso.counters.models import CounterRating, Device, Ticket, TicketDossier, TicketStatus
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Dossier, Rating, Status
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure

pytestmark = pytest.mark.django_db


def device_client(setup, kind: str, counter=None) -> tuple[Client, Device, str]:  # type: ignore[no-untyped-def]
    device = Device(hall=setup.hall, kind=kind, name=f"Thiết bị {kind}", counter=counter)
    token = devices.device_issue_token(device=device, by=None)
    client = Client()
    response = client.post(reverse("counters:activate"), {"ma": token})
    assert response.status_code == 302
    return client, device, token


def test_device_pages_need_a_live_token(setup):
    anonymous = Client()
    for name in ("counters:kiosk", "counters:board", "counters:terminal", "counters:board_events"):
        assert anonymous.get(reverse(name)).status_code == 403
    bad = anonymous.post(reverse("counters:activate"), {"ma": "tb_sai"})
    assert bad.status_code == 400 and "Mã thiết bị không đúng" in bad.content.decode()
    client, device, _token = device_client(setup, Device.Kind.BOARD)
    assert client.get(reverse("counters:board")).status_code == 200
    # A board is not a kiosk.
    assert client.get(reverse("counters:kiosk")).status_code == 403
    devices.device_revoke(device=device, by=None)
    assert client.get(reverse("counters:board")).status_code == 403


def test_kiosk_issues_a_ticket_and_shows_the_wait(setup):
    client, _device, _token = device_client(setup, Device.Kind.KIOSK)
    page = client.get(reverse("counters:kiosk")).content.decode()
    assert "Tư pháp, hộ tịch" in page and "Người cao tuổi" in page
    response = client.post(
        reverse("counters:kiosk"), {"nhom": setup.civil.pk, "uu_tien": "elderly"}
    )
    ticket = Ticket.objects.get()
    assert response.url == reverse("counters:kiosk_ticket", args=[ticket.follow_key])
    shown = client.get(response.url).content.decode()
    assert "B-0001" in shown and "Người cao tuổi" in shown and "data:image/svg+xml" in shown
    # Bad input: a clear message, nothing issued.
    refused = client.post(reverse("counters:kiosk"), {"nhom": "abc"})
    assert refused.status_code == 400 and "chọn lĩnh vực" in refused.content.decode()
    assert Ticket.objects.count() == 1
    # The phone page from the QR code (public, by its random key only).
    follow = Client().get(reverse("counters:follow", args=[ticket.follow_key])).content.decode()
    assert "B-0001" in follow and "Đang chờ" in follow


def test_panel_call_serve_receive_and_terminal_rating(setup, demo_org):
    version = offered_procedure(demo_org.desk)
    kiosk = device_client(setup, Device.Kind.KIOSK)[0]
    terminal = device_client(setup, Device.Kind.TERMINAL, counter=setup.one)[0]
    kiosk.post(reverse("counters:kiosk"), {"nhom": setup.civil.pk, "uu_tien": ""})
    kiosk.post(reverse("counters:kiosk"), {"nhom": setup.land.pk, "uu_tien": "disabled"})
    officer = Client()
    officer.force_login(setup.mai.user)
    act = reverse("counters:panel_act")
    officer.post(act, {"thao_tac": "open", "quay": setup.one.pk})
    officer.post(act, {"thao_tac": "call"})
    ticket = Ticket.objects.get(status=TicketStatus.CALLED)
    assert ticket.code == "A-0001"  # the priority ticket first
    panel = officer.get(reverse("counters:panel")).content.decode()
    assert "A-0001" in panel and "Bắt đầu phục vụ" in panel
    officer.post(act, {"thao_tac": "start", "phieu": ticket.pk})
    # The terminal shows the officer serving, never who rated.
    page = terminal.get(reverse("counters:terminal")).content.decode()
    assert "Trần Thị Mai" in page and "Rất hài lòng" in page
    # The officer receives a dossier from the ticket: the panel links it.
    dossier = dossier_services.dossier_receive(
        by=setup.mai,
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        channel=1,
        papers=all_papers(version),
    )
    panel = officer.get(reverse("counters:panel")).content.decode()
    assert dossier.code in panel
    assert TicketDossier.objects.get().dossier == dossier
    officer.post(act, {"thao_tac": "finish", "phieu": ticket.pk})
    # The result was returned in the same visit: the tap is also the dossier's rating.
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RETURNED)
    done = terminal.post(reverse("counters:terminal"), {"muc": "1", "ly_do": "Chờ lâu"})
    assert "Cảm ơn" in done.content.decode()
    rating = CounterRating.objects.get()
    assert (rating.ticket, rating.staff, rating.level, rating.reason) == (
        ticket,
        setup.mai,
        1,
        "Chờ lâu",
    )
    assert rating.dossier_rating == Rating.objects.get(dossier=dossier)
    assert rating.dossier_rating.source == Rating.Source.COUNTER
    # A second tap has nothing left to rate.
    again = terminal.post(reverse("counters:terminal"), {"muc": "3"})
    assert again.status_code == 400 and CounterRating.objects.count() == 1


def test_panel_refuses_an_officer_of_another_unit(setup):
    client = Client()
    client.force_login(setup.outsider.user)
    assert client.get(reverse("counters:panel")).status_code == 403
    response = client.post(
        reverse("counters:panel_act"), {"thao_tac": "open", "quay": setup.one.pk}
    )
    assert response.status_code == 404
    assert not Ticket.objects.exists()


def test_board_stream_sends_the_state_first(setup, settings):
    from congso.counters import views

    client, _device, _token = device_client(setup, Device.Kind.BOARD)
    services.counter_open(counter=setup.one, by=setup.mai)
    services.ticket_issue(group=setup.civil)
    services.ticket_call_next(by=setup.mai)
    old = views.STREAM_SECONDS
    views.STREAM_SECONDS = 0.3
    try:
        response = client.get(reverse("counters:board_events"))
        body = b"".join(response.streaming_content).decode()
    finally:
        views.STREAM_SECONDS = old
    assert response["Content-Type"] == "text/event-stream"
    assert body.startswith("retry: 1000")
    event = next(b for b in body.split("\n\n") if "event: state" in b)
    data = json.loads(event.split("data: ", 1)[1])
    assert data["calls"][0]["code"] == "B-0001"
    assert data["calls"][0]["clips"] == [
        "moi",
        "chu-b",
        "so-0",
        "so-0",
        "so-0",
        "so-1",
        "den-quay",
        "quay-1",
    ]
    assert data["counters"][0]["ticket"] == "B-0001"


def test_api_issue_call_finish_rate(setup):
    _c, _kiosk, kiosk_token = device_client(setup, Device.Kind.KIOSK)
    _c, _term, term_token = device_client(setup, Device.Kind.TERMINAL, counter=setup.two)
    _c, _board, board_token = device_client(setup, Device.Kind.BOARD)
    api = Client()
    issued = api.post(
        "/api/v1/counters/tickets",
        {"group": "B"},
        content_type="application/json",
        headers={"X-Device-Token": kiosk_token},
    )
    assert issued.status_code == 201 and issued.json()["code"] == "B-0001"
    # A board's token does not issue tickets; no token at all is refused.
    assert (
        api.post(
            "/api/v1/counters/tickets",
            {"group": "B"},
            content_type="application/json",
            headers={"X-Device-Token": board_token},
        ).status_code
        == 403
    )
    assert api.post("/api/v1/counters/tickets", {"group": "B"}).status_code == 401
    officer = Client(enforce_csrf_checks=False)
    officer.force_login(setup.binh.user)
    services.counter_open(counter=setup.two, by=setup.binh)
    called = officer.post("/api/v1/counters/call")
    assert called.status_code == 200 and called.json()["counter"] == 2
    pk = called.json()["id"]
    assert officer.post(f"/api/v1/counters/tickets/{pk}/finish").status_code == 400
    assert officer.post(f"/api/v1/counters/tickets/{pk}/start").json()["status"] == "serving"
    assert officer.post(f"/api/v1/counters/tickets/{pk}/finish").json()["status"] == "done"
    assert officer.post("/api/v1/counters/call").status_code == 204
    rated = api.post(
        "/api/v1/counters/rate",
        {"level": 3},
        content_type="application/json",
        headers={"X-Device-Token": term_token},
    )
    assert rated.status_code == 201 and rated.json() == {
        "ticket": "B-0001",
        "level": 3,
        "dossier_rated": False,
    }
    state = api.get("/api/v1/counters/board", headers={"X-Device-Token": board_token}).json()
    assert state["calls"][0]["code"] == "B-0001"
    waits = api.get("/api/v1/counters/waits").json()
    assert {w["letter"] for w in waits} == {"A", "B"}
