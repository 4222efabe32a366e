"""Demo documents for UBND quận Thanh Xuân and UBND phường Nhân Chính: incoming letters at
every stage, outgoing documents signed and issued (some to the ward, which answers with status
packets), one sent outside as edXML, and a work-file plan. Built through the services, so the
audit trail, numbers and signatures are real. Loading twice creates nothing new."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from congso.core import pdf
from congso.org.demo import load_org_demo
from congso.signing.pins import has_pin, signer_pin_set
from congso.signing.services import ensure_demo_certificates

from . import services as s
from .kinds import document_kinds_ensure
from .models import DocumentKind, IncomingDocument, Secrecy, Urgency, WorkFile

DEMO_NOTE = "Dữ liệu mẫu"

INCOMING = [
    # (sender, number-symbol, kind abbreviation, abstract, urgency)
    (
        "UBND Thành phố Hà Nội",
        "125/KH-UBND",
        "KH",
        "Kế hoạch cải cách hành chính năm 2026 của Thành phố",
        Urgency.NORMAL,
    ),
    (
        "Sở Tư pháp Hà Nội",
        "2140/STP-HCTP",
        "",
        "Về việc hướng dẫn đăng ký hộ tịch trực tuyến toàn trình",
        Urgency.NORMAL,
    ),
    (
        "Sở Tài nguyên và Môi trường",
        "887/STNMT-ĐĐ",
        "",
        "Về việc rà soát hồ sơ cấp giấy chứng nhận quyền sử dụng đất tồn đọng",
        Urgency.URGENT,
    ),
    (
        "Sở Nội vụ Hà Nội",
        "45/TB-SNV",
        "TB",
        "Thông báo lịch nghỉ Tết Nguyên đán Bính Ngọ 2026 đối với cán bộ, công chức",
        Urgency.NORMAL,
    ),
    (
        "Công an quận Thanh Xuân",
        "312/CAQ-TM",
        "",
        "Về việc phối hợp bảo đảm an ninh trật tự dịp Quốc khánh 2/9",
        Urgency.VERY_URGENT,
    ),
    (
        "Sở Xây dựng Hà Nội",
        "1567/SXD-QLCL",
        "",
        "Về việc kiểm tra chất lượng công trình nhà ở riêng lẻ",
        Urgency.NORMAL,
    ),
    (
        "Ban Tuyên giáo Quận ủy",
        "78/HD-BTG",
        "HD",
        "Hướng dẫn tuyên truyền kỷ niệm ngày Chuyển đổi số quốc gia",
        Urgency.NORMAL,
    ),
    (
        "Sở Y tế Hà Nội",
        "3301/SYT-NVY",
        "",
        "Về việc tăng cường phòng chống dịch sốt xuất huyết mùa mưa",
        Urgency.FLASH,
    ),
    (
        "Sở Giáo dục và Đào tạo",
        "901/SGDĐT-KHTC",
        "",
        "Về việc tuyển sinh vào lớp 1 và lớp 6 năm học 2026-2027",
        Urgency.NORMAL,
    ),
    (
        "Bảo hiểm xã hội quận Thanh Xuân",
        "66/BHXH-TST",
        "",
        "Về việc đối chiếu danh sách tham gia bảo hiểm y tế hộ gia đình",
        Urgency.NORMAL,
    ),
    (
        "Sở Văn hóa và Thể thao",
        "54/GM-SVHTT",
        "GM",
        "Giấy mời dự hội nghị tổng kết phong trào toàn dân đoàn kết xây dựng đời sống văn hóa",
        Urgency.URGENT,
    ),
    (
        "Thanh tra Thành phố",
        "12/TTTP-P3",
        "",
        "Về việc báo cáo kết quả giải quyết khiếu nại, tố cáo quý III",
        Urgency.NORMAL,
    ),
    (
        "Sở Lao động - Thương binh và Xã hội",
        "1450/SLĐTBXH-BTXH",
        "",
        "Về việc chi trả trợ cấp xã hội hằng tháng qua tài khoản",
        Urgency.NORMAL,
    ),
    (
        "Cục Thuế Hà Nội",
        "7788/CTHN-TTHT",
        "",
        "Về việc hướng dẫn thủ tục hoàn thuế thu nhập cá nhân",
        Urgency.NORMAL,
    ),
]

OUTGOING = [
    # (drafting department, kind abbreviation, abstract, ward recipient?)
    ("VP", "KH", "Kế hoạch kiểm soát thủ tục hành chính năm 2026 trên địa bàn quận", True),
    ("TP", "", "Về việc triển khai đăng ký khai sinh trực tuyến tại các phường", True),
    ("QLĐT", "TB", "Thông báo kết luận kiểm tra trật tự xây dựng tháng 10", False),
    ("TNMT", "QĐ", "Quyết định kiện toàn Tổ công tác rà soát hồ sơ đất đai tồn đọng", True),
    ("VHTT", "GM", "Giấy mời họp triển khai Tháng hành động vì an toàn thực phẩm", True),
    ("TCKH", "BC", "Báo cáo tình hình thực hiện dự toán ngân sách 9 tháng đầu năm", False),
]

WORK_FILES = [
    ("01.VP", "Hồ sơ kiểm soát thủ tục hành chính năm 2026", None),
    ("02.VP", "Hồ sơ tiếp công dân, giải quyết khiếu nại năm 2026", 10),
    ("03.TP", "Hồ sơ hướng dẫn nghiệp vụ hộ tịch năm 2026", 10),
    ("04.QLĐT", "Hồ sơ kiểm tra trật tự xây dựng năm 2026", 20),
    ("05.TNMT", "Hồ sơ rà soát cấp giấy chứng nhận quyền sử dụng đất", None),
]


def _pdf(title: str) -> bytes:
    # A blank line under the heading for the number and date of issue (ô 3, ô 4).
    return pdf.build(
        [
            pdf.national_header("UBND quận Thanh Xuân", ""),
            Spacer(1, 12 * mm),
            pdf.p(title, "title"),
            pdf.p("Văn bản mẫu của hệ thống Công sở số."),
        ],
        title=title,
    )


# The demo leaders' signing PIN (docs/signing.md); real signers set their own.
DEMO_PIN = "246813"


def _demo_pin(user: object) -> str:
    if not has_pin(user):
        signer_pin_set(user=user, pin=DEMO_PIN)
    return DEMO_PIN


def load(variant: str = "") -> str | None:
    """Create the demo documents once; a second run finds the marker and adds nothing."""
    org = load_org_demo()
    district, ward = org.district, org.wards["00343"]
    if IncomingDocument.objects.filter(unit=district, note=DEMO_NOTE).exists():
        return None
    ensure_demo_certificates([district, ward])
    document_kinds_ensure()
    kinds = {k.abbreviation or k.name: k for k in DocumentKind.objects.all()}
    letter = kinds["Công văn"]
    clerk, leader = org.user("vanthu.tx"), org.user("lanhdao.tx")
    ward_clerk, ward_leader, ward_officer = (
        org.user("vanthu.nc"),
        org.user("lanhdao.nc"),
        org.user("congchuc.nc"),
    )
    departments = org.departments
    heads = {
        "TP": "truongphong.tp",
        "QLĐT": "truongphong.qldt",
        "TNMT": "truongphong.tnmt",
        "TCKH": "truongphong.tckh",
        "VHTT": "truongphong.vhtt",
        "VP": "truongphong.vp",
    }
    specialists = {
        "TP": "chuyenvien.tp",
        "QLĐT": "chuyenvien.qldt",
        "TNMT": "chuyenvien.tnmt",
        "TCKH": "chuyenvien.tckh",
        "VHTT": "chuyenvien.vhtt",
        "VP": "truongphong.vp",
    }
    now = timezone.now()
    with transaction.atomic():
        files = {}
        for code, title, retention in WORK_FILES:
            files[code] = WorkFile.objects.filter(
                unit=district, year=now.year, code=code
            ).first() or s.work_file_create(
                by=clerk,
                unit=district,
                year=now.year,
                code=code,
                title=title,
                retention_years=retention,
                started_on=dt.date(now.year, 1, 5),
            )
        incoming = []
        dept_cycle = ["TP", "TNMT", "VP", "QLĐT", "VHTT", "TCKH"]
        for i, (sender, symbol, kind_abbr, abstract, urgency) in enumerate(INCOMING):
            received = now - dt.timedelta(days=40 - i * 3, hours=i)
            doc = s.incoming_register(
                by=clerk,
                unit=district,
                sender_name=sender,
                number_symbol=symbol,
                kind=kinds[kind_abbr] if kind_abbr else letter,
                abstract=abstract,
                urgency=urgency,
                document_date=(received - dt.timedelta(days=2)).date(),
                received_at=received,
                files=[s.Upload("ban-quet.pdf", _pdf(abstract), "application/pdf")],
                note=DEMO_NOTE,
                secrecy=Secrecy.CONFIDENTIAL if i == 11 else Secrecy.NORMAL,
            )
            incoming.append(doc)
            stage = i % 5
            if stage == 0:
                continue  # just registered
            s.incoming_present(doc=doc, by=clerk, leader=leader)
            if stage == 1:
                continue
            dept = dept_cycle[i % len(dept_cycle)]
            s.incoming_direct(
                doc=doc,
                by=leader,
                instruction=f"Giao {departments[dept].name} chủ trì, tham mưu trả lời.",
                receiver=org.user(heads[dept]),
                lead_unit=departments[dept],
                supporting_units=[departments["VP"]] if dept != "VP" else [],
                deadline_days=5 if stage != 2 else 1,
            )
            if stage == 2:
                continue
            s.incoming_progress(
                doc=doc,
                by=org.user(specialists[dept]),
                text="Đang tổng hợp, dự thảo văn bản trả lời.",
            )
            if stage == 4:
                s.incoming_complete(
                    doc=doc, by=org.user(heads[dept]), text="Đã báo cáo, trả lời đơn vị gửi."
                )
                s.work_file_add(
                    wf=files["01.VP" if dept == "VP" else "02.VP"], by=clerk, incoming=doc
                )
        for j, (dept, kind_abbr, abstract, to_ward) in enumerate(OUTGOING):
            drafter = org.user(specialists[dept])
            out = s.outgoing_create_draft(
                by=drafter,
                drafting_unit=departments[dept],
                kind=kinds[kind_abbr] if kind_abbr else letter,
                abstract=abstract,
                signer=leader,
                signer_position="Phó Chủ tịch UBND quận",
                draft=s.Upload("du-thao.pdf", _pdf(abstract), "application/pdf"),
                reviewers=[org.user(heads[dept])] if dept != "VP" else [],
                copies=2,
                keeping_unit="Văn phòng HĐND và UBND quận",
            )
            s.outgoing_submit_review(doc=out, by=drafter)
            if dept != "VP":
                s.outgoing_approve(doc=out, by=org.user(heads[dept]), note="Đồng ý trình ký.")
            if j == len(OUTGOING) - 1:
                continue  # left approved, waiting for the signature
            s.outgoing_sign(doc=out, by=leader, pin=_demo_pin(leader))
            units = [ward, org.wards["00352"]] if to_ward else []
            external = [] if to_ward else [s.ExternalRecipient("Sở Tài chính Hà Nội", "G01.12")]
            s.outgoing_issue(doc=out, by=clerk, units=units, external=external)
            if to_ward and j % 2 == 0:
                copy = IncomingDocument.objects.get(source__outgoing=out, unit=ward)
                s.incoming_present(doc=copy, by=ward_clerk, leader=ward_leader)
                s.incoming_direct(
                    doc=copy,
                    by=ward_leader,
                    instruction="Giao công chức Tư pháp - Hộ tịch thực hiện.",
                    receiver=ward_officer,
                    deadline_days=3,
                )
                s.incoming_progress(doc=copy, by=ward_officer, text="Đang triển khai tại phường.")
                if j == 0:
                    s.incoming_complete(doc=copy, by=ward_officer, text="Đã triển khai xong.")
        # A ward document sent up to the district, answered by the district.
        up = s.outgoing_create_draft(
            by=ward_officer,
            drafting_unit=ward,
            kind=kinds["BC"],
            abstract="Báo cáo kết quả đăng ký khai sinh trực tuyến tại phường Nhân Chính",
            signer=ward_leader,
            draft=s.Upload("bao-cao.pdf", _pdf("Báo cáo phường Nhân Chính"), "application/pdf"),
        )
        s.outgoing_submit_review(doc=up, by=ward_officer)
        s.outgoing_sign(doc=up, by=ward_leader, pin=_demo_pin(ward_leader))
        s.outgoing_issue(doc=up, by=ward_clerk, units=[district])
    count = IncomingDocument.objects.filter(unit__in=[district, ward]).count()
    return (
        f"Đã nạp văn bản mẫu: {count} văn bản đến, {len(OUTGOING) + 1} văn bản đi, "
        f"{len(WORK_FILES)} hồ sơ công việc."
    )
