"""The deadline rule table and the due dates it gives through the working calendar."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from congso.calendar.models import CalendarOverride, OverrideKind
from congso.feedback import deadlines, services
from congso.feedback.models import DeadlineRule, Kind, Stage

from .factories import local, received_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(demo_org):
    return demo_org.wards["00343"]


def test_every_kind_has_an_answer_rule_and_every_rule_cites_its_basis(ward):
    for kind in Kind.values:
        rule = deadlines.rule_for(kind, ward, Stage.ANSWER, dt.date(2026, 12, 3))
        assert rule.working_days == Decimal(10)
    forward = deadlines.rule_for(Kind.REGULATION, ward, Stage.FORWARD, dt.date(2026, 12, 3))
    assert forward.working_days == Decimal(5) and "92/2017" in forward.legal_basis
    assert all(r.legal_basis.strip() for r in DeadlineRule.objects.all())


def test_due_date_skips_weekends_and_a_holiday(ward):
    # Thursday 03/12/2026 09:00 + 10 working days = Thursday 17/12 09:00 without holidays.
    plain = received_case(ward, at=local(2026, 12, 3, 9))
    assert plain.due_at == local(2026, 12, 17, 9)
    assert plain.forward_due_at == local(2026, 12, 10, 9)
    CalendarOverride.objects.create(
        date=dt.date(2026, 12, 8), kind=OverrideKind.DAY_OFF, name="Nghỉ thử", unit=None
    )
    held = received_case(ward, at=local(2026, 12, 3, 9), sender_phone="0911111111")
    assert held.due_at == local(2026, 12, 18, 9)
    assert held.due_basis["days_off"] == ["08/12/2026"]
    assert "08/12/2026" in held.due_basis["text"] and "phiên bản 1" in held.due_basis["text"]


def test_received_after_the_cutoff_counts_from_the_next_working_day(ward):
    case = received_case(ward, at=local(2026, 12, 4, 16, 30))  # Friday after 15:00
    assert case.due_basis["counted_from"].startswith("2026-12-07T08:00")
    assert case.due_at == local(2026, 12, 18, 17)  # Monday 07/12 08:00 + 10 days


def test_a_new_version_applies_from_its_day_and_old_cases_keep_theirs(ward):
    old = received_case(ward, at=local(2026, 12, 3, 9))
    DeadlineRule.objects.create(
        kind=Kind.QUESTION,
        stage=Stage.ANSWER,
        working_days=Decimal(7),
        legal_basis="Quy chế thử",
        version=2,
        valid_from=dt.date(2026, 12, 5),
    )
    new = received_case(ward, at=local(2026, 12, 7, 9), sender_phone="0911111111")
    assert new.due_basis["version"] == 2 and new.due_at == local(2026, 12, 16, 9)
    old.refresh_from_db()
    assert old.due_basis["version"] == 1 and old.due_at == local(2026, 12, 17, 9)


def test_a_level_specific_rule_wins_over_the_general_one(demo_org, ward):
    DeadlineRule.objects.create(
        kind=Kind.QUESTION,
        level="district",
        stage=Stage.ANSWER,
        working_days=Decimal(15),
        legal_basis="Quy chế cấp huyện (thử)",
        version=1,
        valid_from=dt.date(2020, 1, 1),
    )
    on = dt.date(2026, 12, 3)
    assert deadlines.rule_for(Kind.QUESTION, ward, Stage.ANSWER, on).working_days == 10
    assert deadlines.rule_for(Kind.QUESTION, demo_org.district, Stage.ANSWER, on).working_days == 15
    assert (
        deadlines.rule_for(Kind.REGULATION, demo_org.district, Stage.ANSWER, on).working_days == 10
    )


def test_reclassification_recomputes_from_the_same_start(ward):
    DeadlineRule.objects.create(
        kind=Kind.COMPLAINT,
        stage=Stage.ANSWER,
        working_days=Decimal(5),
        legal_basis="Quy chế thử",
        version=2,
        valid_from=dt.date(2026, 1, 1),
    )
    case = received_case(ward, at=local(2026, 12, 3, 9))
    case.kind = Kind.COMPLAINT
    services.set_due(case, case.due_from, "classify")
    assert case.due_at == local(2026, 12, 10, 9) and case.due_basis["reason"] == "classify"
