"""Reads of the counter devices, scoped to the caller: an officer sees the halls where the policy
lets them serve (or read statistics); a device sees its own hall only (its token names it)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from congso.dossiers.models import Satisfaction
from congso.org import policy

from . import permissions, services, voice
from .models import Call, Counter, CounterRating, Hall, ServiceGroup, Ticket
from .models import TicketStatus as S

BOARD_CALLS = 8


def halls_for(user: Any, permission: str = permissions.SERVE.name) -> list[Hall]:
    """The active halls where ``user`` holds ``permission`` at the hall's desk."""
    halls = Hall.objects.filter(is_active=True).select_related("unit", "unit__parent")
    return [h for h in halls if policy.may(user, permission, h.unit)]


def hall_get_for(user: Any, pk: int, permission: str = permissions.SERVE.name) -> Hall:
    for hall in halls_for(user, permission):
        if hall.pk == pk:
            return hall
    raise Http404


def counter_get_for(user: Any, pk: int) -> Counter:
    counter = Counter.objects.select_related("hall", "hall__unit").filter(pk=pk).first()
    if counter is None or not policy.may(user, permissions.SERVE.name, counter.hall.unit):
        raise Http404
    return counter


def ticket_get_for(user: Any, pk: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related("hall", "hall__unit", "issued_group", "group", "counter")
        .filter(pk=pk)
        .first()
    )
    if ticket is None or not policy.may(user, permissions.SERVE.name, ticket.hall.unit):
        raise Http404
    return ticket


def active_groups(hall: Hall) -> list[ServiceGroup]:
    return list(hall.groups.filter(is_active=True).select_related("hall"))


def kiosk_groups(hall: Hall) -> list[tuple[ServiceGroup, services.QueueInfo]]:
    """The kiosk's buttons with the waiting figures of each group."""
    return [(g, services.group_queue(g)) for g in active_groups(hall)]


def _call_row(call: Call) -> dict[str, Any]:
    ticket = call.ticket
    return {
        "id": call.pk,
        "code": ticket.code,
        "counter": call.counter.number,
        "kind": call.kind,
        "at": timezone.localtime(call.at).strftime("%H:%M"),
        "text": voice.spoken_text(call),
        "clips": voice.sequence(ticket, call.counter.number),
    }


def board_state(hall: Hall) -> dict[str, Any]:
    """What a board shows: the ticket at each counter, the last calls (with their clips), the
    waiting count per group. Four queries whatever the hall's size."""
    revision = Hall.objects.filter(pk=hall.pk).values_list("revision", flat=True).first() or 0
    today = timezone.localdate()
    active = Ticket.objects.filter(
        hall=hall, day=today, status__in=(S.CALLED, S.SERVING)
    ).select_related("issued_group")
    counters = Counter.objects.filter(hall=hall).prefetch_related(
        Prefetch("tickets", queryset=active, to_attr="active")
    )
    calls = list(
        Call.objects.filter(hall=hall, at__date__gte=today - dt.timedelta(days=1))
        .select_related("ticket__issued_group", "counter")
        .order_by("-pk")[:BOARD_CALLS]
    )
    waiting: dict[int, int] = defaultdict(int)
    for group_id in Ticket.objects.filter(hall=hall, day=today, status=S.WAITING).values_list(
        "group_id", flat=True
    ):
        waiting[group_id] += 1
    return {
        "revision": revision,
        "hall": hall.name,
        "counters": [
            {
                "number": c.number,
                "name": str(c),
                "open": c.is_open,
                "ticket": c.active[0].code if c.active else None,  # type: ignore[attr-defined]
                "status": c.active[0].status if c.active else None,  # type: ignore[attr-defined]
            }
            for c in counters
        ],
        "calls": [_call_row(c) for c in calls if timezone.localdate(c.at) == today],
        "waiting": [
            {"letter": g.letter, "name": g.name, "count": waiting.get(g.pk, 0)}
            for g in active_groups(hall)
        ],
    }


