"""The 29 kinds of administrative documents of NĐ 30/2020 (Phụ lục III) with abbreviations.

Loaded by migration 0002; ``document_kinds_ensure()`` puts back any that are missing (test
databases flushed between transactional tests lose migration data)."""

from __future__ import annotations

KINDS = [
    ("Nghị quyết (cá biệt)", "NQ"),
    ("Quyết định (cá biệt)", "QĐ"),
    ("Chỉ thị", "CT"),
    ("Quy chế", "QC"),
    ("Quy định", "QyĐ"),
    ("Thông cáo", "TC"),
    ("Thông báo", "TB"),
    ("Hướng dẫn", "HD"),
    ("Chương trình", "CTr"),
    ("Kế hoạch", "KH"),
    ("Phương án", "PA"),
    ("Đề án", "ĐA"),
    ("Dự án", "DA"),
    ("Báo cáo", "BC"),
    ("Biên bản", "BB"),
    ("Tờ trình", "TTr"),
    ("Hợp đồng", "HĐ"),
    ("Công văn", ""),
    ("Công điện", "CĐ"),
    ("Bản ghi nhớ", "GN"),
    ("Bản thỏa thuận", "TTh"),
    ("Giấy ủy quyền", "GUQ"),
    ("Giấy mời", "GM"),
    ("Giấy giới thiệu", "GGT"),
    ("Giấy nghỉ phép", "NP"),
    ("Phiếu gửi", "PG"),
    ("Phiếu chuyển", "PC"),
    ("Phiếu báo", "PB"),
    ("Thư công", ""),
]


def document_kinds_ensure() -> int:
    """Create the kinds that are missing; returns how many were created. Idempotent."""
    from .models import DocumentKind

    existing = set(DocumentKind.objects.values_list("name", flat=True))
    missing = [
        DocumentKind(name=name, abbreviation=abbreviation, order=order)
        for order, (name, abbreviation) in enumerate(KINDS, start=1)
        if name not in existing
    ]
    DocumentKind.objects.bulk_create(missing)
    return len(missing)
