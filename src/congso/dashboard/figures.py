"""The dashboard's figures for a unit, a period and filters: each figure is a condition of
``congso.dossiers.stats`` (the desk's statistics and DASHBOARD_FIGURES), counted per deciding
agency in one grouped query, the monthly trend in one more, the alerts in three. The list
behind a number is ``stats.figure_dossiers`` with the same filters, so they cannot drift."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from congso.calendar.services import MAX_YEAR, MIN_YEAR
from congso.dossiers import deadlines, stats
from congso.dossiers.models import Channel, Dossier, Handover
from congso.dossiers.workflow import OPEN_STATUSES
from congso.org.models import Unit
from congso.procedures.models import Level

# The dashboard's columns, in order (every one a figure of stats.FIGURE_BY_KEY).
KEYS = [
    "backlog",
    "received",
    "received_counter",
    "received_online",
    "received_post",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "in_progress",
    "progress_not_due",
    "progress_soon",
    "progress_late",
    "returned",
    "supplemented",
    "refused",
    "apologised",
    "paid_online",
    "rated",
    "unsatisfied",
]
PRESETS = [
    ("ngay", _("Hôm nay")),
    ("tuan", _("Tuần này")),
    ("thang", _("Tháng này")),
    ("quy", _("Quý này")),
    ("6thang", _("6 tháng đầu năm")),
    ("9thang", _("9 tháng đầu năm")),
    ("nam", _("Năm nay")),
]


def preset_period(key: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """[from, to] of a named period containing ``today`` (6 and 9 months: from 1 January, as
    the periodic reports count)."""
    year_start = today.replace(month=1, day=1)
    if key == "ngay":
        return today, today
    if key == "tuan":
        return today - dt.timedelta(days=today.weekday()), today
    if key == "thang":
        return today.replace(day=1), today
    if key == "quy":
        return today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1), today
    if key == "6thang":
        return year_start, dt.date(today.year, 6, 30)
    if key == "9thang":
        return year_start, dt.date(today.year, 9, 30)
    if key == "nam":
        return year_start, dt.date(today.year, 12, 31)
    return None


def period(params: Mapping[str, Any], today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A named period (``ky``) or ``tu``/``den`` (the desk's rule: reversed is refused)."""
    today = today or timezone.localdate()
    named = preset_period(str(params.get("ky") or ""), today)
    if named is not None and not params.get("tu") and not params.get("den"):
        return named
    start, end = stats.period(params, today)
    first, last = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 30)
    return max(start, first), min(end, last)


@dataclass(frozen=True)
class Filters:
    field: int | None = None
    procedure: int | None = None
    channel: int | None = None
    level: str = ""
    handler: int | None = None  # the alerts' rows: one officer's, one unit's open work
    handling_unit: int | None = None
    # A department's dashboard: the dossiers it holds or that were handed to it (path prefix).
    within: str = ""

    def condition(self) -> Q:
        q = Q()
        if self.within:
            passed = Handover.objects.filter(
                dossier=OuterRef("pk"), to_unit__path__startswith=self.within
            )
            q &= Q(handling_unit__path__startswith=self.within) | Q(Exists(passed))
        if self.handler:
            q &= Q(handler_id=self.handler)
        if self.handling_unit:
            q &= Q(handling_unit_id=self.handling_unit)
        if self.field:
            q &= Q(procedure_version__procedure__field_id=self.field)
        if self.procedure:
            q &= Q(procedure_version__procedure_id=self.procedure)
        if self.channel:
            q &= Q(channel=self.channel)
        if self.level:
            q &= Q(procedure_version__procedure__level=self.level)
        return q

    def params(self) -> dict[str, str]:
        out = {}
        if self.field:
            out["linh_vuc"] = str(self.field)
        if self.procedure:
            out["thu_tuc"] = str(self.procedure)
        if self.channel:
            out["kenh"] = str(self.channel)
        if self.level:
            out["cap"] = self.level
        if self.handler:
            out["can_bo"] = str(self.handler)
        if self.handling_unit:
            out["xu_ly"] = str(self.handling_unit)
        return out


