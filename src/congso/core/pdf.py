"""PDF building blocks with Vietnamese fonts shipped in the repo (DejaVu, from the npm
registry). Every printed form of CongSo (receipts, registers, slips) is built from these."""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

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

FONT_DIR = Path(__file__).resolve().parent / "fonts"


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


def p(text: Any, style: str = "base") -> Paragraph:
    """A paragraph of plain text (escaped); use ``pm`` for trusted markup."""
    return Paragraph(
        escape(str(text if text is not None else "")).replace("\n", "<br/>"), styles()[style]
    )


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
                c
                if isinstance(c, Flowable)
                else Paragraph(escape(str(c if c is not None else "")), style)
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
) -> bytes:
    """Render flowables to PDF bytes (top, right, bottom, left margins as the decree sets)."""
    register_fonts()
    buffer = io.BytesIO()
    top, right, bottom, left = margins_mm
    doc = SimpleDocTemplate(
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
