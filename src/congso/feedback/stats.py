"""PAKN statistics per unit and period, for the feedback pages, the XLSX download and the
leaders' dashboard (issue 17), with the two QĐ 766 shares of the satisfaction group:
PAKN answered on time and PAKN satisfaction (docs/feedback.md, "Statistics").

Definitions (a case counts for the agency that received it):
- received: cases received in the period (by kind and by channel);
- answered on time / late: answered in the period, judged against the due time in force;
- open in time / overdue: open at the end of the period, by whether the due time passed;
- judged = answered on time + answered late + open cases whose due time fell in the period;
- on_time_rate = answered on time / judged;
- satisfaction_rate = (answered − answered and rated unsatisfied) / answered.
A rate whose denominator is 0 is None (no data), never 0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from congso.core.exports import xlsx_table
from congso.org.models import Unit

from .models import Case, Channel, Kind, Rating, Status
from .workflow import OPEN_STATUSES


@dataclass(frozen=True)
class PaknStats:
    unit_id: int | None
    start: dt.date
    end: dt.date
    received: int = 0
    received_by_kind: dict[str, int] = field(default_factory=dict)
    received_by_channel: dict[str, int] = field(default_factory=dict)
    answered_on_time: int = 0
    answered_late: int = 0
    open_in_time: int = 0
    open_overdue: int = 0
    overdue_in_period: int = 0
    forwarded_out: int = 0
    refused: int = 0
    rated: int = 0
    unsatisfied: int = 0

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late

    @property
    def judged(self) -> int:
        return self.answered + self.overdue_in_period

    @property
    def on_time_rate(self) -> Decimal | None:
        return _rate(self.answered_on_time, self.judged)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return _rate(self.answered - self.unsatisfied, self.answered)


def _rate(part: int, whole: int) -> Decimal | None:
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return lo, hi


def _base(unit: Unit | None, below: bool) -> QuerySet[Case]:
    qs = Case.objects.exclude(status=Status.PENDING)
    if unit is None:
        return qs
    return qs.filter(agency__path__startswith=unit.path) if below else qs.filter(agency=unit)


def _aggregate(
    qs: QuerySet[Case], start: dt.date, end: dt.date, now: dt.datetime
) -> dict[str, int]:
    lo, hi = _bounds(start, end)
    cut = min(hi, now)
    received = Q(received_at__gte=lo, received_at__lt=hi)
    answered = Q(answered_at__gte=lo, answered_at__lt=hi, status=Status.ANSWERED)
    open_at_end = Q(status__in=OPEN_STATUSES, received_at__lt=hi)
    spec: dict[str, Count] = {
        "received": Count("pk", filter=received),
        "answered_on_time": Count("pk", filter=answered & Q(answered_late=False)),
        "answered_late": Count("pk", filter=answered & Q(answered_late=True)),
        "open_in_time": Count("pk", filter=open_at_end & Q(due_at__gte=cut)),
        "open_overdue": Count("pk", filter=open_at_end & Q(due_at__lt=cut)),
        "overdue_in_period": Count(
            "pk", filter=Q(status__in=OPEN_STATUSES, due_at__gte=lo, due_at__lt=cut)
        ),
        "forwarded_out": Count("pk", filter=received & Q(status=Status.FORWARDED_OUT)),
        "refused": Count("pk", filter=received & Q(status=Status.REFUSED)),
        "rated": Count("pk", filter=answered & ~Q(rating="")),
        "unsatisfied": Count("pk", filter=answered & Q(rating=Rating.UNSATISFIED)),
    }
    for kind in Kind.values:
        spec[f"kind:{kind}"] = Count("pk", filter=received & Q(kind=kind))
    for channel in Channel.values:
        spec[f"channel:{channel}"] = Count("pk", filter=received & Q(channel=channel))
    return qs.aggregate(**spec)


def _stats(unit_id: int | None, start: dt.date, end: dt.date, row: dict[str, int]) -> PaknStats:
    return PaknStats(
        unit_id=unit_id,
        start=start,
        end=end,
        received_by_kind={k: row[f"kind:{k}"] for k in Kind.values},
        received_by_channel={c: row[f"channel:{c}"] for c in Channel.values},
        **{k: v for k, v in row.items() if ":" not in k},
    )


def pakn_stats(
    *,
    unit: Unit | None,
    start: dt.date,
    end: dt.date,
    below: bool = True,
    now: dt.datetime | None = None,
) -> PaknStats:
    """The PAKN figures of ``unit`` (with the units below it when ``below``) for the local
    dates ``start``..``end`` inclusive. One query."""
    row = _aggregate(_base(unit, below), start, end, now or timezone.now())
    return _stats(unit.pk if unit else None, start, end, row)


def pakn_stats_by_unit(
    units: Iterable[Unit], start: dt.date, end: dt.date, *, now: dt.datetime | None = None
) -> list[tuple[Unit, PaknStats]]:
    """``pakn_stats`` of each unit (its own cases and those below it)."""
    return [(u, pakn_stats(unit=u, start=start, end=end, now=now)) for u in units]


def _pct(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + " %"


HEADER = [
    "Đơn vị",
    "Tiếp nhận",
    "Hỏi đáp",
    "Quy định hành chính",
    "Việc giải quyết hồ sơ",
    "Trả lời đúng hạn",
    "Trả lời quá hạn",
    "Đang xử lý trong hạn",
    "Đang xử lý quá hạn",
    "Chuyển cơ quan ngoài",
    "Không tiếp nhận",
    "Không hài lòng",
    "Tỷ lệ đúng hạn",
    "Tỷ lệ hài lòng",
]


def table_row(unit: Unit, s: PaknStats) -> list[object]:
    k = s.received_by_kind
    return [
        unit.name,
        s.received,
        k.get(Kind.QUESTION, 0),
        k.get(Kind.REGULATION, 0),
        k.get(Kind.COMPLAINT, 0),
        s.answered_on_time,
        s.answered_late,
        s.open_in_time,
        s.open_overdue,
        s.forwarded_out,
        s.refused,
        s.unsatisfied,
        _pct(s.on_time_rate),
        _pct(s.satisfaction_rate),
    ]


def stats_xlsx(rows: list[tuple[Unit, PaknStats]], start: dt.date, end: dt.date) -> bytes:
    return xlsx_table(
        sheet="PAKN",
        widths=[36] + [12] * (len(HEADER) - 1),
        preamble=[
            ["THỐNG KÊ TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"],
            [f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"],
            [],
        ],
        header=HEADER,
        rows=[table_row(u, s) for u, s in rows],
    )
