"""Deadlines of feedback cases from the versioned rule table (``DeadlineRule``), counted by the
working calendar (congso.calendar): one place for "which rule applies" and "when is it due,
and how was that computed" (shown to officers with the case)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from congso.calendar import services as cal
from congso.org.models import Unit, UnitKind

from .models import DeadlineRule, Stage

LEVEL_KINDS = {UnitKind.WARD, UnitKind.DISTRICT, UnitKind.PROVINCE}
DUE_SOON_DAYS = Decimal(2)  # open cases with less than this many working days left


class NoRule(LookupError):
    pass


def level_of(agency: Unit) -> str:
    """The level a rule is chosen by: the agency's kind (ward, district, province), else ''."""
    kind = agency.agency().kind
    return str(kind) if kind in LEVEL_KINDS else ""


def rule_for(kind: str, agency: Unit, stage: str, on: dt.date) -> DeadlineRule:
    """The rule in force on ``on`` for a case of ``kind`` at ``agency``'s level: the most
    specific row (exact kind before any kind, exact level before any level), and of those the
    latest version already applying on that day."""
    level = level_of(agency)
    rows = list(
        DeadlineRule.objects.filter(
            Q(kind=kind) | Q(kind=""),
            Q(level=level) | Q(level=""),
            stage=stage,
            valid_from__lte=on,
        )
    )
    if not rows:
        raise NoRule(f"no {stage} rule for {kind} at level {level!r} on {on}")
    rows.sort(key=lambda r: (r.kind == kind, r.level == level, r.valid_from, r.version))
    return rows[-1]


@dataclass(frozen=True)
class Due:
    at: dt.datetime
    rule: DeadlineRule
    basis: dict[str, Any]


def _local(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y H:i")


def _days_off(unit: Unit, start: dt.datetime, end: dt.datetime) -> list[str]:
    """Weekdays between start and end that are not working days (holidays, days off), to say
    why a due date lies further than it seems."""
    out: list[str] = []
    day = timezone.localdate(start)
    last = timezone.localdate(end)
    while day <= last and len(out) < 40:
        if day.weekday() < 5 and not cal.is_working_day(unit, day):
            out.append(day.strftime("%d/%m/%Y"))
        day += dt.timedelta(days=1)
    return out


def _text(
    rule: DeadlineRule, start: dt.datetime, counted: dt.datetime, due: dt.datetime, off: list[str]
) -> str:
    text = _(
        "%(days)s ngày làm việc theo quy tắc “%(stage)s” phiên bản %(version)s (%(basis)s), "
        "tính từ %(start)s"
    ) % {
        "days": _fmt_days(rule.working_days),
        "stage": rule.get_stage_display(),
        "version": rule.version,
        "basis": rule.legal_basis,
        "start": _local(start),
    }
    if counted != start:
        text += _(" (bắt đầu tính từ %(counted)s: sau 15 giờ hoặc ngoài giờ làm việc)") % {
            "counted": _local(counted)
        }
    text += _(" → hạn %(due)s") % {"due": _local(due)}
    if off:
        text += _("; không tính các ngày nghỉ: %(days)s") % {"days": ", ".join(off)}
    return text + "."


def _fmt_days(days: Decimal) -> str:
    return (
        str(days.normalize()) if days == days.to_integral_value() else str(days).replace(".", ",")
    )


def compute(kind: str, agency: Unit, stage: str, start: dt.datetime) -> Due:
    """The due time of ``stage`` for a case of ``kind`` at ``agency`` counted from ``start``,
    with the rule used and an explanation (JSON-safe)."""
    rule = rule_for(kind, agency, stage, timezone.localdate(start))
    due = cal.due_at(agency, start, rule.working_days, "working_days")
    counted = cal.effective_start(agency, start)
    off = _days_off(agency, counted, due)
    basis = {
        "rule": rule.pk,
        "version": rule.version,
        "stage": stage,
        "kind": kind,
        "level": level_of(agency),
        "days": str(rule.working_days),
        "legal_basis": rule.legal_basis,
        "start": start.isoformat(),
        "counted_from": counted.isoformat(),
        "due": due.isoformat(),
        "days_off": off,
        "text": _text(rule, start, counted, due, off),
    }
    return Due(due, rule, basis)


def extend(kind: str, agency: Unit, due_at: dt.datetime, at: dt.datetime) -> Due:
    """The due time after the one extension: the extension rule's working days added to the
    current due time (working time, so a holiday inside it is skipped)."""
    rule = rule_for(kind, agency, Stage.EXTENSION, timezone.localdate(at))
    days = rule.working_days
    new_due = cal.add_working_time(agency, due_at, cal.daily_working_time(agency) * float(days))
    off = _days_off(agency, due_at, new_due)
    text = _("Gia hạn %(days)s ngày làm việc (%(basis)s): từ %(old)s đến %(new)s.") % {
        "days": _fmt_days(days),
        "basis": rule.legal_basis,
        "old": _local(due_at),
        "new": _local(new_due),
    }
    if off:
        text += _(" Không tính các ngày nghỉ: %(days)s.") % {"days": ", ".join(off)}
    return Due(new_due, rule, {"rule": rule.pk, "days": str(days), "text": text, "days_off": off})


def working_days_left(agency: Unit, now: dt.datetime, due_at: dt.datetime) -> Decimal:
    return Decimal(cal.working_days_between(agency, now, due_at))


def is_due_soon(agency: Unit, now: dt.datetime, due_at: dt.datetime | None) -> bool:
    if due_at is None or due_at < now:
        return False
    return working_days_left(agency, now, due_at) < DUE_SOON_DAYS
