"""Demo: last month's index counters of Thanh Xuân frozen as at its close, and the inputs CongSo
cannot count entered by the administrator with a (demo) source, so the index page shows every
origin: computed, entered and missing (PAKN until the feedback module reports)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from congso.org.demo import load_org_demo

from . import selectors, services
from .models import IndexCounter
from .periods import month_of

# (counter, value) for the district's last month, as read off the national portal's page.
ENTERED = [
    ("procedures_published", 4),
    ("procedures_published_on_time", 3),
    ("procedures_updated", 12),
    ("procedures_updated_on_time", 12),
    ("procedures_disclosed", 45),
    ("procedures_disclosed_full", 43),
    ("procedures_fee_online_configured", 18),
    ("finished_complained", 2),
]


def load(variant: str) -> str | None:
    org = load_org_demo()
    today = timezone.localdate()
    last = month_of(month_of(today).start.replace(day=1) - dt.timedelta(days=1))
    if IndexCounter.objects.filter(period=last.kind, start=last.start).exists():
        return "Số liệu chỉ số QĐ 766 mẫu đã có, không nạp lại."
    services.index_counters_record(agencies=selectors.agencies_under(org.district), period=last)
    admin = org.staff["quantri"]
    source = f"Số liệu mẫu: Cổng Dịch vụ công quốc gia, trang Chỉ số phục vụ, {today:%d/%m/%Y}"
    for key, value in ENTERED:
        services.index_counter_enter(
            by=admin, unit=org.district, period=last, key=key, value=value, source=source
        )
    return f"Đã chốt số liệu chỉ số QĐ 766 {last.label} và nhập {len(ENTERED)} chỉ tiêu mẫu."
