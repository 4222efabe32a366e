"""Demo feedback: a "Hỏi đáp" page on every portal site and cases of Nhân Chính ward and the
district driven through the real services with back-dated times (ADR 0035): answered and
published questions, a regulation feedback forwarded to a district department, an open
overdue one, a duplicate merged and one refused. Loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from congso.org.demo import load_org_demo
from congso.portal.models import HomePage

from . import actions, services
from .models import Case, Channel, Kind, QuestionsPage

# (kind, title, body, name, phone, answer or None, public question, public answer)
QUESTIONS = [
    (
        Kind.QUESTION,
        "Thời gian cấp bản sao trích lục khai sinh",
        "Tôi cần bản sao trích lục khai sinh cho con để nộp hồ sơ nhập học. Xin hỏi làm tại "
        "phường mất bao lâu và có làm trực tuyến được không?",
        "Lê Thị Thu Hà",
        "0983112233",
        "Bản sao trích lục khai sinh được cấp ngay trong ngày khi yêu cầu trước 15 giờ. Ông/bà "
        "có thể nộp trực tuyến trên Cổng Dịch vụ công và nhận bản điện tử.",
        "Cấp bản sao trích lục khai sinh tại phường mất bao lâu, có nộp trực tuyến được không?",
        "Bản sao trích lục khai sinh được cấp trong ngày nếu yêu cầu trước 15 giờ; có thể nộp "
        "trực tuyến trên Cổng Dịch vụ công và nhận bản điện tử.",
    ),
    (
        Kind.QUESTION,
        "Đăng ký tạm trú cho người thuê trọ",
        "Gia đình tôi thuê nhà ở ngõ 85 Hạ Đình. Chủ nhà hỏi có cần đăng ký tạm trú không và "
        "cần giấy tờ gì?",
        "Phạm Văn Khải",
        "0912778899",
        "Người đến ở thuê từ 30 ngày trở lên phải đăng ký tạm trú với Công an phường; hồ sơ gồm tờ "
        "khai thay đổi thông tin cư trú và hợp đồng thuê nhà có xác nhận của chủ nhà.",
        "Người thuê trọ có phải đăng ký tạm trú không và cần giấy tờ gì?",
        "Người đến ở thuê từ 30 ngày trở lên đăng ký tạm trú tại Công an phường; hồ sơ gồm tờ "
        "khai thay đổi thông tin cư trú và hợp đồng thuê nhà có xác nhận của chủ nhà.",
    ),
    (
        Kind.QUESTION,
        "Xác nhận tình trạng hôn nhân để mua nhà",
        "Tôi cần giấy xác nhận tình trạng hôn nhân để làm thủ tục vay mua nhà. Giấy có giá trị "
        "bao lâu và lệ phí bao nhiêu?",
        "Nguyễn Hoàng Nam",
        "0904556677",
        "Giấy xác nhận tình trạng hôn nhân có giá trị 6 tháng kể từ ngày cấp; lệ phí theo nghị "
        "quyết của HĐND thành phố, được niêm yết tại Bộ phận một cửa phường.",
        "Giấy xác nhận tình trạng hôn nhân có giá trị bao lâu, lệ phí thế nào?",
        "Giấy có giá trị 6 tháng kể từ ngày cấp; lệ phí theo nghị quyết của HĐND thành phố, "
        "niêm yết tại Bộ phận một cửa phường.",
    ),
]

LOCAL = dt.timezone(dt.timedelta(hours=7))


def _page(home: HomePage) -> None:
    if home.get_children().filter(slug="hoi-dap").exists():
        return
    page = QuestionsPage(slug="hoi-dap", title="Hỏi đáp", show_in_menus=True, live=False)
    home.add_child(instance=page)
    page.save_revision(log_action=False).publish(log_action=False)


def _received(agency: Any, at: dt.datetime, **kw: Any) -> Case:
    sub = services.Submission(agency=agency, consent_publish=True, **kw)
    case, code = services.case_submit(sub=sub, channel=Channel.PORTAL, at=at)
    return services.case_verify(reference=case.reference, code=code, at=at)


def load(variant: str = "") -> str | None:
    if variant == "two-tier":
        return None
    for home in HomePage.objects.all():
        _page(home)
    if Case.objects.exists():
        return "Phản ánh, kiến nghị mẫu đã có."
    org = load_org_demo()
    ward = org.wards["00343"]
    s = org.staff
    base = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) - dt.timedelta(
        days=40
    )
    for n, (kind, title, body, name, phone, answer, pq, pa) in enumerate(QUESTIONS):
        at = base + dt.timedelta(days=3 * n)
        case = _received(
            ward, at, kind=kind, title=title, body=body, sender_name=name, sender_phone=phone
        )
        later = at + dt.timedelta(days=2)
        case = actions.case_route(case=case, by=s["motcua.nc"], to_unit=ward, at=later)
        case = actions.case_draft(case=case, by=s["congchuc.nc"], answer=answer, at=later)
        case = actions.case_approve(
            case=case,
            by=s["lanhdao.nc"],
            publish=True,
            public_question=pq,
            public_answer=pa,
            redaction_confirmed=True,
            at=later + dt.timedelta(hours=3),
        )
        services.case_rate(case=case, rating="satisfied", at=later + dt.timedelta(days=1))
    # A regulation feedback forwarded to the district's urban management department, answered.
    reg = _received(
        ward,
        base + dt.timedelta(days=12),
        kind=Kind.REGULATION,
        title="Đề nghị đơn giản hóa hồ sơ cấp phép sửa chữa nhà ở riêng lẻ",
        body="Quy định yêu cầu bản vẽ hiện trạng do đơn vị tư vấn lập cả khi chỉ sửa mái, lát lại "
        "nền. Đề nghị cho phép hộ gia đình tự vẽ sơ đồ với các hạng mục nhỏ.",
        sender_name="Đỗ Minh Tuấn",
        sender_phone="0936221144",
    )
    reg = actions.case_forward(
        case=reg,
        by=s["motcua.nc"],
        to_unit=org.departments["QLĐT"],
        at=base + dt.timedelta(days=13),
    )
    reg = actions.case_draft(
        case=reg,
        by=s["chuyenvien.qldt"],
        answer="Sửa chữa, cải tạo bên trong nhà ở riêng lẻ không làm thay đổi kết cấu chịu lực, "
        "công năng và kiến trúc mặt ngoài thì được miễn giấy phép xây dựng; kiến nghị sửa quy "
        "định về bản vẽ hiện trạng đã được tổng hợp gửi Sở Xây dựng.",
        at=base + dt.timedelta(days=18),
    )
    actions.case_approve(
        case=reg,
        by=s["truongphong.qldt"],
        publish=True,
        public_question="Sửa chữa nhỏ nhà ở riêng lẻ có phải nộp bản vẽ hiện trạng do tư vấn lập không?",
        public_answer="Sửa chữa, cải tạo bên trong không làm thay đổi kết cấu chịu lực, công năng và "
        "kiến trúc mặt ngoài được miễn giấy phép xây dựng; kiến nghị đã được gửi Sở Xây dựng.",
        redaction_confirmed=True,
        at=base + dt.timedelta(days=19),
    )
    # Open and overdue at the ward; open and due soon at the district department.
    late = _received(
        ward,
        base + dt.timedelta(days=20),
        kind=Kind.QUESTION,
        title="Đèn chiếu sáng ngõ 214 Nguyễn Trãi hỏng nhiều ngày",
        body="Đèn chiếu sáng công cộng đầu ngõ 214 Nguyễn Trãi hỏng hơn hai tuần, buổi tối rất tối "
        "và nguy hiểm. Đề nghị phường kiểm tra, sửa chữa.",
        sender_name="Vương Thị Hạnh",
        sender_phone="0977334455",
    )
    actions.case_route(case=late, by=s["motcua.nc"], to_unit=ward, at=base + dt.timedelta(days=21))
    soon = _received(
        ward,
        timezone.localtime() - dt.timedelta(days=14),
        kind=Kind.REGULATION,
        title="Phí trông giữ xe đạp điện tại chợ Nhân Chính",
        body="Mức thu phí trông giữ xe đạp điện tại chợ cao hơn mức niêm yết của thành phố. Đề "
        "nghị kiểm tra và công khai mức thu đúng quy định.",
        sender_name="Hồ Quang Minh",
        sender_phone="0945667788",
    )
    actions.case_forward(
        case=soon,
        by=s["motcua.nc"],
        to_unit=org.departments["TCKH"],
        at=timezone.localtime() - dt.timedelta(days=13),
    )
    dup = _received(
        ward,
        base + dt.timedelta(days=22),
        kind=Kind.QUESTION,
        title="Đèn đường ngõ 214 Nguyễn Trãi không sáng",
        body="Đèn đường trong ngõ 214 Nguyễn Trãi không sáng đã lâu, đề nghị phường xử lý sớm.",
        sender_name="Tạ Văn Lực",
        sender_phone="0968990011",
    )
    actions.case_merge(
        case=dup, by=s["motcua.nc"], into_code=late.code or "", at=base + dt.timedelta(days=23)
    )
    spam = _received(
        ward,
        base + dt.timedelta(days=24),
        kind=Kind.QUESTION,
        title="Tranh chấp lối đi chung với nhà hàng xóm",
        body="Nhà hàng xóm xây lấn lối đi chung, đề nghị phường xử lý và bồi thường cho gia đình tôi.",
        sender_name="Chu Văn Bảo",
        sender_phone="0988123123",
    )
    actions.case_refuse(
        case=spam,
        by=s["motcua.nc"],
        ground="out_of_scope",
        reason="Tranh chấp dân sự về lối đi được hòa giải ở cơ sở hoặc giải quyết theo đơn khiếu "
        "nại, khởi kiện; phường đã hướng dẫn ông liên hệ tổ hòa giải.",
        at=base + dt.timedelta(days=25),
    )
    return "Đã nạp phản ánh, kiến nghị mẫu (phường Nhân Chính, Phòng QLĐT, Phòng TC-KH) và trang Hỏi đáp."
