"""Biên lai thu phí, lệ phí điện tử (the receipt of an online payment) as PDF."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.lib.units import mm

from congso.core import limits, pdf
from congso.core.templatetags.congso import vnd

from .models import Payment


def receipt_pdf(payment: Payment) -> bytes:
    agency = payment.unit.agency() if payment.unit else None
    line1 = agency.parent.name.upper() if agency and agency.parent else "CÔNG SỞ SỐ"
    line2 = agency.name.upper() if agency else ""
    paid_at = timezone.localtime(payment.paid_at) if payment.paid_at else None
    rows = [
        ["Nội dung", "Thông tin"],
        ["Mã giao dịch", payment.order_ref],
        ["Mã giao dịch tại cổng thanh toán", payment.provider_txn or "—"],
        ["Người nộp tiền", payment.payer.get_full_name()],
        ["Nội dung thu", payment.description],
        ["Số tiền", vnd(payment.amount)],
        ["Hình thức", "Thanh toán trực tuyến qua cổng thanh toán"],
        ["Ngân hàng", payment.bank_code or "—"],
        ["Thời điểm thanh toán", paid_at.strftime("%H:%M ngày %d/%m/%Y") if paid_at else "—"],
    ]
    flowables = [
        pdf.national_header(line1, line2),
        pdf.p("BIÊN LAI THU PHÍ, LỆ PHÍ", "title"),
        pdf.p("(Thanh toán trực tuyến)", "center"),
        pdf.grid(rows, [60 * mm, 110 * mm]),
        pdf.p(" "),
        pdf.p("Biên lai được tạo tự động sau khi cổng thanh toán xác nhận giao dịch thành công."),
        pdf.qr(
            f"{settings.PUBLIC_URL}/dich-vu-cong/thanh-toan/{payment.order_ref}/bien-lai.pdf", 24
        ),
    ]
    return pdf.build(flowables, title=f"Biên lai {payment.order_ref}")


def result_notice_pdf(dossier: Any) -> bytes:
    """A result notice when the desk recorded the result without a PDF file."""
    agency = dossier.processing_agency
    parent = agency.parent.name if agency.parent else ""
    rows = [
        ["Nội dung", "Thông tin"],
        ["Mã hồ sơ", dossier.code or ""],
        ["Thủ tục", dossier.procedure_version.name],
        ["Chủ hồ sơ", dossier.applicant_name],
        ["Số, ký hiệu kết quả", dossier.result_number or "—"],
    ]
    summary = dossier.result_summary or "—"
    # A table row cannot break across pages: a summary longer than a cell is printed below.
    long_summary = len(summary) > pdf.CELL_MAX
    rows.append(["Kết quả giải quyết", "(xem dưới bảng)" if long_summary else summary])
    flowables = [
        pdf.national_header(parent, agency.name),
        pdf.p("THÔNG BÁO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "title"),
        pdf.grid(rows, [55 * mm, 115 * mm]),
        pdf.p(" "),
    ]
    if long_summary:
        flowables += [
            pdf.p("Kết quả giải quyết:", "center_bold"),
            pdf.p(summary, limit=limits.REVIEW),
        ]
    flowables += [
        pdf.p("Văn bản điện tử được ký số bởi cơ quan giải quyết."),
    ]
    return pdf.build(flowables, title=f"Kết quả hồ sơ {dossier.code or dossier.pk}")