def hall_revision(hall_id: int) -> int | None:
    return Hall.objects.filter(pk=hall_id).values_list("revision", flat=True).first()


# ---------------------------------------------------------------------------------------------
# Statistics


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Figures:
    """Tickets, no-shows, waiting and serving minutes (median, p90) and ratings of one row."""

    label: str
    tickets: int = 0
    served: int = 0
    no_shows: int = 0
    waits: list[float] = field(default_factory=list)
    serves: list[float] = field(default_factory=list)
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys(Satisfaction.values, 0))

    @property
    def wait_median(self) -> float | None:
        return statistics.median(self.waits) if self.waits else None

    @property
    def wait_p90(self) -> float | None:
        return _quantile(self.waits, 0.9)

    @property
    def serve_median(self) -> float | None:
        return statistics.median(self.serves) if self.serves else None

    @property
    def serve_p90(self) -> float | None:
        return _quantile(self.serves, 0.9)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfied_share(self) -> float | None:
        """Share of ratings that are not "không hài lòng" (the seed's target: over 80%)."""
        if not self.rated:
            return None
        return (self.rated - self.ratings[Satisfaction.UNSATISFIED]) / self.rated

    def add(self, ticket: Ticket, level: int | None) -> None:
        self.tickets += 1
        if ticket.status == S.NO_SHOW:
            self.no_shows += 1
        if ticket.status == S.DONE:
            self.served += 1
        if ticket.waited is not None:
            self.waits.append(ticket.waited.total_seconds() / 60)
        if ticket.served is not None:
            self.serves.append(ticket.served.total_seconds() / 60)
        if level is not None:
            self.ratings[level] += 1


@dataclass
class HallStats:
    total: Figures
    by_group: list[Figures]
    by_counter: list[Figures]
    by_officer: list[Figures]


def hall_stats(hall: Hall, start: dt.date, end: dt.date) -> HallStats:
    """The hall's figures for the days ``start``..``end`` (inclusive), per group (as issued),
    counter and officer. Two queries."""
    tickets = list(
        Ticket.objects.filter(hall=hall, day__gte=start, day__lte=end)
        .exclude(status=S.BOOKED)
        .select_related("issued_group", "counter")
        .only(
            "status",
            "queued_at",
            "called_at",
            "started_at",
            "finished_at",
            "served_by_id",
            "served_by_name",
            "issued_group__letter",
            "issued_group__name",
            "counter__number",
            "counter__name",
        )
    )
    levels = dict(
        CounterRating.objects.filter(ticket__in=[t.pk for t in tickets]).values_list(
            "ticket_id", "level"
        )
    )
    total = Figures("Toàn sảnh")
    groups: dict[str, Figures] = {}
    counters: dict[int, Figures] = {}
    officers: dict[int, Figures] = {}
    for t in tickets:
        level = levels.get(t.pk)
        total.add(t, level)
        g = t.issued_group
        groups.setdefault(g.letter, Figures(f"{g.letter} — {g.name}")).add(t, level)
        if t.counter is not None:
            counters.setdefault(t.counter.number, Figures(str(t.counter))).add(t, level)
        if t.served_by_id is not None:
            officers.setdefault(t.served_by_id, Figures(t.served_by_name)).add(t, level)
    return HallStats(
        total=total,
        by_group=[groups[k] for k in sorted(groups)],
        by_counter=[counters[k] for k in sorted(counters)],
        by_officer=sorted(officers.values(), key=lambda f: f.label),
    )


def public_waits(halls: Iterable[Hall] | None = None) -> list[dict[str, Any]]:
    """Live waiting per group of every active hall (the portal's widget)."""
    rows = []
    for hall in halls if halls is not None else Hall.objects.filter(is_active=True):
        for group, info in kiosk_groups(hall):
            rows.append(
                {"hall": hall.name, "letter": group.letter, "name": group.name, **info.__dict__}
            )
    return rows
