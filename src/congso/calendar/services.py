"""Working-time arithmetic: due dates, working time between two moments, override editing.

Everything is computed in Asia/Ho_Chi_Minh wall-clock time (no daylight saving since 1975, so
local time is a straight line). A unit's working time is a sorted list of half-open intervals
``[start, end)`` in microseconds since 0001-01-01 local; a per-unit ``_Timeline`` keeps them
with a running sum so every question is a binary search. See docs/calendar.md and ADRs
0010-0013 for the rules and why they were chosen.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.org import policy
from congso.org.models import Unit

from .models import OFF_KINDS, CalendarOverride, CalendarState

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# Before 1976 Saigon time was not +07:00 all year, and the `holidays` VN calendar ends in 2100.
MIN_YEAR = 1976
MAX_YEAR = 2099

KINDS = ("working_days", "calendar_days", "same_day", "working_hours")

_US = 1_000_000
_DAY_US = 86_400 * _US
_HOUR_US = 3_600 * _US
_MIN_ORD = dt.date(MIN_YEAR, 1, 1).toordinal()
_MAX_ORD = dt.date(MAX_YEAR, 12, 31).toordinal() + 1  # exclusive


# --------------------------------------------------------------------------- conversions


def _to_abs(moment: dt.datetime) -> int:
    """Aware datetime → microseconds of local wall-clock time since 0001-01-01."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: calendar functions need timezone-aware datetimes")
    local = moment.astimezone(LOCAL_TZ)
    return (
        local.toordinal() * _DAY_US
        + ((local.hour * 60 + local.minute) * 60 + local.second) * _US
        + local.microsecond
    )


def _from_abs(value: int) -> dt.datetime:
    ordinal, rest = divmod(value, _DAY_US)
    day = dt.date.fromordinal(ordinal)
    seconds, micro = divmod(rest, _US)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return dt.datetime(day.year, day.month, day.day, hour, minute, second, micro, tzinfo=LOCAL_TZ)


