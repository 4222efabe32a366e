"""Demo calendar: the government's day swaps for civil servants in 2025 and 2026.

`holidays` 0.109 already knows these swaps; they are stored as overrides anyway so the facts
are visible and editable in the admin and survive a package release that drops them
(docs/calendar.md lists what the package gives and where each date comes from).
"""

from __future__ import annotations

import datetime as dt

from .models import CalendarOverride, OverrideKind
from .services import calendar_override_save

# Sources as we know them; the numbers are to be checked against the original notices
# (docs/calendar.md says what is verified).
NOTE_2025 = (
    "Thông báo của Bộ Lao động – Thương binh và Xã hội về lịch nghỉ Tết Ất Tỵ và dịp "
    "30/4, 1/5/2025 đối với cán bộ, công chức, viên chức (số 6150/TB-LĐTBXH ngày "
    "12/11/2024 — cần đối chiếu văn bản gốc)."
)
NOTE_2026 = (
    "Thông báo của Bộ Nội vụ về lịch nghỉ năm 2026 đối với cán bộ, công chức, viên chức "
    "(số hiệu văn bản chưa đối chiếu)."
)

SWAPS: list[tuple[dt.date, str, str, str]] = [
    (dt.date(2025, 4, 26), OverrideKind.WORKING_DAY, "Làm bù cho ngày nghỉ 2/5/2025", NOTE_2025),
    (
        dt.date(2025, 5, 2),
        OverrideKind.COMPENSATORY_DAY_OFF,
        "Nghỉ dịp 30/4 – 1/5/2025 (làm bù thứ Bảy 26/4/2025)",
        NOTE_2025,
    ),
    (dt.date(2026, 8, 22), OverrideKind.WORKING_DAY, "Làm bù cho ngày nghỉ 31/8/2026", NOTE_2026),
    (
        dt.date(2026, 8, 31),
        OverrideKind.COMPENSATORY_DAY_OFF,
        "Nghỉ dịp Quốc khánh 2/9/2026 (làm bù thứ Bảy 22/8/2026)",
        NOTE_2026,
    ),
]


def load(variant: str = "") -> str | None:
    """Create the nationwide swap days that are not there yet; running it twice adds nothing."""
    existing = set(
        CalendarOverride.objects.filter(unit__isnull=True).values_list("date", flat=True)
    )
    created = 0
    for day, kind, name, note in SWAPS:
        if day in existing:
            continue
        calendar_override_save(
            override=CalendarOverride(date=day, kind=kind, name=name, note=note), by=None
        )
        created += 1
    return f"Lịch làm việc: thêm {created} ngày nghỉ/làm bù." if created else None
