"""The first version of the deadline rule table (docs/feedback.md, "Deadline rules").

Values: forwarding within 05 working days is the decree's own figure (NĐ 20/2008/NĐ-CP, Art.
14, as amended by NĐ 92/2017/NĐ-CP; DOMAIN §7). The answer's 10 working days and the one
extension of 10 working days are the values this version uses for every kind: they could not be
checked against the decree's consolidated text when written (docs/feedback.md says so) and an
administrator corrects them by adding version 2, never by editing this one."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

FROM = dt.date(2017, 9, 22)  # NĐ 92/2017/NĐ-CP in force

RULES = [
    (
        "",
        "forward",
        "5",
        "Điều 14 Nghị định 20/2008/NĐ-CP, sửa đổi, bổ sung bởi Nghị định 92/2017/NĐ-CP: phản ánh, "
        "kiến nghị không thuộc thẩm quyền được chuyển đến cơ quan có thẩm quyền trong 05 ngày làm việc.",
    ),
    (
        "regulation",
        "answer",
        "10",
        "Nghị định 20/2008/NĐ-CP (sửa đổi bởi Nghị định 92/2017/NĐ-CP), xử lý phản ánh, kiến nghị "
        "về quy định hành chính: 10 ngày làm việc (giá trị phiên bản 1, cần đối chiếu văn bản hợp nhất).",
    ),
    (
        "question",
        "answer",
        "10",
        "Hỏi đáp về thủ tục, chính sách: không có thời hạn luật định riêng; áp dụng như phản ánh, "
        "kiến nghị (Nghị định 20/2008/NĐ-CP sửa đổi bởi Nghị định 92/2017/NĐ-CP) theo quy chế của đơn vị.",
    ),
    (
        "complaint",
        "answer",
        "10",
        "Phản ánh về việc giải quyết hồ sơ, thái độ cán bộ trong thực hiện cơ chế một cửa "
        "(Nghị định 118/2025/NĐ-CP thay thế Nghị định 61/2018/NĐ-CP): 10 ngày làm việc theo quy chế "
        "của đơn vị (phiên bản 1, cần đối chiếu). Khiếu nại theo Luật Khiếu nại không xử lý ở đây.",
    ),
    (
        "",
        "extension",
        "10",
        "Gia hạn một lần khi vụ việc phức tạp, cần lấy ý kiến cơ quan khác: thêm 10 ngày làm việc, "
        "ghi rõ lý do và báo người gửi (phiên bản 1, cần đối chiếu).",
    ),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("feedback", "DeadlineRule")
    for kind, stage, days, basis in RULES:
        DeadlineRule.objects.get_or_create(
            kind=kind,
            level="",
            stage=stage,
            version=1,
            defaults={"working_days": Decimal(days), "legal_basis": basis, "valid_from": FROM},
        )


def unseed(apps, schema_editor):
    apps.get_model("feedback", "DeadlineRule").objects.filter(version=1, level="").delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_cases_and_deadline_rules")]
    operations = [migrations.RunPython(seed, unseed)]
