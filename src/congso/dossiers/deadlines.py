"""Deadline arithmetic for dossiers, on top of the working calendar (congso.calendar).

Kept in one place so the rules of DOMAIN §4 read together: time counts in working time of
the receiving agency, a dossier received after the unit's cut-off (15:00) counts from the next
working day, a supplement pause moves the due time by the working time waited, and an early /
on time / late judgement compares a finish time with a due time by calendar day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from congso.calendar import services as cal
from congso.org.models import Unit

from .models import Timeliness


def due_for(unit: Unit, received_at: dt.datetime, amount: Decimal, kind: str) -> dt.datetime:
    """The legal appointment for a dossier received at ``received_at``; the calendar applies
    the cut-off rule (after 15:00 → from the next working day) and the duration kind."""
    return cal.due_at(unit, received_at, Decimal(amount), kind)


def working_time_between(unit: Unit, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    return cal.working_time_between(unit, start, end)


def add_working_time(unit: Unit, start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    return cal.add_working_time(unit, start, delta)


def working_days_between(unit: Unit, start: dt.datetime, end: dt.datetime) -> Decimal:
    return Decimal(cal.working_days_between(unit, start, end))


def one_working_day_from(unit: Unit, moment: dt.datetime) -> dt.datetime:
    """The moment one working day of working time after ``moment`` (the 'nearly late'
    threshold). Not ``due_at``: the 15:00 intake cut-off is about when counting starts for a new
    dossier and must not push the threshold to the next day's close after 15:00."""
    return cal.add_working_time(unit, moment, cal.daily_working_time(unit))


def judge(finished_at: dt.datetime, due_at: dt.datetime | None) -> str:
    """Early if finished on an earlier day than the due day, on time if on the due day and
    not after the due time, late after it."""
    if due_at is None:
        return ""
    if finished_at > due_at:
        return Timeliness.LATE
    if timezone.localdate(finished_at) == timezone.localdate(due_at):
        return Timeliness.ON_TIME
    return Timeliness.EARLY
