"""What NĐ 30/2020/NĐ-CP Phụ lục I puts on the page of a signed document (ADR 0077):

- ô 3 "Số: 12/QĐ-UBND" under the agency's name and ô 4 "Thanh Xuân, ngày 02 tháng 12 năm
  2026" under the national motto, drawn into page 1 **before** the first signature
  (``stamp_issue``), so both are in the signed content and in the page's text;
- the signer's visible signature (blue) between the title and the name of the signer (ô 7),
  and the agency's (its seal, red) over the left third of it (ô 8) — the appearances of
  pyHanko signature fields (``signer_mark``, ``agency_mark``).

Positions follow the layout of Phụ lục I on the page (A4, margins 20–25 mm top, 30–35 mm
left, 15–20 mm right): the header's left column centred at ≈ 62 mm, the right one at
≈ 145 mm. The signer's block is found by the signer's name on the last page; without it the
marks go to the right column near the bottom.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader, PdfWriter
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from congso.core.pdf import register_fonts

BLUE = colors.Color(0.05, 0.2, 0.65)
RED = colors.Color(0.85, 0.05, 0.05)
SIGNER_SIZE = (160.0, 62.0)
SEAL_SIZE = 96.0


@dataclass(frozen=True)
class Mark:
    """A visible signature: where (page index, box in PDF points) and what it shows (a PDF
    page of the box's size, drawn with the repository's fonts, and an ASCII line pyHanko
    writes itself — the signing time)."""

    page: int
    box: tuple[float, float, float, float]
    background: bytes
    text: str = "%(ts)s"


def issue_date_line(place: str, day: dt.date) -> str:
    """ô 4: "Thanh Xuân, ngày 02 tháng 12 năm 2026" (two digits for days and months, as the
    decree writes those below 10 and months 1–2 with a leading zero)."""
    return _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "place": place,
        "d": f"{day.day:02d}",
        "m": f"{day.month:02d}",
        "y": day.year,
    }


def _page_size(reader: PdfReader, index: int) -> tuple[float, float]:
    box = reader.pages[index].mediabox
    return float(box.width), float(box.height)


def stamp_issue(pdf_bytes: bytes, *, number_symbol: str, place: str, day: dt.date) -> bytes:
    """Draw ô 3 (number and symbol) and ô 4 (place and date of issue) into page 1 of an
    unsigned PDF: a white band over each blank line of the template, then the text."""
    register_fonts()
    try:
        reader = PdfReader(io.BytesIO(pdf_bytes))
        width, height = _page_size(reader, 0)
    except Exception as exc:
        raise ValidationError(_("Tệp không phải PDF hợp lệ: %(error)s") % {"error": exc}) from exc
    if any(f.get("/FT") == "/Sig" for f in (reader.get_fields() or {}).values()):
        raise ValidationError(_("Văn bản đã có chữ ký số; không thể ghi số và ngày ban hành."))
    left_x, right_x, y = _issue_places(reader, width, height)
    overlay = io.BytesIO()
    c = canvas.Canvas(overlay, pagesize=(width, height))
    c.setFillColor(colors.white)
    c.rect(left_x - 38 * mm, y - 2.5 * mm, 76 * mm, 8 * mm, stroke=0, fill=1)
    c.rect(right_x - 48 * mm, y - 2.5 * mm, 96 * mm, 8 * mm, stroke=0, fill=1)
    c.setFillColor(colors.black)
    c.setFont("Serif", 12.5)
    c.drawCentredString(left_x, y, _("Số: %(ns)s") % {"ns": number_symbol})
    c.setFont("Serif-Italic", 12.5)
    c.drawCentredString(right_x, y, issue_date_line(place, day))
    c.save()
    writer = PdfWriter(clone_from=reader)
    writer.pages[0].merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _texts(reader: PdfReader, page: int) -> list[tuple[str, float, float, float]]:
    """(text, x, baseline y, approximate width) of each piece of text on ``page``."""
    found: list[tuple[str, float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            scale = abs((cm[0] or 1.0) * (tm[0] or 1.0))
            found.append((text.strip(), x, y, 0.5 * len(text.strip()) * (size or 12) * scale))

    try:
        reader.pages[page].extract_text(visitor_text=visit)
    except Exception:  # an odd content stream: the default places are used
        return []
    return found


def _issue_places(reader: PdfReader, width: float, height: float) -> tuple[float, float, float]:
    """Centre x of ô 3, centre x of ô 4 and their baseline: one line below the national motto
    ("Độc lập - Tự do - Hạnh phúc"), under the agency's name and under the motto."""
    texts = _texts(reader, 0)
    motto = next((t for t in texts if t[0].startswith("Độc lập")), None)
    if motto is None:
        return 62.5 * mm, 145 * mm, height - 45 * mm
    _t, mx, my, mw = motto
    left = [
        t
        for t in texts
        if t[1] + t[3] / 2 < width / 2 and abs(t[2] - my) < 30 * mm and t[2] >= my - 2
    ]
    left_centre = (left[0][1] + left[0][3] / 2) if left else mx - 90 * mm
    return left_centre, mx + mw / 2, my - 9 * mm


