"""Reads of the dashboard and the index, scoped by the permission policy: which units a user
watches (``dashboard.view``), and the index of one of them for a period, from its stored
counters (and, for a period not yet frozen, from a count made now)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from congso.org import policy
from congso.org.models import Unit, UnitKind
from congso.org.selectors import role_units

from . import counters, index766
from .models import CounterOrigin, IndexCounter
from .periods import Period

VIEW = "dashboard.view"
WATCHED_KINDS = [UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.WARD, UnitKind.DEPARTMENT]


def watched_units(user: Any) -> list[Unit]:
    """The units whose dashboard the user opens: where they hold a role of ``dashboard.view``
    and everything under it (OVERSEE), agencies and departments, in tree order."""
    qs: QuerySet[Unit] = (
        Unit.objects.all()
        if getattr(user, "is_superuser", False)
        else role_units(user, policy.RULES[VIEW].roles)
    )
    return list(qs.filter(kind__in=WATCHED_KINDS, dissolved_at__isnull=True).order_by("path"))


def unit_for(user: Any, unit_id: Any, units: list[Unit] | None = None) -> Unit:
    """One watched unit by id; 404 for one the user does not watch, as for one that does not
    exist (the policy's rule). No id: the top one."""
    units = watched_units(user) if units is None else units
    if not units:
        raise Http404(_("Không tìm thấy đơn vị."))
    if unit_id in (None, ""):
        return units[0]
    found = next((u for u in units if str(u.pk) == str(unit_id)), None)
    if found is None:
        raise Http404(_("Không tìm thấy đơn vị."))
    return found


def agencies_under(unit: Unit) -> list[Unit]:
    """The deciding agencies counted for a unit: itself and the agencies under it (a district
    counts its wards); a department counts in its agency."""
    if not unit.is_agency:
        return [unit.agency()]
    return list(unit.subtree().agencies().order_by("path"))


@dataclass
class Provenance:
    origin: str  # CounterOrigin value, or "live" (counted now), "feedback", "missing"
    label: str
    sources: list[str] = field(default_factory=list)


@dataclass
class IndexView:
    unit: Unit
    period: Period
    result: index766.IndexResult
    provenance: dict[str, Provenance]
    agencies: list[Unit]


def index_inputs(
    unit: Unit, period: Period, now: dt.datetime | None = None
) -> tuple[dict[str, int | None], dict[str, Provenance], list[Unit]]:
    """Every counter of the index for ``unit`` (its agencies added up) and the period, with
    where each value comes from; None where it is not known."""
    agencies = agencies_under(unit)
    ids = {a.pk for a in agencies}
    stored: dict[tuple[int, str], IndexCounter] = {
        (row.unit_id, row.key): row
        for row in IndexCounter.objects.filter(
            unit_id__in=ids | {unit.pk}, period=period.kind, start=period.start
        )
    }
    values: dict[str, int | None] = {}
    prov: dict[str, Provenance] = {}

    frozen = [a for a in agencies if all((a.pk, k) in stored for k in counters.COMPUTED_KEYS)]
    live_for = [a for a in agencies if a not in frozen]
    live = counters.compute(live_for, period, now=now) if live_for else {}
    for key in counters.COMPUTED_KEYS:
        total = sum(stored[(a.pk, key)].value for a in frozen) + sum(
            live[a.pk][key] for a in live_for
        )
        values[key] = total
        label = (
            _("Tính từ dữ liệu CongSo, đã chốt số liệu")
            if not live_for
            else _("Tính từ dữ liệu CongSo tại thời điểm xem")
        )
        prov[key] = Provenance("computed" if not live_for else "live", label)

    fb = counters.feedback(agencies, period)
    for c in counters.COUNTERS:
        if c.origin == counters.COMPUTED:
            continue
        if c.origin == counters.FEEDBACK and fb is not None and c.key != "finished_complained":
            values[c.key] = sum(fb.get(a.pk, {}).get(c.key, 0) for a in agencies)
            prov[c.key] = Provenance("feedback", _("Tính từ dữ liệu PAKN của CongSo"))
            continue
        own = stored.get((unit.pk, c.key))
        rows = [own] if own is not None else [stored.get((a.pk, c.key)) for a in agencies]
        if own is None and (not rows or any(r is None for r in rows)):
            values[c.key] = None
            prov[c.key] = Provenance("missing", _("Chưa có số liệu"))
            continue
        entered = [r for r in rows if r is not None]
        values[c.key] = sum(r.value for r in entered)
        prov[c.key] = Provenance(
            CounterOrigin.ENTERED,
            _("Quản trị viên nhập"),
            sorted({r.source for r in entered}),
        )
    return values, prov, agencies


def index_for(unit: Unit, period: Period, now: dt.datetime | None = None) -> IndexView:
    """The index of a unit the caller watches (check with ``unit_for`` first)."""
    values, prov, agencies = index_inputs(unit, period, now=now)
    return IndexView(unit, period, index766.compute(values), prov, agencies)


def ranking(units: list[Unit], period: Period, now: dt.datetime | None = None) -> list[IndexView]:
    """The index of each unit, best first (missing last): the ranking of wards the city
    makes. Units without a value keep their place at the end, in tree order."""
    views = [index_for(u, period, now=now) for u in units]
    ordered = sorted(
        views,
        key=lambda v: (v.result.value is None, -(v.result.value or 0), v.unit.path),
    )
    return ordered
