"""Overrides: precedence, cache invalidation, audit, permissions, the demo loader."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congso.accounts.models import User
from congso.audit.models import AuditEvent
from congso.calendar.demo import SWAPS, load
from congso.calendar.models import CalendarOverride, OverrideKind
from congso.calendar.services import (
    calendar_batch,
    calendar_override_delete,
    calendar_override_save,
    due_at,
    is_working_day,
)
from congso.org.models import UnitKind

from .factories import CalendarOverrideFactory, UnitFactory, at

pytestmark = pytest.mark.django_db

WEDNESDAY = dt.date(2025, 3, 5)
SATURDAY = dt.date(2025, 3, 8)


def test_global_day_off_and_working_day(ward):
    assert is_working_day(ward, WEDNESDAY)
    CalendarOverrideFactory(date=WEDNESDAY)
    assert not is_working_day(ward, WEDNESDAY)
    assert not is_working_day(ward, SATURDAY)
    CalendarOverrideFactory(date=SATURDAY, working=True)
    assert is_working_day(ward, SATURDAY)
    # Tuesday 10:00 + 2 days skips Wednesday and works Saturday.
    assert due_at(ward, at(2025, 3, 4, 10), 2, "working_days") == at(2025, 3, 7, 10)
    assert due_at(ward, at(2025, 3, 4, 10), 3, "working_days") == at(2025, 3, 8, 10)


def test_working_day_override_beats_a_public_holiday(ward):
    # Hùng Kings' day 7/4/2025 from the `holidays` package, cancelled locally.
    assert not is_working_day(ward, dt.date(2025, 4, 7))
    CalendarOverrideFactory(date=dt.date(2025, 4, 7), working=True, unit=ward)
    assert is_working_day(ward, dt.date(2025, 4, 7))


def test_unit_specific_wins_over_global(db):
    district = UnitFactory(kind=UnitKind.DISTRICT, stats_code="009")
    ward_a = UnitFactory(parent=district)
    ward_b = UnitFactory(parent=district)
    other = UnitFactory()
    CalendarOverrideFactory(date=WEDNESDAY)  # everyone off
    CalendarOverrideFactory(date=WEDNESDAY, working=True, unit=ward_a)  # except ward A
    assert is_working_day(ward_a, WEDNESDAY)
    assert not is_working_day(ward_b, WEDNESDAY)
    assert not is_working_day(other, WEDNESDAY)


def test_district_override_reaches_its_wards_and_the_nearest_wins(db):
    district = UnitFactory(kind=UnitKind.DISTRICT, stats_code="009")
    ward_a = UnitFactory(parent=district)
    ward_b = UnitFactory(parent=district)
    other = UnitFactory()
    CalendarOverrideFactory(date=WEDNESDAY, unit=district)  # district off
    CalendarOverrideFactory(date=WEDNESDAY, working=True, unit=ward_b)  # ward B works
    assert not is_working_day(district, WEDNESDAY)
    assert not is_working_day(ward_a, WEDNESDAY)
    assert is_working_day(ward_b, WEDNESDAY)
    assert is_working_day(other, WEDNESDAY)


def test_edits_are_seen_at_once_and_deletes_undo_them(ward):
    start = at(2025, 3, 4, 10)
    with calendar_batch():
        before = due_at(ward, start, 1, "working_days")
        override = calendar_override_save(
            override=CalendarOverride(date=WEDNESDAY, kind=OverrideKind.DAY_OFF, name="Nghỉ"),
            by=None,
        )
        during = due_at(ward, start, 1, "working_days")
        override.kind = OverrideKind.WORKING_DAY
        calendar_override_save(override=override, by=None)
        changed = due_at(ward, start, 1, "working_days")
        calendar_override_delete(override=override, by=None)
        after = due_at(ward, start, 1, "working_days")
    assert (before, during, changed, after) == (
        at(2025, 3, 5, 10),
        at(2025, 3, 6, 10),
        at(2025, 3, 5, 10),
        at(2025, 3, 5, 10),
    )


def test_unit_hours_changes_are_seen_without_invalidation(ward):
    assert due_at(ward, at(2025, 3, 3, 8), 1, "working_days") == at(2025, 3, 3, 17)
    ward.afternoon_end = dt.time(16, 30)
    ward.save()
    assert due_at(ward, at(2025, 3, 3, 8), 1, "working_days") == at(2025, 3, 3, 16, 30)


def test_token_read_once_per_batch(ward, django_assert_num_queries):
    due_at(ward, at(2025, 3, 3, 10), 1, "working_days")
    with django_assert_num_queries(1):  # outside a request: one cheap token read per call
        due_at(ward, at(2025, 3, 3, 11), 1, "working_days")
    with calendar_batch(), django_assert_num_queries(1):
        for hour in range(8, 17):
            due_at(ward, at(2025, 3, 3, hour), 3, "working_days")


def test_save_is_audited_and_validated(ward):
    override = calendar_override_save(
        override=CalendarOverride(
            date=WEDNESDAY, kind=OverrideKind.DAY_OFF, name="Nghỉ thử", unit=ward
        ),
        by=None,
    )
    event = AuditEvent.objects.get(action="calendar.override_create")
    assert event.target_id == str(override.pk)
    assert event.data["date"] == "2025-03-05"
    with pytest.raises(ValidationError):  # a second override for the same unit and date
        calendar_override_save(
            override=CalendarOverride(
                date=WEDNESDAY, kind=OverrideKind.WORKING_DAY, name="x", unit=ward
            ),
            by=None,
        )
    with pytest.raises(ValidationError):
        calendar_override_save(
            override=CalendarOverride(date=WEDNESDAY, kind="holiday", name="x"), by=None
        )
    assert CalendarOverride.objects.count() == 1


def test_only_users_with_permission_can_edit(ward):
    clerk = User.objects.create_user(username="vanthu.thu", password="x", is_staff=True)
    with pytest.raises(PermissionDenied) as info:
        calendar_override_save(
            override=CalendarOverride(date=WEDNESDAY, kind=OverrideKind.DAY_OFF, name="Nghỉ"),
            by=clerk,
        )
    assert "không có quyền" in str(info.value)
    assert not CalendarOverride.objects.exists()
    admin = User.objects.create_superuser(username="quantri", password="x")
    calendar_override_save(
        override=CalendarOverride(date=WEDNESDAY, kind=OverrideKind.DAY_OFF, name="Nghỉ"), by=admin
    )
    assert not is_working_day(ward, WEDNESDAY)


def test_demo_load_is_idempotent(db):
    assert load("2015")
    assert CalendarOverride.objects.count() == len(SWAPS)
    assert load("2015") is None
    assert CalendarOverride.objects.count() == len(SWAPS)
    assert set(CalendarOverride.objects.values_list("date", "kind")) == {
        (dt.date(2025, 4, 26), "working_day"),
        (dt.date(2025, 5, 2), "compensatory_day_off"),
        (dt.date(2026, 8, 22), "working_day"),
        (dt.date(2026, 8, 31), "compensatory_day_off"),
    }


def test_admin_pages_in_vietnamese(admin_client, ward):
    response = admin_client.get("/quan-tri/workcalendar/calendaroverride/add/")
    assert response.status_code == 200
    assert "Ngày nghỉ bù" in response.content.decode()
    response = admin_client.post(
        "/quan-tri/workcalendar/calendaroverride/add/",
        {"date": "05/03/2025", "kind": "day_off", "name": "Nghỉ đột xuất", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not is_working_day(ward, WEDNESDAY)
    assert AuditEvent.objects.filter(action="calendar.override_create").count() == 1


def test_admin_list_costs_the_same_for_n_and_n_plus_one_rows(
    admin_client, django_assert_num_queries
):
    def add(n: int) -> None:
        for i in range(n):
            CalendarOverrideFactory(
                date=dt.date(2025, 6, 1) + dt.timedelta(days=i + CalendarOverride.objects.count()),
                unit=UnitFactory(),
            )

    url = "/quan-tri/workcalendar/calendaroverride/"
    add(3)
    admin_client.get(url)  # warm: session, content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as three:
        assert admin_client.get(url).status_code == 200
    add(1)
    with django_assert_num_queries(len(three)):
        assert admin_client.get(url).status_code == 200


def test_is_working_day_accepts_a_datetime(ward):
    assert not is_working_day(ward, at(2025, 1, 29, 10))
    assert is_working_day(ward, at(2025, 2, 3, 10))


def test_rolled_back_edit_leaves_no_stale_calendar(ward):
    from django.db import transaction

    assert is_working_day(ward, WEDNESDAY)
    with pytest.raises(RuntimeError), transaction.atomic():
        calendar_override_save(
            override=CalendarOverride(date=WEDNESDAY, kind=OverrideKind.DAY_OFF, name="Nghỉ"),
            by=None,
        )
        assert not is_working_day(ward, WEDNESDAY)  # seen inside the transaction
        raise RuntimeError("admin save failed later")
    assert is_working_day(ward, WEDNESDAY)


def test_edit_committed_by_another_process_is_seen_at_the_next_request_or_batch(ward):
    from congso.calendar.models import CalendarState

    assert is_working_day(ward, WEDNESDAY)
    with calendar_batch():
        assert is_working_day(ward, WEDNESDAY)
        # Another worker process saves an override: its row and a new token arrive in the
        # database without any signal in this process.
        CalendarOverride.objects.bulk_create(
            [CalendarOverride(date=WEDNESDAY, kind="day_off", name="x")]
        )
        CalendarState.objects.update_or_create(pk=1, defaults={"token": "from-another-process"})
        assert is_working_day(ward, WEDNESDAY)  # one consistent calendar per batch
    assert not is_working_day(ward, WEDNESDAY)  # next call reads the new token


def test_admin_rejects_dates_outside_the_supported_years(admin_client):
    response = admin_client.post(
        "/quan-tri/workcalendar/calendaroverride/add/",
        {"date": "01/01/1900", "kind": "day_off", "name": "Quá xa", "note": ""},
    )
    assert response.status_code == 200
    assert "Chỉ nhập ngày trong các năm 1976–2099." in response.content.decode()
    assert not CalendarOverride.objects.exists()
