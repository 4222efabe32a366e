"""The QĐ 766 PAKN shares on a known data set (docs/feedback.md, "Statistics")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from congso.feedback import actions, services
from congso.feedback.models import Kind, Rating
from congso.feedback.stats import pakn_stats, pakn_stats_by_unit, stats_xlsx

from .factories import local, received_case

pytestmark = pytest.mark.django_db


def answer(case, org, at):
    ward_staff = org.staff
    case = actions.case_route(case=case, by=ward_staff["motcua.nc"], to_unit=case.agency, at=at)
    case = actions.case_draft(case=case, by=ward_staff["congchuc.nc"], answer="Trả lời", at=at)
    return actions.case_approve(case=case, by=ward_staff["lanhdao.nc"], at=at)


def test_rates_on_a_known_set(demo_org):
    ward = demo_org.wards["00343"]
    phones = iter(f"09{i:08d}" for i in range(20))

    def new(at, **kw):
        return received_case(ward, at=at, sender_phone=next(phones), **kw)

    # Four received in December 2026 (due 10 working days later).
    on_time_a = answer(new(local(2026, 12, 1)), demo_org, local(2026, 12, 4))
    on_time_b = answer(new(local(2026, 12, 2), kind=Kind.REGULATION), demo_org, local(2026, 12, 9))
    late = answer(new(local(2026, 12, 1)), demo_org, local(2026, 12, 28))
    new(local(2026, 12, 2))  # open, due 16/12, overdue at the end of the month
    services.case_rate(case=on_time_b, rating=Rating.UNSATISFIED)
    services.case_rate(case=on_time_a, rating=Rating.SATISFIED)
    # One in November: not counted in December's receipts.
    new(local(2026, 11, 2))
    now = local(2027, 1, 5)
    s = pakn_stats(unit=ward, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31), now=now)
    assert s.received == 4 and s.received_by_kind[Kind.REGULATION] == 1
    # The November case is still open and overdue at the end of December (backlog), but its
    # due time fell in November: it is judged in November, not here.
    assert (s.answered_on_time, s.answered_late, s.open_overdue) == (2, 1, 2)
    assert s.overdue_in_period == 1
    assert late.answered_late is True
    assert s.judged == 4 and s.on_time_rate == Decimal("0.5000")
    assert s.unsatisfied == 1 and s.satisfaction_rate == Decimal("0.6667")
    empty = pakn_stats(
        unit=demo_org.wards["00352"], start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31), now=now
    )
    assert empty.on_time_rate is None and empty.satisfaction_rate is None
    district = pakn_stats(
        unit=demo_org.district, start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 31), now=now
    )
    assert district.received == 4  # the ward's, counted below the district
    rows = pakn_stats_by_unit([ward], dt.date(2026, 12, 1), dt.date(2026, 12, 31), now=now)
    assert stats_xlsx(rows, dt.date(2026, 12, 1), dt.date(2026, 12, 31))[:2] == b"PK"
