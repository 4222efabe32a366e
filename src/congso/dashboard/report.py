"""The periodic report "Tình hình, kết quả giải quyết TTHC" of the TTHC control rules, laid out
as the reporting circular of the Văn phòng Chính phủ lays out its form for the agencies that
decide procedures (Thông tư 01/2020/TT-VPCP, biểu mẫu 06a/VPCP/KSTT): one row per field
(lĩnh vực), the dossiers to handle (carried over, new online, new at the counter or by post),
those resolved (early, on time, late) and those in progress (within the deadline, overdue).
Every figure is a condition of ``congso.dossiers.stats``; the column layout is to verify
against the circular's current annex (docs/dashboard.md). XLSX and PDF, for any unit and
period the caller watches."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from congso.core import pdf
from congso.core.exports import xlsx_table
from congso.dossiers import stats
from congso.org.models import Unit

from . import figures

COLUMNS = [
    "to_handle",
    "backlog",
    "received_online",
    "received_offline",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "in_progress",
    "in_progress_on_time",
    "progress_late",
]


def header() -> list[str]:
    return [
        _("STT"),
        _("Lĩnh vực giải quyết"),
        _("Tổng số hồ sơ nhận giải quyết"),
        _("Số kỳ trước chuyển qua"),
        _("Số mới tiếp nhận trực tuyến"),
        _("Số mới tiếp nhận trực tiếp, bưu chính"),
        _("Tổng số đã giải quyết"),
        _("Đã giải quyết trước hạn"),
        _("Đã giải quyết đúng hạn"),
        _("Đã giải quyết quá hạn"),
        _("Tổng số đang giải quyết"),
        _("Đang giải quyết trong hạn"),
        _("Đang giải quyết quá hạn"),
    ]


def rows(agencies: list[Unit], w: stats.Window, f: figures.Filters) -> list[dict[str, Any]]:
    """One row per field of the procedures, in one grouped query."""
    cond = stats.conditions(w)
    keys = [
        "backlog",
        "received",
        "received_online",
        "finished",
        "finished_early",
        "finished_on_time",
        "finished_late",
        "in_progress",
        "progress_late",
    ]
    found = (
        figures._base(agencies, f)
        .filter(cond["to_handle"] | cond["in_progress"])
        .values("procedure_version__procedure__field__name")
        .annotate(**{k: Count("pk", filter=cond[k]) for k in keys})
        .order_by("procedure_version__procedure__field__name")
    )
    out = []
    for r in found:
        item: dict[str, Any] = dict(r)
        item["field"] = item.pop("procedure_version__procedure__field__name") or _("Khác")
        item["to_handle"] = item["backlog"] + item["received"]
        item["received_offline"] = item["received"] - item["received_online"]
        item["in_progress_on_time"] = item["in_progress"] - item["progress_late"]
        out.append(item)
    return out


def _total(found: list[dict[str, Any]]) -> dict[str, Any]:
    return {k: sum(r[k] for r in found) for k in COLUMNS}


def _title(unit: Unit, period: str) -> list[list[Any]]:
    return [
        [_("Biểu mẫu 06a/VPCP/KSTT")],
        [_("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")],
        [_("TẠI %(unit)s") % {"unit": unit.name.upper()}],
        [_("Kỳ báo cáo: %(p)s") % {"p": period}],
        [_("Đơn vị tính: hồ sơ")],
    ]


def xlsx(unit: Unit, period: str, found: list[dict[str, Any]]) -> bytes:
    total = _total(found)
    return xlsx_table(
        sheet="Bieu 06a",
        widths=[6, 36] + [14] * len(COLUMNS),
        preamble=[*_title(unit, period), []],
        header=header(),
        rows=([i, r["field"], *(r[k] for k in COLUMNS)] for i, r in enumerate(found, start=1)),
        total=["", _("Tổng số"), *(total[k] for k in COLUMNS)],
    )


def pdf_bytes(unit: Unit, period: str, found: list[dict[str, Any]]) -> bytes:
    from reportlab.lib.units import mm

    total = _total(found)
    table = [
        header(),
        *([str(i), r["field"], *(str(r[k]) for k in COLUMNS)] for i, r in enumerate(found, 1)),
        ["", _("Tổng số"), *(str(total[k]) for k in COLUMNS)],
    ]
    agency = unit.agency()
    story: list[Any] = [
        pdf.national_header(agency.parent.name if agency.parent else "", agency.name),
        pdf.p(" "),
        *(pdf.p(line[0], "center") for line in _title(unit, period)),
        pdf.p(" "),
        pdf.grid(table, [10 * mm, 52 * mm] + [19 * mm] * len(COLUMNS), font_size=7.5),
    ]
    return pdf.build(story, title=str(_title(unit, period)[1][0]), landscape_page=True)
