"""State changes of the index: freezing a period's computed counters, and an administrator's
entry of a counter CongSo cannot know (with its source). Each checks the permission policy,
runs in one transaction and writes an audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.org import policy
from congso.org.models import Staff, Unit

from . import counters
from .models import CounterOrigin, IndexCounter
from .periods import Period

SOURCE_MAX = 300


def _store(
    unit: Unit,
    period: Period,
    values: dict[str, int],
    origin: str,
    at: dt.datetime,
    *,
    source: str = "",
    by: Staff | None = None,
) -> None:
    for key, value in values.items():
        IndexCounter.objects.update_or_create(
            unit=unit,
            period=period.kind,
            start=period.start,
            key=key,
            defaults={
                "value": value,
                "origin": origin,
                "source": source,
                "entered_by": by,
                "recorded_at": at,
            },
        )


@transaction.atomic
def index_counters_record(
    *, agencies: list[Unit], period: Period, now: dt.datetime | None = None
) -> int:
    """Count the COMPUTED counters of each agency for a closed period and store them: from
    then on the period's index reads what was counted at its close (the national reporting's
    rule), not a recount of data changed since. A period still running is refused. Called by
    the monthly task and ``manage.py index766_record``; returns the rows written."""
    now = now or timezone.now()
    if not period.is_closed(timezone.localdate(now)):
        raise ValidationError(
            _("Kỳ %(p)s chưa kết thúc, chưa thể chốt số liệu.") % {"p": period.label}
        )
    computed = counters.compute(agencies, period, now=now)
    by_pk = {a.pk: a for a in agencies}
    for pk, values in computed.items():
        _store(by_pk[pk], period, values, CounterOrigin.COMPUTED, now)
    audit_record(
        actor=None,
        action="index766.record",
        data={"period": period.code, "agencies": sorted(by_pk)},
    )
    return sum(len(v) for v in computed.values())


@transaction.atomic
def index_counter_enter(
    *, by: Staff, unit: Unit, period: Period, key: str, value: Any, source: str
) -> IndexCounter:
    """An administrator enters a counter CongSo cannot count itself (national-portal facts,
    PAKN handled outside CongSo), with where the figure comes from. A counter CongSo counts is
    refused: its value is the dossiers' own."""
    policy.ensure(by.user, "index766.enter", unit)
    counter = counters.COUNTER_BY_KEY.get(key)
    if counter is None or key not in counters.ENTERABLE_KEYS:
        raise ValidationError(
            {"key": _("Chỉ tiêu này do CongSo tự tính từ hồ sơ, không nhập tay được.")}
        )
    try:
        number = int(str(value).strip())
    except ValueError:
        number = -1
    if number < 0 or number > 10_000_000:
        raise ValidationError({"value": _("Giá trị phải là số nguyên không âm.")})
    source = (source or "").strip()
    if not source:
        raise ValidationError(
            {"source": _("Cần ghi rõ nguồn số liệu (văn bản, trang Cổng DVC quốc gia, ngày lấy).")}
        )
    if len(source) > SOURCE_MAX:
        raise ValidationError({"source": _("Nguồn số liệu dài quá 300 ký tự.")})
    at = timezone.now()
    _store(unit, period, {key: number}, CounterOrigin.ENTERED, at, source=source, by=by)
    row = IndexCounter.objects.get(unit=unit, period=period.kind, start=period.start, key=key)
    audit_record(
        actor=by.user,
        action="index766.enter",
        target=row,
        unit=unit.pk,
        data={"period": period.code, "key": key, "value": number, "source": source},
    )
    return row
