"""Property tests: due times are in working time, monotonic, and consistent with measuring."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from congso.calendar.services import (
    add_working_time,
    calendar_batch,
    due_at,
    effective_start,
    is_working_day,
    next_working_start,
    working_time_between,
)

from .factories import VN, UnitFactory

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Minutes from 2024-12-01 to 2027-01-31, so Tết 2025/2026 and the swaps are well inside.
BASE = dt.datetime(2024, 12, 1, tzinfo=VN)
moments = st.integers(0, 60 * 24 * 792).map(lambda m: BASE + dt.timedelta(minutes=m))
amounts = st.integers(0, 120).map(lambda q: Decimal(q) / 4)  # 0 to 30 in quarters
kinds = st.sampled_from(["working_days", "calendar_days", "same_day", "working_hours"])
UNIT_KINDS = ["plain", "saturday_counted", "early_hours"]
MINUTE = dt.timedelta(minutes=1)
TICK = dt.timedelta(microseconds=1)


@pytest.fixture(params=UNIT_KINDS)
def unit(request, swaps):  # type: ignore[no-untyped-def]
    traits = {} if request.param == "plain" else {request.param: True}
    return UnitFactory(**traits)


def in_working_time(unit, moment: dt.datetime) -> bool:  # type: ignore[no-untyped-def]
    """A working instant, or the end of a working period (where due times may land)."""
    return (
        next_working_start(unit, moment) == moment
        or working_time_between(unit, moment - TICK, moment) == TICK
    )


@SETTINGS
@given(start=moments, amount=amounts, kind=kinds)
def test_due_is_in_working_time_and_not_before_start(unit, start, amount, kind):
    with calendar_batch():
        due = due_at(unit, start, amount, kind)
        assert in_working_time(unit, due)
        assert due >= effective_start(unit, start) >= start
        assert due.utcoffset() == dt.timedelta(hours=7)
        if amount > 0 and kind in ("working_days", "working_hours"):
            # A due time on a period boundary is the end of the earlier period.
            assert working_time_between(unit, due - TICK, due) == TICK


@SETTINGS
@given(a=moments, b=moments, amount=amounts, kind=kinds)
def test_monotonic_in_start(unit, a, b, amount, kind):
    early, late = sorted([a, b])
    with calendar_batch():
        assert due_at(unit, early, amount, kind) <= due_at(unit, late, amount, kind)


@SETTINGS
@given(start=moments, a=amounts, b=amounts, kind=kinds)
def test_monotonic_in_amount(unit, start, a, b, kind):
    small, big = sorted([a, b])
    with calendar_batch():
        assert due_at(unit, start, small, kind) <= due_at(unit, start, big, kind)


@SETTINGS
@given(start=moments, hours=st.integers(0, 200))
def test_measuring_undoes_adding(unit, start, hours):
    with calendar_batch():
        eff = effective_start(unit, start)
        due = due_at(unit, start, hours, "working_hours")
        assert working_time_between(unit, eff, due) == dt.timedelta(hours=hours)
        assert working_time_between(unit, due, eff) == -dt.timedelta(hours=hours)


@SETTINGS
@given(start=moments, minutes=st.integers(-3000, 30000))
def test_add_working_time_is_inverse_of_measuring(unit, start, minutes):
    delta = dt.timedelta(minutes=minutes)
    with calendar_batch():
        moved = add_working_time(unit, start, delta)
        if minutes:
            assert in_working_time(unit, moved)
            anchor = next_working_start(unit, start) if minutes > 0 else start
            assert working_time_between(unit, anchor, moved) == delta


def reference_due_hours(unit, eff: dt.datetime, hours: int) -> dt.datetime:  # type: ignore[no-untyped-def]
    """Walk the days one by one with the plain 08–12, 13–17 day (independent of the engine's
    running sums); only is_working_day is shared."""
    remaining = dt.timedelta(hours=hours)
    day = eff.date()
    while True:
        if is_working_day(unit, day):
            for a, b in ((8, 12), (13, 17)):
                start = max(eff, dt.datetime(day.year, day.month, day.day, a, tzinfo=VN))
                end = dt.datetime(day.year, day.month, day.day, b, tzinfo=VN)
                if start >= end:
                    continue
                if end - start >= remaining:
                    return start + remaining
                remaining -= end - start
        day += dt.timedelta(days=1)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(start=moments, hours=st.integers(1, 120))
def test_matches_a_day_by_day_reference(swaps, start, hours):
    unit = UnitFactory.build(pk=10_000, path="/10000/")
    with calendar_batch():
        eff = effective_start(unit, start)
        assert due_at(unit, start, hours, "working_hours") == reference_due_hours(unit, eff, hours)


@SETTINGS
@given(offset=st.integers(0, 792))
def test_working_day_iff_it_has_working_time(unit, offset):
    day = BASE.date() + dt.timedelta(days=offset)
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=VN)
    with calendar_batch():
        worked = working_time_between(unit, midnight, midnight + dt.timedelta(days=1))
        assert is_working_day(unit, day) == (worked > dt.timedelta(0))
        if day.weekday() < 5 and worked:
            assert worked == dt.timedelta(hours=8)  # all three setups have 8-hour weekdays
