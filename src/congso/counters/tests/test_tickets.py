"""Issuing tickets: numbers per group and day, never duplicated; priority; waiting figures;
the officer's actions walked through the transition table."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from congso.audit.models import AuditEvent
from congso.counters import services
from congso.counters.models import Call, Priority, Ticket, TicketStatus
from congso.counters.transitions import TRANSITIONS, target

from .conftest import local

pytestmark = pytest.mark.django_db


def test_numbers_run_per_group_and_day(setup):
    a1 = services.ticket_issue(group=setup.land, at=local(8))
    b1 = services.ticket_issue(group=setup.civil, at=local(8, 1))
    a2 = services.ticket_issue(group=setup.land, at=local(8, 2))
    tomorrow = services.ticket_issue(group=setup.land, at=local(8, day=dt.date(2026, 12, 4)))
    assert [a1.code, b1.code, a2.code, tomorrow.code] == ["A-0001", "B-0001", "A-0002", "A-0001"]
    assert a1.follow_key != a2.follow_key and len(a1.follow_key) >= 20


def test_bad_priority_and_closed_group_are_refused(setup):
    with pytest.raises(ValidationError, match="ưu tiên"):
        services.ticket_issue(group=setup.land, priority="vip")
    setup.land.is_active = False
    setup.land.save()
    with pytest.raises(ValidationError, match="không cấp số"):
        services.ticket_issue(group=setup.land)
    assert not Ticket.objects.exists()


def test_waiting_count_and_expected_wait(setup):
    services.counter_open(counter=setup.one, by=setup.mai, at=local(7, 55))
    first = services.ticket_issue(group=setup.land, at=local(8))
    second = services.ticket_issue(group=setup.land, at=local(8, 1))
    old = services.ticket_issue(group=setup.land, priority=Priority.ELDERLY, at=local(8, 2))
    # Nobody served yet: the hall's default of 6 minutes a ticket, one open counter.
    assert services.queue_info(first) == services.QueueInfo(ahead=1, minutes=6)
    assert services.queue_info(second) == services.QueueInfo(ahead=2, minutes=12)
    assert services.queue_info(old) == services.QueueInfo(ahead=0, minutes=0)
    # Served: the elderly man in 10 minutes; the group's median is now 10.
    called = services.ticket_call_next(by=setup.mai, at=local(8, 5))
    assert called == old
    services.ticket_start(ticket=called, by=setup.mai, at=local(8, 6))
    services.ticket_finish(ticket=called, by=setup.mai, at=local(8, 16))
    first.refresh_from_db()
    assert services.queue_info(first) == services.QueueInfo(ahead=0, minutes=0)
    assert services.queue_info(second) == services.QueueInfo(ahead=1, minutes=10)
    assert services.group_queue(setup.land, at=local(8, 20)).ahead == 2


def test_priority_first_then_arrival_order(setup):
    services.counter_open(counter=setup.one, by=setup.mai)
    n1 = services.ticket_issue(group=setup.civil, at=local(8))
    n2 = services.ticket_issue(group=setup.land, at=local(8, 1))
    p1 = services.ticket_issue(group=setup.civil, priority=Priority.PREGNANT, at=local(8, 2))
    order = []
    for minute in range(10, 14):
        t = services.ticket_call_next(by=setup.mai, at=local(8, minute))
        assert t is not None
        order.append(t.code)
        services.ticket_start(ticket=t, by=setup.mai, at=local(8, minute))
        services.ticket_finish(ticket=t, by=setup.mai, at=local(8, minute))
        if len(order) == 3:
            break
    assert order == [p1.code, n1.code, n2.code]
    assert services.ticket_call_next(by=setup.mai, at=local(9)) is None


def test_priority_run_lets_a_normal_ticket_through(setup):
    setup.hall.priority_run = 2
    setup.hall.save()
    services.counter_open(counter=setup.two, by=setup.binh)
    normal = services.ticket_issue(group=setup.civil, at=local(8))
    prio = [
        services.ticket_issue(group=setup.civil, priority=Priority.MERIT, at=local(8, i))
        for i in range(1, 5)
    ]
    got = []
    for i in range(4):
        t = services.ticket_call_next(by=setup.binh, at=local(9, i))
        got.append(t)
        services.ticket_start(ticket=t, by=setup.binh, at=local(9, i))
        services.ticket_finish(ticket=t, by=setup.binh, at=local(9, i))
    assert got == [prio[0], prio[1], normal, prio[2]]


def test_counter_only_calls_its_groups(setup):
    services.counter_open(counter=setup.two, by=setup.binh)
    services.ticket_issue(group=setup.land, at=local(8))
    assert services.ticket_call_next(by=setup.binh, at=local(8, 5)) is None


def test_one_ticket_at_a_time_and_own_tickets_only(setup):
    services.counter_open(counter=setup.one, by=setup.mai)
    services.counter_open(counter=setup.two, by=setup.binh)
    services.ticket_issue(group=setup.civil, at=local(8))
    services.ticket_issue(group=setup.civil, at=local(8, 1))
    t = services.ticket_call_next(by=setup.mai, at=local(8, 5))
    with pytest.raises(ValidationError, match="đang phục vụ"):
        services.ticket_call_next(by=setup.mai, at=local(8, 6))
    with pytest.raises(ValidationError, match="không do bạn"):
        services.ticket_start(ticket=t, by=setup.binh)
    with pytest.raises(ValidationError, match="kết thúc phiếu"):
        services.counter_close(counter=setup.one, by=setup.mai)
    with pytest.raises(ValidationError, match="cán bộ khác"):
        services.counter_open(counter=setup.one, by=setup.binh)


def test_officer_of_another_unit_is_refused(setup):
    with pytest.raises(PermissionDenied):
        services.counter_open(counter=setup.one, by=setup.outsider)
    assert setup.one.staff_id is None


def test_skip_then_recall_once(setup):
    services.counter_open(counter=setup.one, by=setup.mai)
    services.ticket_issue(group=setup.civil, at=local(8))
    t = services.ticket_call_next(by=setup.mai, at=local(8, 1))
    services.ticket_recall(ticket=t, by=setup.mai, at=local(8, 2))
    t = services.ticket_skip(ticket=t, by=setup.mai, at=local(8, 3))
    assert t.status == TicketStatus.NO_SHOW
    t = services.ticket_recall(ticket=t, by=setup.mai, at=local(8, 30))
    assert t.status == TicketStatus.CALLED and t.calls == 3
    services.ticket_skip(ticket=t, by=setup.mai, at=local(8, 31))
    with pytest.raises(ValidationError, match="một lần"):
        services.ticket_recall(ticket=t, by=setup.mai, at=local(9))
    assert list(Call.objects.values_list("kind", flat=True)) == ["call", "recall", "recall"]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"counters.call", "counters.recall", "counters.skip"} <= actions


def test_transfer_keeps_number_and_place(setup):
    services.counter_open(counter=setup.one, by=setup.mai)
    services.counter_open(counter=setup.two, by=setup.binh)
    first = services.ticket_issue(group=setup.land, at=local(8))
    later = services.ticket_issue(group=setup.civil, at=local(8, 10))
    t = services.ticket_call_next(by=setup.mai, at=local(8, 15))
    assert t == first
    services.ticket_start(ticket=t, by=setup.mai, at=local(8, 16))
    with pytest.raises(ValidationError, match="Chọn một nhóm"):
        services.ticket_transfer(ticket=t, by=setup.mai)
    t = services.ticket_transfer(ticket=t, by=setup.mai, group=setup.civil, at=local(8, 20))
    assert (t.code, t.status, t.group) == ("A-0001", TicketStatus.WAITING, setup.civil)
    # Counter 2 (group B only) now calls the transferred ticket before the later B ticket.
    assert services.ticket_call_next(by=setup.binh, at=local(8, 21)) == first
    services.ticket_transfer(ticket=first, by=setup.binh, counter=setup.one, at=local(8, 22))
    assert services.ticket_call_next(by=setup.binh, at=local(8, 23)) == later
    assert services.ticket_call_next(by=setup.mai, at=local(8, 24)) == first


def test_transition_table_walked_in_full():
    for action, moves in TRANSITIONS.items():
        for status in TicketStatus.values:
            if status in moves:
                assert target(action, status) == moves[status]
            else:
                with pytest.raises(ValidationError):
                    target(action, status)


def test_finished_ticket_cannot_be_skipped(setup):
    services.counter_open(counter=setup.one, by=setup.mai)
    services.ticket_issue(group=setup.civil, at=local(8))
    t = services.ticket_call_next(by=setup.mai, at=local(8, 1))
    services.ticket_start(ticket=t, by=setup.mai, at=local(8, 2))
    services.ticket_finish(ticket=t, by=setup.mai, at=local(8, 3))
    with pytest.raises(ValidationError, match="Đã phục vụ"):
        services.ticket_skip(ticket=t, by=setup.mai)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_presses_get_fifty_distinct_numbers(setup):
    if connection.vendor != "postgresql":
        pytest.skip("Cần PostgreSQL (DATABASE_URL=postgres://...) để thử cấp số đồng thời.")
    barrier = threading.Barrier(50)
    errors: list[BaseException] = []

    def press(i: int) -> None:
        try:
            barrier.wait()
            services.ticket_issue(group=setup.civil if i % 5 else setup.land)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    b = sorted(Ticket.objects.filter(issued_group=setup.civil).values_list("number", flat=True))
    a = sorted(Ticket.objects.filter(issued_group=setup.land).values_list("number", flat=True))
    assert b == list(range(1, 41)) and a == list(range(1, 11))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_counters_calling_at_once_never_share_a_ticket(setup):
    if connection.vendor != "postgresql":
        pytest.skip("Cần PostgreSQL để thử gọi số đồng thời.")
    services.counter_open(counter=setup.one, by=setup.mai)
    services.counter_open(counter=setup.two, by=setup.binh)
    for i in range(2):
        services.ticket_issue(group=setup.civil, at=local(8, i))
    barrier = threading.Barrier(2)
    got: list[Ticket | None] = []
    errors: list[BaseException] = []

    def call(staff) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            got.append(services.ticket_call_next(by=staff, at=local(8, 10)))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=call, args=(s,)) for s in (setup.mai, setup.binh)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len({t.pk for t in got if t}) == 2
