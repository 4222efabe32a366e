"""Factories for calendar tests."""

from __future__ import annotations

import datetime as dt
from itertools import count
from zoneinfo import ZoneInfo

import factory

from congso.calendar.models import CalendarOverride, OverrideKind
from congso.org.models import Unit, UnitKind

_codes = count(100)
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> dt.datetime:
    """A moment in Vietnamese local time."""
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=VN)


class UnitFactory(factory.django.DjangoModelFactory):
    """A ward with the common 08:00–12:00, 13:00–17:00 hours and the 15:00 cut-off."""

    class Meta:
        model = Unit

    kind = UnitKind.WARD
    name = factory.Sequence(lambda n: f"UBND phường Thử {n}")
    stats_code = factory.LazyFunction(lambda: f"{next(_codes):05d}")
    parent = None

    class Params:
        # Hà Nội QĐ 58/2010: Saturday-morning reception, with or without counting toward deadlines.
        saturday_counted = factory.Trait(saturday_reception=True, saturday_counts=True)
        saturday_uncounted = factory.Trait(saturday_reception=True, saturday_counts=False)
        early_hours = factory.Trait(
            morning_start=dt.time(7, 0),
            morning_end=dt.time(11, 30),
            afternoon_start=dt.time(13, 30),
            afternoon_end=dt.time(17, 0),
        )


class CalendarOverrideFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarOverride

    date = dt.date(2025, 3, 5)
    kind = OverrideKind.DAY_OFF
    name = "Ngày nghỉ thử"
    unit = None

    class Params:
        working = factory.Trait(kind=OverrideKind.WORKING_DAY, name="Ngày làm bù thử")
