"""Printed forms 1–6 of the one-stop (TT 01/2018 numbering), built with congso.core.pdf.
Texts go through gettext like every page; values are filled in with %-placeholders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from congso.core import limits
from congso.core.pdf import (
    PARAGRAPH_MAX,
    REGISTER_MAX_PAGES,
    build,
    clip,
    grid,
    national_header,
    p,
    pm,
    qr,
)
from congso.core.templatetags.congso import vnd, vndate

from .models import Dossier, ReturnMethod, Timeliness

FORM_TITLES = {
    1: gettext_lazy("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    2: gettext_lazy("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    3: gettext_lazy("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    4: gettext_lazy("PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    5: gettext_lazy("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
    6: gettext_lazy("SỔ THEO DÕI HỒ SƠ"),
}


def hm_date(value: Any) -> str:
    if not value:
        return "…"
    local = timezone.localtime(value)
    return _("%(h)s giờ %(m)s phút, ngày %(d)s tháng %(mo)s năm %(y)s") % {
        "h": f"{local:%H}",
        "m": f"{local:%M}",
        "d": f"{local:%d}",
        "mo": f"{local:%m}",
        "y": f"{local:%Y}",
    }


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.PUBLIC_URL}/tra-cuu/?ma={dossier.code or ''}"


def _e(text: Any, limit: int = PARAGRAPH_MAX) -> str:
    return escape(clip(text or "", limit))


def _header(dossier: Dossier, form_no: int) -> list[Any]:
    agency = dossier.processing_agency if form_no in (4, 5) else dossier.agency
    receiving = (
        dossier.receiving_unit.name if dossier.receiving_unit_id != dossier.agency_id else ""
    )
    line1 = agency.parent.name if agency.parent else ""
    return [
        national_header(line1 or agency.name, receiving or agency.name),
        Spacer(1, 6 * mm),
        p(_("Mẫu số %(n)s") % {"n": f"{form_no:02d}"}, "small"),
        p(FORM_TITLES[form_no], "title"),
    ]


def _applicant(dossier: Dossier) -> list[Any]:
    rows = [
        pm(_("Chủ hồ sơ: <b>%(name)s</b>") % {"name": _e(dossier.applicant_name)}),
        p(_("Số định danh / mã số thuế: %(n)s") % {"n": dossier.applicant_id_number}),
        p(_("Địa chỉ: %(a)s") % {"a": dossier.applicant_address}),
        p(
            _("Số điện thoại: %(phone)s    Thư điện tử: %(email)s")
            % {"phone": dossier.applicant_phone, "email": dossier.applicant_email}
        ),
    ]
    if dossier.proxy_name:
        rows.append(
            p(
                _("Người nộp thay: %(name)s (CCCD %(n)s)")
                % {"name": dossier.proxy_name, "n": dossier.proxy_id_number}
            )
        )
    return rows


def _signatures(left: str, right: str, right_name: str = "") -> Table:
    hint = _("(Ký, ghi rõ họ tên)")
    table = Table(
        [
            [p(left, "center_bold"), p(right, "center_bold")],
            [p(hint if left else "", "center_italic"), p(hint, "center_italic")],
            [Spacer(1, 18 * mm), Spacer(1, 18 * mm)],
            [p("", "center"), p(right_name, "center_bold")],
        ],
        colWidths=[90 * mm, 90 * mm],
    )
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def receipt_pdf(dossier: Dossier, officer_name: str = "") -> bytes:
    """Form 1: receipt and appointment slip, with a QR code to the status page."""
    version = dossier.procedure_version
    unit = dossier.receiving_unit
    story = _header(dossier, 1)
    story += [
        pm(_("Mã hồ sơ: <b>%(code)s</b>") % {"code": _e(dossier.code)}, "center"),
        Spacer(1, 3 * mm),
        p(_("%(unit)s tiếp nhận hồ sơ của:") % {"unit": unit.name}),
    ]
    story += _applicant(dossier)
    story.append(pm(_("Nội dung yêu cầu giải quyết: <b>%(name)s</b>") % {"name": _e(version.name)}))
    if dossier.request_summary:
        story.append(p(dossier.request_summary, limit=limits.SUMMARY))
    story += [Spacer(1, 2 * mm), p(_("1. Thành phần hồ sơ và số lượng mỗi loại giấy tờ gồm:"))]
    rows: list[list[Any]] = [[_("TT"), _("Tên giấy tờ"), _("Bản chính"), _("Bản sao")]]
    for i, paper in enumerate(dossier.papers.all(), start=1):
        rows.append([str(i), paper.name, str(paper.originals), str(paper.copies)])
    story.append(grid(rows, [12 * mm, 118 * mm, 25 * mm, 25 * mm]))
    register = getattr(dossier, "register_entry", None)
    where = unit.name + (f", {unit.address}" if unit.address else "")
    story += [
        Spacer(1, 2 * mm),
        p(_("2. Số lượng hồ sơ: %(n)s (bộ)") % {"n": version.sets}),
        # "Trong ngày" for a same-day procedure, not "1 trong ngày" (ProcedureVersion.duration_display).
        p(
            _("3. Thời gian giải quyết hồ sơ theo quy định là: %(duration)s")
            % {"duration": version.duration_display}
        ),
        p(_("4. Thời gian nhận hồ sơ: %(t)s") % {"t": hm_date(dossier.received_at)}),
        pm(
            _("5. Thời gian trả kết quả giải quyết hồ sơ: <b>%(t)s</b>")
            % {"t": hm_date(dossier.due_at)}
        ),
        p(_("6. Nhận kết quả tại: %(where)s") % {"where": where}),
        p(
            _("7. Phí, lệ phí: %(fee)s")
            % {"fee": vnd(dossier.fee_total) if dossier.fee_total else _("Không")}
        ),
        p(
            _("Vào Sổ theo dõi hồ sơ, số: %(n)s/%(y)s") % {"n": register.number, "y": register.year}
            if register
            else ""
        ),
        Spacer(1, 3 * mm),
    ]
    qr_table = Table(
        [
            [
                qr(lookup_url(dossier), 26),
                p(
                    _(
                        "Quét mã để tra cứu tình trạng hồ sơ, hoặc truy cập %(url)s và nhập mã hồ sơ cùng số "
                        "định danh."
                    )
                    % {"url": f"{settings.PUBLIC_URL}/tra-cuu/"},
                    "small",
                ),
            ]
        ],
        colWidths=[32 * mm, 148 * mm],
    )
    qr_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [
        qr_table,
        Spacer(1, 4 * mm),
        _signatures(_("NGƯỜI NỘP HỒ SƠ"), _("NGƯỜI TIẾP NHẬN HỒ SƠ"), officer_name),
    ]
    return build(story, title=_("Giấy tiếp nhận hồ sơ %(code)s") % {"code": dossier.code})


def supplement_pdf(dossier: Dossier) -> bytes:
    """Form 2: what is missing, why, and whom to contact."""
    story = _header(dossier, 2)
    story += _applicant(dossier)
    story.append(
        pm(
            _("Hồ sơ đề nghị giải quyết: <b>%(name)s</b>")
            % {"name": _e(dossier.procedure_version.name)}
        )
    )
    if dossier.code:
        story.append(p(_("Mã hồ sơ: %(code)s") % {"code": dossier.code}))
    story.append(p(_("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")))
    for i, sup in enumerate(dossier.supplements.all(), start=1):
        line = _("%(i)s. %(missing)s (ngày %(day)s)") % {
            "i": i,
            "missing": clip(sup.missing, limits.MISSING),
            "day": vndate(sup.requested_at),
        }
        if sup.reason:
            line += " — " + _("Lý do: %(reason)s") % {"reason": clip(sup.reason, limits.REASON)}
        story.append(p(line))
    unit = dossier.receiving_unit
    contact = unit.name + (
        ", " + _("điện thoại %(phone)s") % {"phone": unit.phone} if unit.phone else ""
    )
    story += [
        Spacer(1, 3 * mm),
        p(
            _(
                "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ %(contact)s để "
                "được hướng dẫn."
            )
            % {"contact": contact}
        ),
        Spacer(1, 4 * mm),
        _signatures("", _("NGƯỜI HƯỚNG DẪN"), _supplement_officer(dossier)),
    ]
    return build(story, title=_("Phiếu yêu cầu bổ sung %(code)s") % {"code": dossier.code or ""})


def _supplement_officer(dossier: Dossier) -> str:
    """The officer who asked for the latest supplement signs form 2 (issue #12 §4)."""
    last = (
        dossier.supplements.select_related("requested_by__user")
        .order_by("-requested_at", "-pk")
        .first()
    )
    return last.requested_by.name if last else ""


def _refusing_officer(dossier: Dossier) -> str:
    row = (
        dossier.history.filter(action__in=["refuse", "refuse_at_intake"])
        .order_by("-at", "-pk")
        .first()
    )
    return row.actor_name if row else ""


def refusal_pdf(dossier: Dossier) -> bytes:
    """Form 3: refusal with the specific reason."""
    story = _header(dossier, 3)
    story += _applicant(dossier)
    story += [
        pm(
            _("Hồ sơ đề nghị giải quyết: <b>%(name)s</b>")
            % {"name": _e(dossier.procedure_version.name)}
        ),
        p(_("Cơ quan, đơn vị từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:")),
        pm(f"<b>{_e(dossier.refusal_reason, limits.REASON)}</b>"),
        p(_("Xin thông báo để ông/bà được biết và thực hiện.")),
        Spacer(1, 4 * mm),
        _signatures("", _("NGƯỜI TIẾP NHẬN HỒ SƠ"), _refusing_officer(dossier)),
    ]
    return build(story, title=str(FORM_TITLES[3]))


def apology_pdf(dossier: Dossier) -> bytes:
    """Form 4: apology and new date, signed by the head of the agency."""
    apology = dossier.apology
    story = _header(dossier, 4)
    story += [p(_("%(unit)s tiếp nhận hồ sơ của:") % {"unit": dossier.processing_agency.name})]
    story += _applicant(dossier)
    story += [
        p(
            _("Mã hồ sơ: %(code)s    Nội dung: %(name)s")
            % {"code": dossier.code, "name": dossier.procedure_version.name}
        ),
        p(_("Thời gian hẹn trả kết quả: %(t)s") % {"t": hm_date(apology.old_due_at)}),
        p(
            _("Đến nay, cơ quan chưa trả kết quả giải quyết hồ sơ với lý do: %(reason)s")
            % {"reason": clip(apology.reason, limits.REASON)}
        ),
        p(_("Sự chậm trễ này đã gây phiền hà cho ông/bà. Chúng tôi xin lỗi ông/bà và hẹn lại:")),
        pm(_("Thời gian trả kết quả: <b>%(t)s</b>") % {"t": hm_date(apology.new_due_at)}),
        p(_("Chúng tôi xin trân trọng cảm ơn sự hợp tác của ông/bà.")),
        Spacer(1, 4 * mm),
        _signatures("", _("THỦ TRƯỞNG CƠ QUAN"), apology.signed_by.name),
    ]
    return build(story, title=_("Phiếu xin lỗi %(code)s") % {"code": dossier.code})


def control_pdf(dossier: Dossier) -> bytes:
    """Form 5: the handovers, one row each, with how each step fared."""
    story = _header(dossier, 5)
    story += [
        p(_("(Kèm theo hồ sơ số: %(code)s)") % {"code": dossier.code}, "center_italic"),
        p(
            _("Chủ hồ sơ: %(name)s    Thủ tục: %(proc)s")
            % {"name": dossier.applicant_name, "proc": dossier.procedure_version.name}
        ),
        p(
            _("Ngày nhận: %(r)s    Hẹn trả: %(d)s")
            % {"r": hm_date(dossier.received_at), "d": hm_date(dossier.due_at)}
        ),
        Spacer(1, 2 * mm),
    ]
    rows: list[list[Any]] = [
        [
            _("Tên cơ quan"),
            _("Thời gian giao, nhận hồ sơ"),
            _("Bên giao"),
            _("Bên nhận"),
            _("Kết quả giải quyết (trước / đúng / quá hạn)"),
            _("Ghi chú"),
        ]
    ]
    rows += list(control_rows(dossier))
    story.append(grid(rows, [32 * mm, 32 * mm, 30 * mm, 30 * mm, 28 * mm, 28 * mm]))
    return build(story, title=_("Phiếu kiểm soát %(code)s") % {"code": dossier.code})


def control_rows(dossier: Dossier) -> Iterable[list[str]]:
    for h in dossier.handovers.select_related("from_unit", "to_unit", "to_staff__user").order_by(
        "sent_at", "pk"
    ):
        sent = timezone.localtime(h.sent_at)
        to_text = f"{h.to_staff.name}\n{h.to_unit.name}" if h.to_staff else h.to_unit.name
        from_text = f"{h.from_name}\n{h.from_unit.name}" if h.from_name else h.from_unit.name
        when = _("%(t)s ngày %(d)s") % {"t": f"{sent:%H:%M}", "d": f"{sent:%d/%m/%Y}"}
        judged = str(Timeliness(h.timeliness).label) if h.timeliness else ""
        yield [h.from_unit.name, when, from_text, to_text, judged, h.note]


def register_pdf(agency_name: str, rows: Iterable[Dossier], period: str) -> bytes:
    """Form 6: the register of dossiers of an agency for a period."""
    story = [
        national_header(agency_name, ""),
        Spacer(1, 4 * mm),
        p(FORM_TITLES[6], "title"),
        p(period, "center_italic"),
        Spacer(1, 3 * mm),
    ]
    table: list[list[Any]] = [register_header()]
    table += [register_row(d) for d in rows]
    story.append(
        grid(
            table,
            [
                12 * mm,
                34 * mm,
                45 * mm,
                35 * mm,
                38 * mm,
                30 * mm,
                22 * mm,
                22 * mm,
                22 * mm,
                22 * mm,
            ],
            font_size=7.5,
        )
    )
    return build(
        story,
        title=str(FORM_TITLES[6]),
        landscape_page=True,
        margins_mm=(15, 10, 15, 10),
        max_pages=REGISTER_MAX_PAGES,
    )


def register_header() -> list[str]:
    return [
        _("Số TT"),
        _("Mã hồ sơ"),
        _("Tên TTHC"),
        _("Tên cá nhân, tổ chức"),
        _("Địa chỉ, số điện thoại"),
        _("Cơ quan chủ trì giải quyết"),
        _("Ngày, giờ nhận"),
        _("Ngày, giờ hẹn trả"),
        _("Ngày, giờ trả"),
        _("Hình thức trả / ký nhận"),
    ]


def register_row(d: Dossier) -> list[str]:
    def stamp(v: Any) -> str:
        return timezone.localtime(v).strftime("%H:%M %d/%m/%Y") if v else ""

    method = str(ReturnMethod(d.return_method).label) if d.return_method else ""
    return [
        str(d.register_entry.number),
        d.code or "",
        d.procedure_version.name,
        d.applicant_name,
        f"{d.applicant_address} {d.applicant_phone}".strip(),
        d.processing_agency.name,
        stamp(d.received_at),
        stamp(d.due_at),
        stamp(d.returned_at),
        f"{method} {d.collected_by}".strip(),
    ]