def _int(value: Any, what: str) -> int | None:
    value = str(value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_g("%(what)s không hợp lệ.") % {"what": what})
    return int(value)


def filters(params: Mapping[str, Any], unit: Unit | None = None) -> Filters:
    """The page's filters; a department's page is narrowed to its own dossiers."""
    channel = _int(params.get("kenh"), _g("Kênh nộp"))
    if channel is not None and channel not in Channel.values:
        raise ValidationError(_g("Kênh nộp không hợp lệ."))
    level = str(params.get("cap") or "").strip()
    if level and level not in Level.values:
        raise ValidationError(_g("Cấp thực hiện không hợp lệ."))
    return Filters(
        field=_int(params.get("linh_vuc"), _g("Lĩnh vực")),
        procedure=_int(params.get("thu_tuc"), _g("Thủ tục")),
        channel=channel,
        level=level,
        handler=_int(params.get("can_bo"), _g("Cán bộ")),
        handling_unit=_int(params.get("xu_ly"), _g("Đơn vị xử lý")),
        within=unit.path if unit is not None and not unit.is_agency else "",
    )


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def window(agencies: list[Unit], start: dt.date, end: dt.date) -> stats.Window:
    """As the desk's page: the period as moments, 'nearly late' in the first agency's time."""
    return stats.window(aware(start), aware(end + dt.timedelta(days=1)), calendar_unit=agencies[0])


def all_conditions(w: stats.Window) -> dict[str, Q]:
    return {**stats.conditions(w), **stats.more_conditions(w)}


def _base(agencies: list[Unit], f: Filters) -> QuerySet[Dossier]:
    return Dossier.objects.filter(
        received_at__isnull=False, processing_agency__in=[a.pk for a in agencies]
    ).filter(f.condition())


def table(agencies: list[Unit], w: stats.Window, f: Filters) -> list[dict[str, Any]]:
    """One row per agency with every figure, the rates and the mean processing time."""
    cond = all_conditions(w)
    took = ExpressionWrapper(F("finished_at") - F("received_at"), output_field=DurationField())
    rows = (
        _base(agencies, f)
        .filter(cond["to_handle"] | cond["in_progress"] | cond["returned"] | cond["supplemented"])
        .values("processing_agency")
        .annotate(
            **{k: Count("pk", filter=cond[k]) for k in KEYS},
            mean_took=Avg(took, filter=cond["finished"]),
            mean_legal=Avg("procedure_version__duration", filter=cond["finished"]),
        )
        .order_by()
    )
    by_agency: dict[int, dict[str, Any]] = {r["processing_agency"]: dict(r) for r in rows}
    out = []
    for agency in agencies:
        row: dict[str, Any] = by_agency.get(agency.pk, {})
        item: dict[str, Any] = {
            "unit_id": agency.pk,
            "unit": agency.name,
            **{k: row.get(k, 0) for k in KEYS},
        }
        took_value = row.get("mean_took")
        item["mean_days"] = round(took_value.total_seconds() / 86400, 1) if took_value else None
        legal = row.get("mean_legal")
        item["mean_legal_days"] = round(float(legal), 1) if legal is not None else None
        out.append(_rates(item))
    return out


def _rates(item: dict[str, Any]) -> dict[str, Any]:
    judged = item["finished"] + item["progress_late"]
    good = item["finished_early"] + item["finished_on_time"]
    item["on_time_rate"] = round(100 * good / judged, 1) if judged else None
    received = item["received"]
    item["online_rate"] = round(100 * item["received_online"] / received, 1) if received else None
    return item


def total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    item: dict[str, Any] = {"unit_id": None, "unit": _g("Tổng cộng")}
    for k in KEYS:
        item[k] = sum(r[k] for r in rows)
    item["mean_days"] = None
    item["mean_legal_days"] = None
    return _rates(item)