def signature_boxes(
    pdf_bytes: bytes, signer_name: str
) -> tuple[int, tuple[float, float, float, float], tuple[float, float, float, float]]:
    """The page and the boxes of the signer's mark and of the agency's seal: the signer's just
    above their typed name (ô 7c), the seal over its left third (ô 8)."""
    reader = PdfReader(io.BytesIO(pdf_bytes))
    page = len(reader.pages) - 1
    width, height = _page_size(reader, page)
    found = next((t for t in _texts(reader, page) if t[0] == signer_name), None)
    if found is not None:
        _t, x, y, w = found
        centre, bottom = x + w / 2, y + 14
    else:
        centre, bottom = 145 * mm, 55 * mm
    sw, sh = SIGNER_SIZE
    centre = min(max(centre, sw / 2 + 10), width - sw / 2 - 10)
    bottom = min(max(bottom, 10.0), height - sh - 10)
    signer = (centre - sw / 2, bottom, centre + sw / 2, bottom + sh)
    seal_right = signer[0] + sw / 3
    seal_bottom = bottom + sh / 2 - SEAL_SIZE / 2
    seal = (
        max(seal_right - SEAL_SIZE, 5.0),
        max(seal_bottom, 5.0),
        max(seal_right - SEAL_SIZE, 5.0) + SEAL_SIZE,
        max(seal_bottom, 5.0) + SEAL_SIZE,
    )
    return page, signer, seal


def _wrap(c: canvas.Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if c.stringWidth(trial, font, size) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return [*lines, line] if line else lines


def signer_mark(
    page: int,
    box: tuple[float, float, float, float],
    *,
    signer_name: str,
    position: str,
    agency_name: str,
) -> Mark:
    """The signer's visible signature: blue, who signed, in which capacity, for which agency."""
    register_fonts()
    w, h = box[2] - box[0], box[3] - box[1]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(w, h))
    c.setStrokeColor(BLUE)
    c.setFillColor(BLUE)
    c.setLineWidth(0.8)
    c.roundRect(1, 1, w - 2, h - 2, 4, stroke=1, fill=0)
    # The agency's seal covers the left third (ô 8): the text starts after it.
    x0, room = w / 3 + 4, w - w / 3 - 10
    c.setFont("Serif-Bold", 7.2)
    y = h - 12
    for line in _wrap(c, _("Ký số bởi: %(name)s") % {"name": signer_name}, "Serif-Bold", 7.2, room)[
        :2
    ]:
        c.drawString(x0, y, line)
        y -= 8.5
    c.setFont("Serif", 6.5)
    for line in (
        _wrap(c, position or _("Người có thẩm quyền"), "Serif", 6.5, room)[:1]
        + _wrap(c, agency_name, "Serif", 6.5, room)[:1]
    ):
        c.drawString(x0, y, line)
        y -= 8
    c.save()
    return Mark(page=page, box=box, background=buf.getvalue())


def agency_mark(
    page: int, box: tuple[float, float, float, float], *, agency_name: str, number_symbol: str = ""
) -> Mark:
    """The agency's visible signature: its seal in red (two rings, the name, a star)."""
    register_fonts()
    size = box[2] - box[0]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(size, size))
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    c.setLineWidth(1.6)
    c.circle(size / 2, size / 2, size / 2 - 2, stroke=1, fill=0)
    c.setLineWidth(0.6)
    c.circle(size / 2, size / 2, size / 2 - 8, stroke=1, fill=0)
    c.setFont("Sans", 12)
    c.drawCentredString(size / 2, size / 2 + 14, "★")
    lines = _wrap(c, agency_name.upper(), "Sans-Bold", 6.6, size - 26)[:3]
    y = size / 2 + 2
    c.setFont("Sans-Bold", 6.6)
    for line in lines:
        c.drawCentredString(size / 2, y, line)
        y -= 8
    if number_symbol:
        c.setFont("Sans", 5.5)
        c.drawCentredString(size / 2, 16, number_symbol)
    c.save()
    return Mark(page=page, box=box, background=buf.getvalue(), text="")


def today() -> dt.date:
    return timezone.localdate()
