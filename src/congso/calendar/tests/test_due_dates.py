"""Due dates on real Vietnamese calendars (Tết, the 30/4 and 2/9 swaps) and the intake rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from congso.calendar.services import (
    add_working_time,
    due_at,
    effective_start,
    is_working_day,
    next_working_start,
    working_days_between,
    working_time_between,
)

from .factories import UnitFactory, at

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- Tết


def test_tet_2025_three_working_days_land_after_the_break(ward):
    # Friday 24/1/2025 is the last working day before the civil-servant break 25/1–2/2/2025.
    for day in range(25, 32):
        assert not is_working_day(ward, dt.date(2025, 1, day))
    assert not is_working_day(ward, dt.date(2025, 2, 1))
    assert is_working_day(ward, dt.date(2025, 2, 3))
    assert due_at(ward, at(2025, 1, 24, 10), 3, "working_days") == at(2025, 2, 5, 10)


def test_tet_2026_three_working_days_land_after_the_break(ward):
    # Civil servants are off Saturday 14/2 to Sunday 22/2/2026.
    off = [dt.date(2026, 2, 14) + dt.timedelta(days=i) for i in range(9)]
    assert [is_working_day(ward, d) for d in off] == [False] * 9
    assert is_working_day(ward, dt.date(2026, 2, 13))
    assert is_working_day(ward, dt.date(2026, 2, 23))
    assert due_at(ward, at(2026, 2, 13, 9, 30), 3, "working_days") == at(2026, 2, 25, 9, 30)
    # Received after the cut-off on the last day: counting starts on Monday 23/2.
    assert due_at(ward, at(2026, 2, 13, 15, 30), 1, "working_days") == at(2026, 2, 23, 17)


# ---------------------------------------------------------------- the yearly swaps


def test_30_april_2025_swap(ward, swaps):
    assert is_working_day(ward, dt.date(2025, 4, 26))  # worked Saturday
    assert not is_working_day(ward, dt.date(2025, 5, 2))  # the Friday off in exchange
    assert not is_working_day(ward, dt.date(2025, 4, 30))
    assert not is_working_day(ward, dt.date(2025, 5, 1))
    # Friday 25/4 + 2 working days: Saturday 26/4 counts as a whole normal day.
    assert due_at(ward, at(2025, 4, 25, 10), 2, "working_days") == at(2025, 4, 28, 10)
    # Tuesday 29/4 10:00 + 1 day: 6 h that day, the other 2 h after the four days off.
    assert due_at(ward, at(2025, 4, 29, 10), 1, "working_days") == at(2025, 5, 5, 10)


def test_national_day_2026_swap(ward, swaps):
    assert is_working_day(ward, dt.date(2026, 8, 22))
    assert not is_working_day(ward, dt.date(2026, 8, 31))
    assert not is_working_day(ward, dt.date(2026, 9, 1))
    assert not is_working_day(ward, dt.date(2026, 9, 2))
    assert due_at(ward, at(2026, 8, 21, 10), 1, "working_days") == at(2026, 8, 22, 10)
    assert due_at(ward, at(2026, 8, 28, 10), 1, "working_days") == at(2026, 9, 3, 10)
    # Received on the worked Saturday after 15:00: the cut-off applies there too.
    assert effective_start(ward, at(2026, 8, 22, 15, 1)) == at(2026, 8, 24, 8)


# ---------------------------------------------------------------- intake time rules


def test_cutoff_is_inclusive_to_the_minute(ward):
    monday = (2025, 3, 3)
    assert effective_start(ward, at(*monday, 14, 59)) == at(*monday, 14, 59)
    assert effective_start(ward, at(*monday, 15, 0)) == at(*monday, 15, 0)
    assert effective_start(ward, at(*monday, 15, 0, 59)) == at(*monday, 15, 0, 59)
    assert effective_start(ward, at(*monday, 15, 1)) == at(2025, 3, 4, 8)
    assert due_at(ward, at(*monday, 14, 59), 1, "working_days") == at(2025, 3, 4, 14, 59)
    # After the cut-off, one day from Tuesday 08:00 ends Tuesday 17:00, not Wednesday 08:00.
    assert due_at(ward, at(*monday, 15, 1), 1, "working_days") == at(2025, 3, 4, 17)


def test_unit_specific_cutoff(db):
    unit = UnitFactory(intake_cutoff=dt.time(16, 0))
    assert effective_start(unit, at(2025, 3, 3, 15, 30)) == at(2025, 3, 3, 15, 30)
    assert effective_start(unit, at(2025, 3, 3, 16, 1)) == at(2025, 3, 4, 8)


def test_outside_working_hours_counts_from_next_start(ward):
    assert effective_start(ward, at(2025, 3, 3, 6, 45)) == at(2025, 3, 3, 8)
    assert effective_start(ward, at(2025, 3, 3, 12, 30)) == at(2025, 3, 3, 13)
    assert effective_start(ward, at(2025, 3, 8, 9)) == at(2025, 3, 10, 8)  # Saturday
    assert effective_start(ward, at(2025, 3, 9, 22)) == at(2025, 3, 10, 8)  # Sunday night
    assert effective_start(ward, at(2025, 4, 30, 9)) == at(2025, 5, 5, 8)  # holiday


def test_friday_afternoon(ward):
    assert due_at(ward, at(2025, 3, 7, 14), 1, "working_days") == at(2025, 3, 10, 14)
    assert due_at(ward, at(2025, 3, 7, 16), 1, "working_days") == at(2025, 3, 10, 17)
    assert due_at(ward, at(2025, 3, 7, 14), 4, "working_hours") == at(2025, 3, 10, 9)


def test_saturday_morning_counted(db):
    unit = UnitFactory(saturday_counted=True)
    assert is_working_day(unit, dt.date(2025, 3, 8))
    # Friday after the cut-off: counting starts Saturday 08:00; 8 h = Saturday 4 h + Monday 4 h,
    # ending on the lunch boundary, which stays at 12:00.
    assert effective_start(unit, at(2025, 3, 7, 16)) == at(2025, 3, 8, 8)
    assert due_at(unit, at(2025, 3, 7, 16), 1, "working_days") == at(2025, 3, 10, 12)
    assert due_at(unit, at(2025, 3, 8, 9), 2, "working_hours") == at(2025, 3, 8, 11)
    assert effective_start(unit, at(2025, 3, 8, 12, 30)) == at(2025, 3, 10, 8)
    assert working_time_between(unit, at(2025, 3, 7, 17), at(2025, 3, 10, 8)) == dt.timedelta(
        hours=4
    )


def test_saturday_morning_received_but_not_counted(db):
    unit = UnitFactory(saturday_uncounted=True)
    assert not is_working_day(unit, dt.date(2025, 3, 8))
    assert effective_start(unit, at(2025, 3, 8, 9)) == at(2025, 3, 10, 8)
    assert due_at(unit, at(2025, 3, 7, 16), 1, "working_days") == at(2025, 3, 10, 17)
    assert working_time_between(unit, at(2025, 3, 7, 17), at(2025, 3, 10, 8)) == dt.timedelta(0)


def test_saturday_counts_needs_reception(db):
    unit = UnitFactory(saturday_reception=False, saturday_counts=True)
    assert not is_working_day(unit, dt.date(2025, 3, 8))


def test_lunch_break_is_not_counted(ward):
    assert due_at(ward, at(2025, 3, 3, 11), 2, "working_hours") == at(2025, 3, 3, 14)
    # Exactly on the boundary: the end of the morning, not the start of the afternoon.
    assert due_at(ward, at(2025, 3, 3, 10), 2, "working_hours") == at(2025, 3, 3, 12)
    assert due_at(ward, at(2025, 3, 3, 8), Decimal("0.5"), "working_days") == at(2025, 3, 3, 12)
    assert working_time_between(ward, at(2025, 3, 3, 11), at(2025, 3, 3, 14)) == dt.timedelta(
        hours=2
    )


def test_other_working_hours(db):
    unit = UnitFactory(early_hours=True)  # 07:00–11:30, 13:30–17:00: 8 h a day
    assert due_at(unit, at(2025, 3, 3, 7), 1, "working_days") == at(2025, 3, 3, 17)
    assert due_at(unit, at(2025, 3, 3, 10), 3, "working_hours") == at(2025, 3, 3, 15)
    assert effective_start(unit, at(2025, 3, 3, 12)) == at(2025, 3, 3, 13, 30)


# ---------------------------------------------------------------- kinds


def test_working_days_same_clock_time(ward):
    assert due_at(ward, at(2025, 3, 3, 10), 3, "working_days") == at(2025, 3, 6, 10)
    assert due_at(ward, at(2025, 3, 3, 10), 5, "working_days") == at(2025, 3, 10, 10)
    assert due_at(ward, at(2025, 3, 3, 10), 0, "working_days") == at(2025, 3, 3, 10)
    assert due_at(ward, at(2025, 3, 3, 8), 1, "working_days") == at(2025, 3, 3, 17)
    assert due_at(ward, at(2025, 3, 3, 8), 2.5, "working_days") == at(2025, 3, 5, 12)


def test_calendar_days(ward, swaps):
    # Monday 3/3/2025 + 6 days = Sunday 9/3: moves to the end of Monday 10/3.
    assert due_at(ward, at(2025, 3, 3, 10), 6, "calendar_days") == at(2025, 3, 10, 17)
    # Landing on a working day keeps the date, at the end of the day.
    assert due_at(ward, at(2025, 3, 3, 10), 4, "calendar_days") == at(2025, 3, 7, 17)
    # Weekends and holidays in between still count as days.
    assert due_at(ward, at(2025, 4, 25, 10), 10, "calendar_days") == at(2025, 5, 5, 17)
    # Landing on 1/9/2026 (holiday): 2/9 is one too, so Thursday 3/9.
    assert due_at(ward, at(2026, 8, 25, 10), 7, "calendar_days") == at(2026, 9, 3, 17)
    # Counting starts from the effective start: after 15:00 Friday, from Monday.
    assert due_at(ward, at(2025, 3, 7, 15, 30), 1, "calendar_days") == at(2025, 3, 11, 17)
    # A fraction of a calendar day rounds up to a whole day.
    assert due_at(ward, at(2025, 3, 3, 10), Decimal("0.5"), "calendar_days") == at(2025, 3, 4, 17)


def test_same_day(ward):
    assert due_at(ward, at(2025, 3, 3, 9), 0, "same_day") == at(2025, 3, 3, 17)
    assert due_at(ward, at(2025, 3, 3, 15, 30), 1, "same_day") == at(2025, 3, 4, 17)
    assert due_at(ward, at(2025, 3, 7, 15, 30), 1, "same_day") == at(2025, 3, 10, 17)


def test_working_hours_across_days(ward):
    assert due_at(ward, at(2025, 3, 3, 14), 8, "working_hours") == at(2025, 3, 4, 14)
    assert due_at(ward, at(2025, 3, 3, 14), 3, "working_hours") == at(2025, 3, 3, 17)
    assert due_at(ward, at(2025, 3, 3, 14), Decimal("3.5"), "working_hours") == at(
        2025, 3, 4, 8, 30
    )


def test_result_is_local_time_whatever_the_input_zone(ward):
    start_utc = dt.datetime(2025, 3, 3, 3, 0, tzinfo=dt.UTC)  # 10:00 in Hà Nội
    due = due_at(ward, start_utc, 3, "working_days")
    assert due == at(2025, 3, 6, 10)
    assert due.utcoffset() == dt.timedelta(hours=7)


def test_bad_arguments(ward):
    with pytest.raises(ValueError):
        due_at(ward, dt.datetime(2025, 3, 3, 10), 1, "working_days")  # naive
    with pytest.raises(ValueError):
        due_at(ward, at(2025, 3, 3, 10), 1, "weeks")
    with pytest.raises(ValueError):
        due_at(ward, at(2025, 3, 3, 10), -1, "working_days")
    with pytest.raises(ValueError):
        due_at(ward, at(2025, 3, 3, 10), float("nan"), "working_hours")
    with pytest.raises(ValueError):
        due_at(ward, at(2099, 12, 1, 10), 100, "working_days")  # beyond the supported years


def test_long_duration_far_ahead(ward):
    due = due_at(ward, at(2025, 3, 3, 10), 3650, "working_days")
    assert working_days_between(ward, at(2025, 3, 3, 10), due) == Decimal(3650)
    assert due.year >= 2039


# ---------------------------------------------------------------- measuring and moving


def test_working_time_between_weekend_and_holiday(ward, swaps):
    assert working_time_between(ward, at(2025, 3, 7, 16), at(2025, 3, 10, 9)) == dt.timedelta(
        hours=2
    )
    assert working_time_between(ward, at(2025, 3, 10, 9), at(2025, 3, 7, 16)) == -dt.timedelta(
        hours=2
    )
    # Tuesday 29/4/2025 16:00 → Tuesday 6/5 09:00 over 30/4, 1/5, the swapped 2/5, a weekend.
    assert working_time_between(ward, at(2025, 4, 29, 16), at(2025, 5, 6, 9)) == dt.timedelta(
        hours=10
    )
    assert working_time_between(ward, at(2025, 3, 8, 9), at(2025, 3, 8, 11)) == dt.timedelta(0)
    assert working_time_between(ward, at(2025, 3, 3, 9), at(2025, 3, 3, 9)) == dt.timedelta(0)


def test_working_days_between(ward):
    assert working_days_between(ward, at(2025, 3, 7, 16), at(2025, 3, 10, 9)) == Decimal("0.25")
    assert working_days_between(ward, at(2025, 3, 10, 9), at(2025, 3, 7, 16)) == Decimal("-0.25")
    assert working_days_between(ward, at(2025, 3, 3, 8), at(2025, 3, 10, 8)) == Decimal(5)
    # One minute is 1/480 of a day, rounded to 4 decimals.
    assert working_days_between(ward, at(2025, 3, 3, 8), at(2025, 3, 3, 8, 1)) == Decimal("0.0021")


def test_add_working_time_extends_over_a_pause(ward):
    # A due time of Friday 17:00 pushed by 4 working hours of waiting: Monday 12:00.
    assert add_working_time(ward, at(2025, 3, 7, 17), dt.timedelta(hours=4)) == at(2025, 3, 10, 12)
    assert add_working_time(ward, at(2025, 3, 7, 16), dt.timedelta(hours=2)) == at(2025, 3, 10, 9)
    assert add_working_time(ward, at(2025, 3, 7, 16), dt.timedelta(0)) == at(2025, 3, 7, 16)
    assert add_working_time(ward, at(2025, 3, 10, 9), -dt.timedelta(hours=2)) == at(2025, 3, 7, 16)


def test_next_working_start(ward):
    assert next_working_start(ward, at(2025, 3, 3, 9, 15)) == at(2025, 3, 3, 9, 15)
    assert next_working_start(ward, at(2025, 3, 3, 12)) == at(2025, 3, 3, 13)
    assert next_working_start(ward, at(2025, 3, 3, 17)) == at(2025, 3, 4, 8)
    assert next_working_start(ward, at(2025, 1, 24, 17)) == at(2025, 2, 3, 8)
