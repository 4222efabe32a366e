"""The registers of NĐ 30/2020 for a period, in their legal column layout, as PDF and XLSX:
the incoming register (sổ đăng ký văn bản đến), the outgoing register (sổ đăng ký văn bản đi)
and the tracking register (sổ theo dõi giải quyết văn bản đến)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.units import mm

from congso.core import pdf
from congso.core.exports import append_text_row
from congso.org.models import Unit

from .models import Assignment, IncomingDocument, OutgoingDocument, Recipient, Series
from .selectors import incoming_visible, outgoing_ids_visible, outgoing_visible


def _d(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return value.strftime("%d/%m/%Y")


@dataclass
class Register:
    kind: str
    title: str
    columns: list[str]
    widths_mm: list[float]
    rows: list[list[str]]
    unit: Unit
    date_from: dt.date
    date_to: dt.date
    series: str


KINDS = {
    "den": _("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN"),
    "di": _("SỔ ĐĂNG KÝ VĂN BẢN ĐI"),
    "theo-doi": _("SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN"),
}


def _period(qs: QuerySet[Any], field: str, date_from: dt.date, date_to: dt.date) -> QuerySet[Any]:
    return qs.filter(**{f"{field}__date__gte": date_from, f"{field}__date__lte": date_to})


def incoming_rows(
    user: Any, unit: Unit, date_from: dt.date, date_to: dt.date, series: str = Series.NORMAL
) -> QuerySet[IncomingDocument]:
    qs = incoming_visible(user).filter(unit=unit, series=series)
    return (
        _period(qs, "received_at", date_from, date_to)
        .select_related("kind", "handling_unit", "handler", "reply")
        .prefetch_related(
            Prefetch(
                "directions",
                queryset=Assignment.objects.select_related("lead_unit", "receiver").order_by(
                    "created_at"
                ),
            )
        )
        .order_by("year", "number")
    )


def outgoing_rows(
    user: Any, unit: Unit, date_from: dt.date, date_to: dt.date, series: str = Series.NORMAL
) -> QuerySet[OutgoingDocument]:
    qs = outgoing_visible(user).filter(agency=unit, series=series, number__isnull=False)
    return (
        _period(qs, "signed_at", date_from, date_to)
        .select_related("kind", "signer")
        .prefetch_related(Prefetch("recipients", queryset=Recipient.objects.order_by("pk")))
        .order_by("year", "number")
    )


def _receiver(doc: IncomingDocument) -> str:
    parts = []
    if doc.handling_unit:
        parts.append(doc.handling_unit.name)
    if doc.handler:
        parts.append(doc.handler.get_full_name())
    return "; ".join(parts)


def build(
    kind: str,
    user: Any,
    unit: Unit,
    date_from: dt.date,
    date_to: dt.date,
    series: str = Series.NORMAL,
) -> Register:
    """Collect the rows of one register (a fixed number of queries whatever the period)."""
    if kind == "den":
        columns = [
            _("Ngày đến"),
            _("Số đến"),
            _("Tác giả"),
            _("Số, ký hiệu"),
            _("Ngày tháng"),
            _("Tên loại và trích yếu nội dung"),
            _("Đơn vị hoặc người nhận"),
            _("Ngày chuyển"),
            _("Ký nhận"),
            _("Ghi chú"),
        ]
        widths: list[float] = [20, 14, 32, 24, 18, 62, 34, 18, 20, 25]
        rows = [
            [
                _d(d.received_at),
                str(d.number),
                d.sender_name,
                d.number_symbol,
                _d(d.document_date),
                f"{d.kind.name if d.kind else ''}: {d.abstract}".lstrip(": "),
                _receiver(d),
                _d(d.handover_date),
                d.receipt_note,
                d.note,
            ]
            for d in incoming_rows(user, unit, date_from, date_to, series)
        ]
    elif kind == "di":
        columns = [
            _("Số, ký hiệu văn bản"),
            _("Ngày tháng văn bản"),
            _("Tên loại và trích yếu nội dung"),
            _("Người ký"),
            _("Nơi nhận văn bản"),
            _("Đơn vị, người nhận bản lưu"),
            _("Số lượng bản"),
            _("Ngày chuyển"),
            _("Ký nhận"),
            _("Ghi chú"),
        ]
        widths = [26, 18, 66, 30, 46, 28, 14, 18, 18, 23]
        rows = [
            [
                d.number_symbol,
                _d(d.signed_at),
                f"{d.kind.name}: {d.abstract}",
                d.signer.get_full_name(),
                "; ".join(r.name for r in d.recipients.all()),
                d.keeping_unit,
                str(d.copies),
                _d(d.issued_at),
                "",
                d.get_status_display() if d.status in ("recalled", "recall_requested") else "",
            ]
            for d in outgoing_rows(user, unit, date_from, date_to, series)
        ]
    elif kind == "theo-doi":
        columns = [
            _("Số đến"),
            _("Ngày đến"),
            _("Tác giả"),
            _("Số, ký hiệu"),
            _("Trích yếu nội dung"),
            _("Đơn vị hoặc người nhận"),
            _("Ý kiến chỉ đạo"),
            _("Thời hạn giải quyết"),
            _("Tiến độ giải quyết"),
            _("Số, ký hiệu văn bản trả lời"),
            _("Ghi chú"),
        ]
        widths = [13, 18, 28, 22, 50, 30, 40, 20, 22, 22, 12]
        rows = []
        docs = list(incoming_rows(user, unit, date_from, date_to, series))
        # A reply's number is printed only if the reader may see the reply (issue 11, item 2).
        replies = outgoing_ids_visible(user, {d.reply_id for d in docs if d.reply_id})
        for d in docs:
            directions = list(d.directions.all())
            rows.append(
                [
                    str(d.number),
                    _d(d.received_at),
                    d.sender_name,
                    d.number_symbol,
                    d.abstract,
                    _receiver(d),
                    "\n".join(a.instruction for a in directions),
                    _d(d.handling_due_at),
                    d.get_status_display(),
                    d.reply.number_symbol if d.reply and d.reply_id in replies else "",
                    d.note,
                ]
            )
    else:
        raise ValueError(kind)
    title = str(KINDS[kind]) + (str(_(" (MẬT)")) if series == Series.SECRET else "")
    return Register(
        kind, title, [str(c) for c in columns], widths, rows, unit, date_from, date_to, series
    )


def to_pdf(reg: Register) -> bytes:
    """A4 landscape, the agency heading, the title and period, then the ruled table."""
    parent = reg.unit.parent.name if reg.unit.parent else ""
    story: list[Any] = [
        pdf.national_header(parent, reg.unit.name),
        pdf.p(reg.title, "title"),
        pdf.p(
            _("Từ ngày %(a)s đến ngày %(b)s") % {"a": _d(reg.date_from), "b": _d(reg.date_to)},
            "center_italic",
        ),
        pdf.p(" "),
    ]
    rows: list[Sequence[str]] = [
        reg.columns,
        [f"({i})" for i in range(1, len(reg.columns) + 1)],
        *reg.rows,
    ]
    story.append(pdf.grid(rows, [w * mm for w in reg.widths_mm], header_rows=2))
    if not reg.rows:
        story.append(pdf.p(_("Không có văn bản trong kỳ."), "center_italic"))
    return pdf.build(
        story,
        title=reg.title,
        landscape_page=True,
        margins_mm=(15, 10, 15, 10),
        max_pages=pdf.REGISTER_MAX_PAGES,
    )


def to_xlsx(reg: Register) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = reg.title[:31]
    ws.append([reg.unit.name])
    ws.append([reg.title])
    ws.append([_("Từ ngày %(a)s đến ngày %(b)s") % {"a": _d(reg.date_from), "b": _d(reg.date_to)}])
    ws.append([])
    ws.append(reg.columns)
    header_row = ws.max_row
    for row in reg.rows:
        append_text_row(ws, row)  # abstracts, senders, notes: text, never a formula (ADR 0091)
    thin = Side(style="thin")
    for row_cells in ws.iter_rows(min_row=header_row, max_row=ws.max_row):
        for cell in row_cells:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    ws["A2"].font = Font(bold=True, size=13)
    for i, width in enumerate(reg.widths_mm, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width * 0.55
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