def _time_us(value: dt.time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * _US + value.microsecond


def _td_us(delta: dt.timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * _US + delta.microseconds


def _check_ord(ordinal: int) -> None:
    if not _MIN_ORD <= ordinal < _MAX_ORD:
        raise ValueError(f"date outside the supported calendar years {MIN_YEAR}-{MAX_YEAR}")


# --------------------------------------------------------------------------- public holidays


@lru_cache(maxsize=256)
def _package_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(public holidays incl. substitute days off, weekend days worked instead) for a year."""
    # Imported here: the package loads every country (~0.5 s), which commands that never
    # compute a date should not pay.
    import holidays

    calendar = holidays.country_holidays("VN", years=year)
    days_off = frozenset(calendar.keys())
    worked = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    return days_off, worked


# --------------------------------------------------------------------------- override state
#
# Overrides are read once per process into a dict and reused while the token in the
# CalendarState row is unchanged. Every save/delete of an override writes a fresh random token
# in the same transaction, so a rolled-back edit never leaves a stale copy behind and every
# process sees a committed edit. The token is read at most once per HTTP request (a queue page
# with a hundred due dates costs one query, whatever its length); outside a request it is read
# on every call unless the caller wraps a batch in ``calendar_batch()``.


class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.in_request = False
        self.batch_depth = 0
        self.token: str | None = None

    @property
    def scoped(self) -> bool:
        return self.in_request or self.batch_depth > 0


_thread = _ThreadState()
_TOKEN_SQL = "SELECT {} FROM {} WHERE {} = %s".format(  # noqa: S608 - fixed identifiers only
    connection.ops.quote_name("token"),
    connection.ops.quote_name(CalendarState._meta.db_table),
    connection.ops.quote_name("id"),
)
_lock = threading.Lock()
_overrides_token: str | None = None
_overrides: dict[int | None, dict[dt.date, str]] = {}
_timelines: dict[tuple[Any, ...], _Timeline] = {}


def _on_request_started(**kwargs: Any) -> None:
    # A flag, not a counter, and the token is dropped at every request start: even if a
    # request_finished were lost, a thread is never stale for more than one request.
    _thread.in_request = True
    _thread.token = None


def _on_request_finished(**kwargs: Any) -> None:
    _thread.in_request = False
    _thread.token = None


request_started.connect(_on_request_started, dispatch_uid="workcalendar_request_started")
request_finished.connect(_on_request_finished, dispatch_uid="workcalendar_request_finished")


@contextmanager
def calendar_batch() -> Iterator[None]:
    """Read the override token once for a whole block (imports, benchmarks, recomputations)."""
    _thread.batch_depth += 1
    _thread.token = None
    try:
        yield
    finally:
        _thread.batch_depth -= 1
        _thread.token = None


def _current_token() -> str:
    if _thread.scoped and _thread.token is not None:
        return _thread.token
    # A raw single-row read: the ORM's own overhead is ten times the query here, and this
    # runs on every due-date computation outside a request.
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [1])
        row = cursor.fetchone()
    token = row[0] if row else ""
    if _thread.scoped:
        _thread.token = token
    return token


def _bump_token(**kwargs: Any) -> None:
    token = uuid.uuid4().hex
    if not CalendarState.objects.filter(pk=1).update(token=token):
        CalendarState.objects.create(pk=1, token=token)
    _thread.token = None


post_save.connect(_bump_token, sender=CalendarOverride, dispatch_uid="workcalendar_bump_save")
post_delete.connect(_bump_token, sender=CalendarOverride, dispatch_uid="workcalendar_bump_delete")


def calendar_cache_clear() -> None:
    """Forget every cached override and timeline in this process (tests, admin tools)."""
    global _overrides_token
    with _lock:
        _overrides_token = None
        _overrides.clear()
        _timelines.clear()
    _thread.token = None


def _load_overrides(token: str) -> dict[int | None, dict[dt.date, str]]:
    global _overrides_token, _overrides
    if token == _overrides_token:
        return _overrides
    table: dict[int | None, dict[dt.date, str]] = {}
    for unit_id, day, kind in CalendarOverride.objects.values_list("unit_id", "date", "kind"):
        table.setdefault(unit_id, {})[day] = kind
    with _lock:
        _overrides = table
        _overrides_token = token
        _timelines.clear()
    return table


# --------------------------------------------------------------------------- the timeline


def _merge(intervals: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort, drop empty and merge touching intervals of one day (defends against odd unit
    settings such as a morning that ends after the afternoon starts)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


class _Snapshot:
    """Intervals for days [first_ord, end_ord) with running working time; never mutated, so
    readers in other threads can keep using an old one while a longer one is built."""

    __slots__ = ("cum", "cum_end", "end_ord", "ends", "first_ord", "starts")

    def __init__(
        self, first_ord: int, end_ord: int, starts: list[int], ends: list[int], cum: list[int]
    ) -> None:
        self.first_ord, self.end_ord = first_ord, end_ord
        self.starts, self.ends, self.cum = starts, ends, cum
        self.cum_end = [c + e - s for c, s, e in zip(cum, starts, ends, strict=True)]


class _Timeline:
    """Working intervals of one unit's schedule under one set of overrides."""

    def __init__(self, unit: Unit, overrides: dict[int | None, dict[dt.date, str]]) -> None:
        self.weekday = _merge(
            [
                (_time_us(unit.morning_start), _time_us(unit.morning_end)),
                (_time_us(unit.afternoon_start), _time_us(unit.afternoon_end)),
            ]
        )
        self.saturday: tuple[tuple[int, int], ...] = ()
        if unit.saturday_reception and unit.saturday_counts:
            self.saturday = _merge([(_time_us(unit.saturday_start), _time_us(unit.saturday_end))])
        self.daily_us = sum(e - s for s, e in self.weekday)
        if not self.daily_us:
            raise ValueError(f"unit {unit.pk} has no working hours")
        # Nearest unit first, then its ancestors, then nationwide overrides.
        chain = _unit_chain(unit)
        self.override_maps = [overrides[u] for u in chain if u in overrides]
        if None in overrides:
            self.override_maps.append(overrides[None])
        self.snap: _Snapshot | None = None
        self.lock = threading.Lock()

    def day_kind(self, day: dt.date) -> str | None:
        for table in self.override_maps:
            kind = table.get(day)
            if kind is not None:
                return kind
        return None

    def day_intervals(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        kind = self.day_kind(day)
        if kind is not None:
            return () if kind in OFF_KINDS else self.weekday
        days_off, worked = _package_year(day.year)
        if day in days_off:
            return ()
        weekday = day.weekday()
        if weekday < 5 or day in worked:
            return self.weekday
        if weekday == 5:
            return self.saturday
        return ()

    def _build(self, first: int, end: int) -> tuple[list[int], list[int], list[int]]:
        starts: list[int] = []
        ends: list[int] = []
        lengths: list[int] = []
        for ordinal in range(first, end):
            base = ordinal * _DAY_US
            for s, e in self.day_intervals(dt.date.fromordinal(ordinal)):
                starts.append(base + s)
                ends.append(base + e)
                lengths.append(e - s)
        return starts, ends, lengths

    def _snapshot(self, ordinal: int) -> _Snapshot:
        """A snapshot that covers the day ``ordinal``; grows the cached one if needed."""
        snap = self.snap
        if snap is not None and snap.first_ord <= ordinal < snap.end_ord:
            return snap
        _check_ord(ordinal)
        with self.lock:
            snap = self.snap
            if snap is None:
                first, end = max(_MIN_ORD, ordinal - 62), min(_MAX_ORD, ordinal + 430)
                starts, ends, lengths = self._build(first, end)
                cum, total = [], 0
                for length in lengths:
                    cum.append(total)
                    total += length
                snap = _Snapshot(first, end, starts, ends, cum)
            else:
                while ordinal < snap.first_ord:
                    snap = self._grow_back(snap)
                while ordinal >= snap.end_ord:
                    snap = self._grow_forward(snap)
            self.snap = snap
            return snap

    def _grow_forward(self, snap: _Snapshot) -> _Snapshot:
        if snap.end_ord >= _MAX_ORD:
            raise ValueError(f"due date beyond the supported calendar years (after {MAX_YEAR})")
        end = min(_MAX_ORD, snap.end_ord + max(400, snap.end_ord - snap.first_ord))
        starts, ends, lengths = self._build(snap.end_ord, end)
        total = snap.cum_end[-1] if snap.cum_end else 0
        cum = list(snap.cum)
        for length in lengths:
            cum.append(total)
            total += length
        return _Snapshot(snap.first_ord, end, snap.starts + starts, snap.ends + ends, cum)

    def _grow_back(self, snap: _Snapshot) -> _Snapshot:
        if snap.first_ord <= _MIN_ORD:
            raise ValueError(f"date before the supported calendar years (before {MIN_YEAR})")
        first = max(_MIN_ORD, snap.first_ord - max(400, snap.end_ord - snap.first_ord))
        starts, ends, lengths = self._build(first, snap.first_ord)
        # Keep existing running sums unchanged so concurrent readers stay consistent.
        total = (snap.cum[0] if snap.cum else 0) - sum(lengths)
        cum = []
        for length in lengths:
            cum.append(total)
            total += length
        return _Snapshot(
            first, snap.end_ord, starts + snap.starts, ends + snap.ends, cum + snap.cum
        )

    # -- queries on absolute local microseconds --------------------------------------------

    def next_start(self, t: int) -> int:
        """First working instant at or after t."""
        snap = self._snapshot(t // _DAY_US)
        i = bisect_right(snap.ends, t)
        while i >= len(snap.ends):
            snap = self._snapshot(snap.end_ord)
            i = bisect_right(snap.ends, t)
        return max(t, snap.starts[i])

    def cum_at(self, t: int, snap: _Snapshot) -> int:
        """Working time accumulated before t (snapshot must cover t's day)."""
        i = bisect_right(snap.starts, t) - 1
        if i < 0:
            return snap.cum[0] if snap.cum else 0
        return snap.cum[i] + min(t, snap.ends[i]) - snap.starts[i]

    def covering(self, *moments: int) -> _Snapshot:
        snap = self._snapshot(min(moments) // _DAY_US)
        return (
            self._snapshot(max(moments) // _DAY_US)
            if max(moments) // _DAY_US >= snap.end_ord
            else snap
        )

    def locate(self, target: int) -> int:
        """The instant where the running working time reaches ``target``. A target exactly on
        the end of a period lands on that end (17:00, not the next 08:00)."""
        snap = self.snap
        assert snap is not None
        while not snap.cum or snap.cum_end[-1] < target:
            snap = self._snapshot(snap.end_ord)
        while snap.cum[0] >= target:
            snap = self._snapshot(snap.first_ord - 1)
        i = bisect_left(snap.cum_end, target)
        return snap.starts[i] + (target - snap.cum[i])

    def day_end(self, t: int) -> int:
        """End of the last working period of t's day (t must be a working instant)."""
        day = dt.date.fromordinal(t // _DAY_US)
        intervals = self.day_intervals(day)
        return (t // _DAY_US) * _DAY_US + intervals[-1][1]


def _unit_chain(unit: Unit) -> list[int]:
    ids = [int(p) for p in (unit.path or "").strip("/").split("/") if p]
    if unit.pk is not None and (not ids or ids[-1] != unit.pk):
        ids.append(unit.pk)
    return list(reversed(ids))


def _timeline(unit: Unit) -> _Timeline:
    token = _current_token()
    overrides = _load_overrides(token)
    # The token is part of the key so a thread still holding an older override table can
    # never file its timeline under the newer one.
    key = (
        token,
        unit.pk,
        unit.path,
        unit.morning_start,
        unit.morning_end,
        unit.afternoon_start,
        unit.afternoon_end,
        unit.saturday_reception,
        unit.saturday_start,
        unit.saturday_end,
        unit.saturday_counts,
    )
    timeline = _timelines.get(key)
    if timeline is None:
        timeline = _Timeline(unit, overrides)
        with _lock:
            if len(_timelines) > 5000:  # many units edited in one process: start afresh
                _timelines.clear()
            _timelines[key] = timeline
    return timeline


# --------------------------------------------------------------------------- public API


def is_working_day(unit: Unit, day: dt.date) -> bool:
    """True if ``day`` has working time that counts for ``unit``: a weekday that is neither a
    public holiday nor a day off, a worked Saturday, or a Saturday morning that the unit
    counts (``saturday_reception`` and ``saturday_counts``)."""
    if isinstance(day, dt.datetime):  # a datetime is a date too; its local date is meant
        day = day.astimezone(LOCAL_TZ).date() if day.tzinfo else day.date()
    _check_ord(day.toordinal())
    return bool(_timeline(unit).day_intervals(day))


def next_working_start(unit: Unit, moment: dt.datetime) -> dt.datetime:
    """The first working instant at or after ``moment`` (``moment`` itself if it is working
    time; 12:30 → 13:00; Friday 18:00 → Monday 08:00)."""
    return _from_abs(_timeline(unit).next_start(_to_abs(moment)))


def effective_start(unit: Unit, received_at: dt.datetime) -> dt.datetime:
    """The moment from which a dossier received at ``received_at`` is counted.

    Received after the unit's intake cut-off (15:00) on a working day → the next working day's
    start; at exactly the cut-off minute (15:00:59 included) → the same day. Received outside
    working time (lunch, evening, weekend, holiday) → the next working start.
    """
    timeline = _timeline(unit)
    return _from_abs(_effective_abs(unit, timeline, _to_abs(received_at)))


def _effective_abs(unit: Unit, timeline: _Timeline, t: int) -> int:
    ordinal, in_day = divmod(t, _DAY_US)
    # Receipts are stamped to the minute, so 15:00:xx is still "15:00" (inclusive rule).
    minute_in_day = in_day - in_day % (60 * _US)
    if minute_in_day > _time_us(unit.intake_cutoff) and timeline.day_intervals(
        dt.date.fromordinal(ordinal)
    ):
        return timeline.next_start((ordinal + 1) * _DAY_US)
    return timeline.next_start(t)


def daily_working_time(unit: Unit) -> dt.timedelta:
    """Length of a normal working day of the unit (8 hours for 08:00–12:00, 13:00–17:00)."""
    return dt.timedelta(microseconds=_timeline(unit).daily_us)


def _amount(value: Decimal | int | float) -> Decimal:
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"invalid amount {value!r}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"amount must be a non-negative number, got {value!r}")
    return amount


def due_at(unit: Unit, start: dt.datetime, amount: Decimal | int | float, kind: str) -> dt.datetime:
    """The due time of something received at ``start`` with a legal time of ``amount``
    ``kind`` units (``working_days``, ``calendar_days``, ``same_day``, ``working_hours``).

    The count begins at the effective start (15:00 rule, next working start).
    ``working_days``: N × the unit's normal day (8 h) of working time, so Monday 10:00 + 3 days
    is Thursday 10:00. ``working_hours``: N hours of working time. A due time exactly on the end
    of a working period stays there (17:00, 12:00), never the next period's start.
    ``same_day``: end of the effective start's working day (``amount`` is ignored).
    ``calendar_days``: the effective start's date + N days (a fraction rounds up), at the end of
    the working day; moved to the end of the next working day only if that date is not one.
    The result is never in non-working time and never earlier when ``start`` or ``amount``
    grows. Returns an aware datetime in Asia/Ho_Chi_Minh.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown duration kind {kind!r}")
    value = _amount(amount)
    timeline = _timeline(unit)
    eff = _effective_abs(unit, timeline, _to_abs(start))
    if kind == "same_day":
        return _from_abs(timeline.day_end(eff))
    if kind == "calendar_days":
        days = int(value.to_integral_value(rounding=ROUND_CEILING))
        ordinal = eff // _DAY_US + days
        _check_ord(ordinal)
        first_working = timeline.next_start(ordinal * _DAY_US)
        return _from_abs(timeline.day_end(first_working))
    unit_us = timeline.daily_us if kind == "working_days" else _HOUR_US
    work_us = int((value * unit_us).to_integral_value(rounding=ROUND_HALF_UP))
    if work_us == 0:
        return _from_abs(eff)
    snap = timeline.covering(eff)
    return _from_abs(timeline.locate(timeline.cum_at(eff, snap) + work_us))


def working_time_between(unit: Unit, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time of the unit in ``[start, end)``; negative if ``end`` is before ``start``.
    No intake cut-off here: this measures time, it does not decide when counting starts."""
    a, b = _to_abs(start), _to_abs(end)
    if a == b:
        return dt.timedelta(0)
    timeline = _timeline(unit)
    snap = timeline.covering(a, b)
    return dt.timedelta(microseconds=timeline.cum_at(b, snap) - timeline.cum_at(a, snap))


def add_working_time(unit: Unit, start: dt.datetime, delta: dt.timedelta) -> dt.datetime:
    """Move ``start`` by ``delta`` of working time (forward; a negative delta moves back).
    Used to push a due time by the working time a dossier waited for a supplement. The result
    lands on the end of a period when exactly on a boundary (17:00, not next 08:00)."""
    shift = _td_us(delta)
    t = _to_abs(start)
    if shift == 0:
        return start.astimezone(LOCAL_TZ)
    timeline = _timeline(unit)
    snap = timeline.covering(t)
    return _from_abs(timeline.locate(timeline.cum_at(t, snap) + shift))


def working_days_between(unit: Unit, start: dt.datetime, end: dt.datetime) -> Decimal:
    """``working_time_between`` in working days of the unit (8 h = 1), to 4 decimals;
    negative when ``end`` is before ``start`` (e.g. how late a dossier is)."""
    us = _td_us(working_time_between(unit, start, end))
    daily = _timeline(unit).daily_us
    return (Decimal(us) / Decimal(daily)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------- overrides


def calendar_may_edit(by: Any, unit: Unit | None) -> bool:
    """Whether ``by`` may add, change or remove an override of ``unit`` (None: nationwide):
    the policy's ``calendar.edit`` (ADR 0046). The admin asks this for its buttons and form."""
    if by is None:  # the system itself: demo loader, management commands
        return True
    return bool(getattr(by, "is_active", False)) and policy.may_at(
        by, "calendar.edit", policy.calendar_places(unit)
    )


def _ensure_can_edit(by: Any, override: CalendarOverride) -> None:
    units = [override.unit]
    if override.pk is not None:  # a change may also move the override away from its unit
        stored = CalendarOverride.objects.filter(pk=override.pk).select_related("unit").first()
        if stored is not None and stored.unit_id != override.unit_id:
            units.append(stored.unit)
    for unit in units:
        if not calendar_may_edit(by, unit):
            name = unit.name if unit is not None else _("toàn quốc")
            raise PermissionDenied(str(policy.RULES["calendar.edit"].message) % {"unit": name})


@transaction.atomic
def calendar_override_save(*, override: CalendarOverride, by: Any) -> CalendarOverride:
    """Create or change a day off / worked day. ``by`` is the user (None = the system).
    Validates the row, writes an audit event and invalidates cached calendars everywhere."""
    _ensure_can_edit(by, override)
    override.full_clean()  # choices, the supported years, one override per unit and date
    created = override.pk is None
    override.save()
    audit_record(
        actor=by,
        action="calendar.override_create" if created else "calendar.override_change",
        target=override,
        unit=override.unit_id,
        data={
            "date": override.date.isoformat(),
            "kind": override.kind,
            "name": override.name,
            "unit": override.unit_id,
        },
    )
    return override


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride, by: Any) -> None:
    """Remove a day off / worked day, with an audit event."""
    _ensure_can_edit(by, override)
    audit_record(
        actor=by,
        action="calendar.override_delete",
        target=override,
        unit=override.unit_id,
        data={
            "date": override.date.isoformat(),
            "kind": override.kind,
            "name": override.name,
            "unit": override.unit_id,
        },
    )
    override.delete()
