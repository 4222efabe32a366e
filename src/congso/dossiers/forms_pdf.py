"""Printed forms 1–6 of the one-stop (TT 01/2018 numbering), built with congso.core.pdf."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from congso.core.pdf import build, grid, national_header, p, pm, qr
from congso.core.templatetags.congso import vnd, vndate

from .models import Dossier, ReturnMethod

FORM_TITLES = {
    1: "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    2: "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    3: "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    4: "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    5: "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    6: "SỔ THEO DÕI HỒ SƠ",
}


def hm_date(value: Any) -> str:
    if not value:
        return "…"
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d} tháng {local:%m} năm {local:%Y}"


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.PUBLIC_URL}/tra-cuu/?ma={dossier.code or ''}"


def _header(dossier: Dossier, title: str, form_no: int) -> list[Any]:
    agency = dossier.processing_agency if form_no in (4, 5) else dossier.agency
    receiving = dossier.receiving_unit.name if dossier.receiving_unit_id != dossier.agency_id else ""
    line1 = agency.parent.name if agency.parent else ""
    return [national_header(line1 or agency.name, receiving or agency.name),
            Spacer(1, 6 * mm), p(f"Mẫu số {form_no:02d}", "small"), p(title, "title")]


def _applicant(dossier: Dossier) -> list[Any]:
    rows = [
        pm(f"Chủ hồ sơ: <b>{_e(dossier.applicant_name)}</b>"),
        p(f"Số định danh / mã số thuế: {dossier.applicant_id_number}"),
        p(f"Địa chỉ: {dossier.applicant_address}"),
        p(f"Số điện thoại: {dossier.applicant_phone}    Thư điện tử: {dossier.applicant_email}"),
    ]
    if dossier.proxy_name:
        rows.append(p(f"Người nộp thay: {dossier.proxy_name} (CCCD {dossier.proxy_id_number})"))
    return rows


def _e(text: str) -> str:
    from xml.sax.saxutils import escape

    return escape(text or "")


def _signatures(left: str, right: str, right_name: str = "") -> Table:
    table = Table([[p(left, "center_bold"), p(right, "center_bold")],
                   [p("(Ký, ghi rõ họ tên)", "center_italic"), p("(Ký, ghi rõ họ tên)", "center_italic")],
                   [Spacer(1, 18 * mm), Spacer(1, 18 * mm)],
                   [p("", "center"), p(right_name, "center_bold")]],
                  colWidths=[90 * mm, 90 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def receipt_pdf(dossier: Dossier, officer_name: str = "") -> bytes:
    """Form 1: receipt and appointment slip, with a QR code to the status page."""
    version = dossier.procedure_version
    story = _header(dossier, FORM_TITLES[1], 1)
    story += [pm(f"Mã hồ sơ: <b>{_e(dossier.code or '')}</b>", "center"), Spacer(1, 3 * mm)]
    story += [p(f"{dossier.receiving_unit.name} tiếp nhận hồ sơ của:")]
    story += _applicant(dossier)
    story += [pm(f"Nội dung yêu cầu giải quyết: <b>{_e(version.name)}</b>")]
    if dossier.request_summary:
        story.append(p(dossier.request_summary))
    story += [Spacer(1, 2 * mm), p("1. Thành phần hồ sơ và số lượng mỗi loại giấy tờ gồm:")]
    rows: list[list[Any]] = [["TT", "Tên giấy tờ", "Bản chính", "Bản sao"]]
    for i, paper in enumerate(dossier.papers.all(), start=1):
        rows.append([str(i), paper.name, str(paper.originals), str(paper.copies)])
    story.append(grid(rows, [12 * mm, 118 * mm, 25 * mm, 25 * mm]))
    register = getattr(dossier, "register_entry", None)
    story += [
        Spacer(1, 2 * mm),
        p(f"2. Số lượng hồ sơ: {version.sets} (bộ)"),
        p(f"3. Thời gian giải quyết hồ sơ theo quy định là: {version.duration.normalize()} "
          f"{version.get_duration_kind_display()}"),
        p(f"4. Thời gian nhận hồ sơ: {hm_date(dossier.received_at)}"),
        pm(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{hm_date(dossier.due_at)}</b>"),
        p(f"6. Nhận kết quả tại: {dossier.receiving_unit.name}"
          + (f", {dossier.receiving_unit.address}" if dossier.receiving_unit.address else "")),
        p(f"7. Phí, lệ phí: {vnd(dossier.fee_total) if dossier.fee_total else 'Không'}"),
        p(f"Vào Sổ theo dõi hồ sơ, số: {register.number}/{register.year}" if register else ""),
        Spacer(1, 3 * mm),
    ]
    qr_table = Table([[qr(lookup_url(dossier), 26), p(
        f"Quét mã để tra cứu tình trạng hồ sơ, hoặc truy cập {settings.PUBLIC_URL}/tra-cuu/ "
        "và nhập mã hồ sơ cùng số định danh.", "small")]], colWidths=[32 * mm, 148 * mm])
    qr_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story += [qr_table, Spacer(1, 4 * mm),
              _signatures("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", officer_name)]
    return build(story, title=f"Giấy tiếp nhận hồ sơ {dossier.code}")


def supplement_pdf(dossier: Dossier) -> bytes:
    """Form 2: what is missing, why, and whom to contact."""
    story = _header(dossier, FORM_TITLES[2], 2)
    story += _applicant(dossier)
    story.append(pm(f"Hồ sơ đề nghị giải quyết: <b>{_e(dossier.procedure_version.name)}</b>"))
    if dossier.code:
        story.append(p(f"Mã hồ sơ: {dossier.code}"))
    story.append(p("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"))
    for i, sup in enumerate(dossier.supplements.all(), start=1):
        story.append(p(f"{i}. {sup.missing}" + (f" — Lý do: {sup.reason}" if sup.reason else "")
                       + f" (ngày {vndate(sup.requested_at)})"))
    unit = dossier.receiving_unit
    story += [Spacer(1, 3 * mm),
              p(f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ {unit.name}"
                + (f", điện thoại {unit.phone}" if unit.phone else "") + " để được hướng dẫn."),
              Spacer(1, 4 * mm), _signatures("", "NGƯỜI HƯỚNG DẪN")]
    return build(story, title=f"Phiếu yêu cầu bổ sung {dossier.code or ''}")


def refusal_pdf(dossier: Dossier) -> bytes:
    """Form 3: refusal with the specific reason."""
    story = _header(dossier, FORM_TITLES[3], 3)
    story += _applicant(dossier)
    story += [pm(f"Hồ sơ đề nghị giải quyết: <b>{_e(dossier.procedure_version.name)}</b>"),
              p("Cơ quan, đơn vị từ chối tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"),
              pm(f"<b>{_e(dossier.refusal_reason)}</b>"),
              p("Xin thông báo để ông/bà được biết và thực hiện."),
              Spacer(1, 4 * mm), _signatures("", "NGƯỜI TIẾP NHẬN HỒ SƠ")]
    return build(story, title="Phiếu từ chối tiếp nhận giải quyết hồ sơ")


def apology_pdf(dossier: Dossier) -> bytes:
    """Form 4: apology and new date, signed by the head of the agency."""
    apology = dossier.apology
    story = _header(dossier, FORM_TITLES[4], 4)
    story += [p(f"{dossier.processing_agency.name} tiếp nhận hồ sơ của:")]
    story += _applicant(dossier)
    story += [p(f"Mã hồ sơ: {dossier.code}    Nội dung: {dossier.procedure_version.name}"),
              p(f"Thời gian hẹn trả kết quả: {hm_date(apology.old_due_at)}"),
              p(f"Đến nay, cơ quan chưa trả kết quả giải quyết hồ sơ với lý do: {apology.reason}"),
              p("Sự chậm trễ này đã gây phiền hà cho ông/bà. Chúng tôi xin lỗi ông/bà và hẹn lại:"),
              pm(f"Thời gian trả kết quả: <b>{hm_date(apology.new_due_at)}</b>"),
              p("Chúng tôi xin trân trọng cảm ơn sự hợp tác của ông/bà."), Spacer(1, 4 * mm),
              _signatures("", "THỦ TRƯỞNG CƠ QUAN", apology.signed_by.name)]
    return build(story, title=f"Phiếu xin lỗi {dossier.code}")


TIMELINESS_VI = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn", "": ""}


def control_pdf(dossier: Dossier) -> bytes:
    """Form 5: the handovers, one row each, with how each step fared."""
    story = _header(dossier, FORM_TITLES[5], 5)
    story += [p(f"(Kèm theo hồ sơ số: {dossier.code})", "center_italic"),
              p(f"Chủ hồ sơ: {dossier.applicant_name}    Thủ tục: {dossier.procedure_version.name}"),
              p(f"Ngày nhận: {hm_date(dossier.received_at)}    Hẹn trả: {hm_date(dossier.due_at)}"),
              Spacer(1, 2 * mm)]
    rows: list[list[Any]] = [["Tên cơ quan", "Thời gian giao, nhận hồ sơ", "Bên giao", "Bên nhận",
                              "Kết quả giải quyết (trước / đúng / quá hạn)", "Ghi chú"]]
    for h in control_rows(dossier):
        rows.append(h)
    story.append(grid(rows, [32 * mm, 32 * mm, 30 * mm, 30 * mm, 28 * mm, 28 * mm]))
    return build(story, title=f"Phiếu kiểm soát {dossier.code}")


def control_rows(dossier: Dossier) -> Iterable[list[str]]:
    for h in dossier.handovers.select_related("from_unit", "to_unit", "to_staff__user").order_by("sent_at", "pk"):
        sent = timezone.localtime(h.sent_at)
        to_text = f"{h.to_staff.name}\n{h.to_unit.name}" if h.to_staff else h.to_unit.name
        from_text = f"{h.from_name}\n{h.from_unit.name}" if h.from_name else h.from_unit.name
        yield [h.from_unit.name, f"{sent:%H:%M} ngày {sent:%d/%m/%Y}", from_text, to_text,
               TIMELINESS_VI.get(h.timeliness, ""), h.note]


def register_pdf(agency_name: str, rows: Iterable[Dossier], period: str) -> bytes:
    """Form 6: the register of dossiers of an agency for a period."""
    story = [national_header(agency_name, ""), Spacer(1, 4 * mm), p(FORM_TITLES[6], "title"),
             p(period, "center_italic"), Spacer(1, 3 * mm)]
    table: list[list[Any]] = [register_header()]
    table += [register_row(d) for d in rows]
    story.append(grid(table, [12 * mm, 34 * mm, 45 * mm, 35 * mm, 38 * mm, 30 * mm, 22 * mm, 22 * mm,
                              22 * mm, 22 * mm], font_size=7.5))
    return build(story, title="Sổ theo dõi hồ sơ", landscape_page=True,
                 margins_mm=(15, 10, 15, 10))


def register_header() -> list[str]:
    return ["Số TT", "Mã hồ sơ", "Tên TTHC", "Tên cá nhân, tổ chức", "Địa chỉ, số điện thoại",
            "Cơ quan chủ trì giải quyết", "Ngày, giờ nhận", "Ngày, giờ hẹn trả", "Ngày, giờ trả",
            "Hình thức trả / ký nhận"]


def register_row(d: Dossier) -> list[str]:
    def stamp(v: Any) -> str:
        return timezone.localtime(v).strftime("%H:%M %d/%m/%Y") if v else ""

    method = ReturnMethod(d.return_method).label if d.return_method else ""
    return [str(d.register_entry.number), d.code or "", d.procedure_version.name, d.applicant_name,
            f"{d.applicant_address} {d.applicant_phone}".strip(), d.processing_agency.name,
            stamp(d.received_at), stamp(d.due_at), stamp(d.returned_at),
            f"{method} {d.collected_by}".strip()]