def trend(agencies: list[Unit], w: stats.Window, f: Filters) -> list[dict[str, Any]]:
    """Per month of the period: received, finished on time or early, finished late."""
    tz = timezone.get_current_timezone()
    cond = all_conditions(w)
    received = (
        _base(agencies, f)
        .filter(cond["received"])
        .annotate(month=TruncMonth("received_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    finished = (
        _base(agencies, f)
        .filter(cond["finished"])
        .annotate(month=TruncMonth("finished_at", tzinfo=tz))
        .values("month")
        .annotate(
            good=Count("pk", filter=cond["finished_early"] | cond["finished_on_time"]),
            late=Count("pk", filter=cond["finished_late"]),
        )
        .order_by("month")
    )
    months: dict[str, dict[str, Any]] = {}
    for rr in received:
        r: dict[str, Any] = dict(rr)
        key = f"{r['month']:%m/%Y}"
        months.setdefault(key, {"month": key, "received": 0, "good": 0, "late": 0})
        months[key]["received"] = r["n"]
    for rf in finished:
        r = dict(rf)
        key = f"{r['month']:%m/%Y}"
        months.setdefault(key, {"month": key, "received": 0, "good": 0, "late": 0})
        months[key]["good"], months[key]["late"] = r["good"], r["late"]
    return sorted(months.values(), key=lambda m: (m["month"][3:], m["month"][:2]))


ALERT_ROWS = 10


def _dicts(rows: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in rows]


def alerts(agencies: list[Unit], f: Filters, now: dt.datetime | None = None) -> dict[str, Any]:
    """Open dossiers overdue or due within one working day, by unit and by officer; the
    officers with the most overdue work; the procedures with the worst on-time rate this
    year. Judged now (alerts are about today, whatever the period)."""
    now = now or timezone.now()
    soon = deadlines.one_working_day_from(agencies[0], now)
    open_ = _base(agencies, f).filter(status__in=OPEN_STATUSES, due_at__isnull=False)
    late, due_soon = Q(due_at__lt=now), Q(due_at__gte=now, due_at__lt=soon)
    by_unit: list[dict[str, Any]] = _dicts(
        open_.filter(late | due_soon)
        .values("handling_unit", "handling_unit__name")
        .annotate(late=Count("pk", filter=late), soon=Count("pk", filter=due_soon))
        .order_by("-late", "-soon", "handling_unit__name")[:ALERT_ROWS]
    )
    by_officer: list[dict[str, Any]] = _dicts(
        open_.filter(late | due_soon, handler__isnull=False)
        .values("handler", "handler__user__full_name")
        .annotate(late=Count("pk", filter=late), soon=Count("pk", filter=due_soon))
        .order_by("-late", "-soon", "handler")[:ALERT_ROWS]
    )
    year = aware(now.date().replace(month=1, day=1))
    worst: list[dict[str, Any]] = _dicts(
        _base(agencies, f)
        .filter(finished_at__gte=year, finished_at__lt=now)
        .values("procedure_version__procedure", "procedure_version__procedure__name")
        .annotate(
            finished=Count("pk"),
            late=Count("pk", filter=Q(timeliness="late")),
        )
        .filter(late__gt=0)
        .order_by("-late", "finished")[: ALERT_ROWS * 3]
    )
    for w in worst:
        w["on_time_rate"] = round(100 * (w["finished"] - w["late"]) / w["finished"], 1)
    worst.sort(key=lambda w: (w["on_time_rate"], -w["finished"]))
    for o in by_officer:
        o["name"] = o["handler__user__full_name"]
    return {
        "now": now,
        "soon": soon,
        "by_unit": by_unit,
        "by_officer": by_officer,
        "worst": worst[:ALERT_ROWS],
    }


def dossiers(
    visible: QuerySet[Dossier], agencies: list[Unit], key: str, w: stats.Window, f: Filters
) -> QuerySet[Dossier]:
    """The dossiers behind one figure (the desk's figure_dossiers) with the page's filters."""
    return stats.figure_dossiers(visible, agencies, key, w).filter(f.condition())
