"""The 29 kinds of administrative documents of NĐ 30/2020 (Phụ lục III) with abbreviations."""

from django.db import migrations

KINDS = [
    ("Nghị quyết (cá biệt)", "NQ"), ("Quyết định (cá biệt)", "QĐ"), ("Chỉ thị", "CT"),
    ("Quy chế", "QC"), ("Quy định", "QyĐ"), ("Thông cáo", "TC"), ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"), ("Chương trình", "CTr"), ("Kế hoạch", "KH"), ("Phương án", "PA"),
    ("Đề án", "ĐA"), ("Dự án", "DA"), ("Báo cáo", "BC"), ("Biên bản", "BB"), ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"), ("Công văn", ""), ("Công điện", "CĐ"), ("Bản ghi nhớ", "GN"),
    ("Bản thỏa thuận", "TTh"), ("Giấy ủy quyền", "GUQ"), ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"), ("Giấy nghỉ phép", "NP"), ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"), ("Phiếu báo", "PB"), ("Thư công", ""),
]


def load(apps, schema_editor):
    DocumentKind = apps.get_model("documents", "DocumentKind")
    for order, (name, abbreviation) in enumerate(KINDS, start=1):
        DocumentKind.objects.update_or_create(name=name, defaults={"order": order,
                                                                   "abbreviation": abbreviation})


def unload(apps, schema_editor):
    apps.get_model("documents", "DocumentKind").objects.filter(name__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_documents_registers_exchange_work_files")]
    operations = [migrations.RunPython(load, unload)]
