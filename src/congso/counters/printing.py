"""Ticket printing on an 80 mm thermal printer through ESC/POS (python-escpos), sent over TCP
to the kiosk's network printer (port 9100, "raw" printing) by the worker (ADR 0145).

The receipt is built with python-escpos's ``Dummy`` printer (bytes in memory) and written to
the socket here, so the bytes are the same whether a test records them or a printer prints
them. Cheap thermal printers have no Vietnamese code page that python-escpos can rely on, so
the text is printed without diacritics ("Moi cong dan"); the number, the QR code and the
times carry the meaning. The browser print layout (80 mm, kiosk page) keeps the diacritics."""

from __future__ import annotations

import socket
import unicodedata

from django.utils import timezone
from escpos.printer import Dummy

from congso.core.tasks import job

from .models import Device, Ticket

TIMEOUT = 5.0


def plain(text: str) -> str:
    """Vietnamese without diacritics, for printers without the code page (đ → d)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "replace")
        .decode("ascii")
    )


def receipt_bytes(ticket: Ticket, *, ahead: int, minutes: int, follow_url: str) -> bytes:
    """The ESC/POS bytes of one ticket."""
    p = Dummy()
    p.set(align="center", bold=True)
    p.text(plain(ticket.hall.unit.name) + "\n")
    p.set(align="center", normal_textsize=True)
    p.text(plain(ticket.hall.name) + "\n\n")
    p.text(plain("SỐ THỨ TỰ") + "\n")
    p.set(align="center", bold=True, double_height=True, double_width=True)
    p.text(ticket.code + "\n")
    p.set(align="center", normal_textsize=True)
    p.text(plain(ticket.group.name) + "\n")
    if ticket.is_priority:
        p.text(plain("Ưu tiên: " + str(ticket.get_priority_display())) + "\n")
    issued = timezone.localtime(ticket.issued_at)
    p.text(plain("Lấy số lúc ") + issued.strftime("%H:%M %d/%m/%Y") + "\n")
    p.text(plain(f"Số người đang chờ trước: {ahead}") + "\n")
    p.text(plain(f"Thời gian chờ dự kiến: khoảng {minutes} phút") + "\n\n")
    p.qr(follow_url, size=6, native=True)
    p.text(plain("Quét mã để theo dõi lượt gọi") + "\n")
    p.cut()
    return bytes(p.output)


def send(address: str, data: bytes) -> None:
    """Write ``data`` to the printer at ``host:port`` (raw TCP, port 9100 by default)."""
    host, _, port = address.rpartition(":")
    if not host:
        host, port = address, "9100"
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as conn:
        conn.sendall(data)


@job(retries=2)
def print_ticket(ticket_id: int, device_id: int, follow_url: str) -> None:
    """Print ticket ``ticket_id`` on the kiosk's ESC/POS printer (a job: the kiosk never waits
    on the printer). A retry prints again only if the first attempt failed to connect."""
    from . import services

    device = Device.objects.filter(pk=device_id, revoked_at__isnull=True).first()
    ticket = (
        Ticket.objects.select_related("hall__unit", "group", "issued_group")
        .filter(pk=ticket_id)
        .first()
    )
    if device is None or ticket is None or not device.printer:
        return
    info = services.queue_info(ticket)
    send(
        device.printer,
        receipt_bytes(ticket, ahead=info.ahead, minutes=info.minutes, follow_url=follow_url),
    )
