"""PDF building blocks with Vietnamese fonts shipped in the repo (DejaVu, from the npm
registry). Every printed form of CongSo (receipts, registers, slips) is built from these.

Bounded (issue #11, finding 8; ADR 0106): a paragraph prints at most ``limit`` characters (by
default ``PARAGRAPH_MAX``; a form passes its field's limit from ``congso.core.limits``), a
table cell at most ``CELL_MAX`` (a row cannot break across pages), and ``build`` stops with
``PdfTooLong`` past ``max_pages``. Text stored before the limits existed, or written around
them, is cut with a visible note instead of costing minutes of CPU on every view.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from congso.core import limits

FONT_DIR = Path(__file__).resolve().parent / "fonts"

PARAGRAPH_MAX = limits.REVIEW  # the longest text a form prints (a result summary)
CELL_MAX = 3_000  # what fits one table cell on one page at 8.5 pt in a 110 mm column
MAX_PAGES = 30  # a dossier's form or a receipt
REGISTER_MAX_PAGES = 500  # a register for a period (≈ 10,000 rows); longer ones go to XLSX


class PdfTooLong(Exception):
    """The document would pass its page cap; ``message`` is for the user (Vietnamese)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.message = _(
            "Tài liệu quá dài để in (hơn {limit} trang). Hãy thu hẹp khoảng thời gian hoặc "
            "tải bản XLSX."
        ).format(limit=limit)
        super().__init__(self.message)


def clip(text: Any, limit: int = PARAGRAPH_MAX) -> str:
    """``text`` as a string of at most ``limit`` characters, with a note saying how much was
    left out."""
    value = str(text if text is not None else "")
    if len(value) <= limit:
        return value
    left_out = len(value) - limit
    note = _("[… đã lược bớt {n} ký tự]").format(n=f"{left_out:,}".replace(",", "."))
    return value[:limit] + " " + note


class _CappedDocTemplate(SimpleDocTemplate):
    """Stops the build as soon as a page past the cap would begin."""

    def __init__(self, max_pages: int, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_pages = max_pages

    def handle_pageBegin(self) -> None:
        if self.page >= self.max_pages:
            raise PdfTooLong(self.max_pages)
        super().handle_pageBegin()


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont("Serif", str(FONT_DIR / "DejaVuSerif.ttf")))
    pdfmetrics.registerFont(TTFont("Serif-Bold", str(FONT_DIR / "DejaVuSerif-Bold.ttf")))
    pdfmetrics.registerFont(TTFont("Serif-Italic", str(FONT_DIR / "DejaVuSerif-Italic.ttf")))
    pdfmetrics.registerFont(TTFont("Sans", str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("Sans-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        "Serif", normal="Serif", bold="Serif-Bold", italic="Serif-Italic", boldItalic="Serif-Bold"
    )


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName="Serif", fontSize=11, leading=14.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9, leading=11.5),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=base,
            fontName="Serif-Bold",
            fontSize=8.5,
            leading=10.5,
            alignment=TA_CENTER,
        ),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle(
            "center_bold", parent=base, alignment=TA_CENTER, fontName="Serif-Bold"
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            alignment=TA_CENTER,
            fontName="Serif-Bold",
            fontSize=13.5,
            leading=18,
            spaceBefore=6,
            spaceAfter=6,
        ),
        "italic": ParagraphStyle("italic", parent=base, fontName="Serif-Italic", alignment=TA_LEFT),
        "center_italic": ParagraphStyle(
            "center_italic", parent=base, fontName="Serif-Italic", alignment=TA_CENTER
        ),
    }


def p(text: Any, style: str = "base", *, limit: int = PARAGRAPH_MAX) -> Paragraph:
    """A paragraph of plain text (escaped, at most ``limit`` characters); use ``pm`` for
    trusted markup."""
    return Paragraph(escape(clip(text, limit)).replace("\n", "<br/>"), styles()[style])


def pm(markup: str, style: str = "base") -> Paragraph:
    return Paragraph(markup, styles()[style])


def qr(data: str, size_mm: float = 28) -> Drawing:
    widget = QrCodeWidget(data)
    x1, y1, x2, y2 = widget.getBounds()
    size = size_mm * mm
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def national_header(agency_line_1: str, agency_line_2: str = "") -> Table:
    """The two-column heading of Vietnamese administrative forms: agency on the left, national
    motto on the right (Nghị định 30/2020, Phụ lục I)."""
    left = [p(agency_line_1.upper(), "center")]
    if agency_line_2:
        left.append(pm(f"<b>{escape(agency_line_2.upper())}</b>", "center"))
    right = [
        pm("<b>CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", "center"),
        pm("<b>Độc lập - Tự do - Hạnh phúc</b>", "center"),
    ]
    table = Table([[left, right]], colWidths=[75 * mm, 105 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def grid(
    rows: Sequence[Sequence[Any]],
    col_widths: Sequence[float],
    header_rows: int = 1,
    font_size: float = 8.5,
) -> Table:
    """A ruled table; string cells are wrapped in paragraphs so long Vietnamese text wraps."""
    st = styles()
    body = []
    for i, row in enumerate(rows):
        style = st["cell_bold"] if i < header_rows else st["cell"]
        body.append(
            [
                c if isinstance(c, Flowable) else Paragraph(escape(clip(c, CELL_MAX)), style)
                for c in row
            ]
        )
    table = Table(body, colWidths=list(col_widths), repeatRows=header_rows)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#f0f0f0")),
                ("FONTSIZE", (0, 0), (-1, -1), font_size),
            ]
        )
    )
    return table


def build(
    flowables: list[Any],
    *,
    title: str,
    landscape_page: bool = False,
    margins_mm: tuple[float, float, float, float] = (20, 15, 30, 15),
    max_pages: int = MAX_PAGES,
) -> bytes:
    """Render flowables to PDF bytes (top, right, bottom, left margins as the decree sets);
    PdfTooLong when the document would pass ``max_pages``."""
    register_fonts()
    buffer = io.BytesIO()
    top, right, bottom, left = margins_mm
    doc = _CappedDocTemplate(
        max_pages,
        buffer,
        pagesize=landscape(A4) if landscape_page else A4,
        title=title,
        author="CongSo",
        topMargin=top * mm,
        rightMargin=right * mm,
        bottomMargin=bottom * mm,
        leftMargin=left * mm,
    )
    doc.build(flowables)
    return buffer.getvalue()
