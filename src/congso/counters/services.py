"""Every state change of the counter devices (issue 18): issuing tickets, the officer's counter
actions, linking the dossier a visit produced, the terminal's rating.

Officers' actions ask the one permission policy (``counters.serve`` at the hall's desk), move
the ticket by the transition table, write an audit row and bump the hall's revision, which
the boards' stream watches (ADR 0141). Issuing a ticket is anonymous and frequent: it takes its
number from ``core.numbering`` and writes no audit row (the ticket row is its record)."""

from __future__ import annotations

import datetime as dt
import math
import secrets
import statistics
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core import limits
from congso.core.numbering import next_number
from congso.dossiers.models import Dossier, Rating, Satisfaction, StatusHistory
from congso.dossiers.models import Status as DossierStatus
from congso.dossiers.services import dossier_rate
from congso.org import policy
from congso.org.models import Staff

from . import permissions
from .models import (
    Call,
    Counter,
    CounterRating,
    Hall,
    Priority,
    ServiceGroup,
    Ticket,
    TicketDossier,
    TicketSeries,
    TicketSource,
)
from .models import TicketStatus as S
from .transitions import ACTIVE, target

# Serving times of the group's last tickets today used for the expected wait.
WAIT_SAMPLE = 20
# Desk history actions that tie a dossier to the ticket served while they happened.
LINKED_ACTIONS = ("receive", "return_result")


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _bump(hall_id: int) -> None:
    """Tell the boards of the hall that its state changed (they poll the revision)."""
    Hall.objects.filter(pk=hall_id).update(revision=F("revision") + 1)


# ---------------------------------------------------------------------------------------------
# Issuing


@dataclass(frozen=True)
class QueueInfo:
    """What the kiosk prints and shows: people ahead and the expected wait in minutes."""

    ahead: int
    minutes: int


@transaction.atomic
def ticket_issue(
    *,
    group: ServiceGroup,
    priority: str = "",
    source: str = TicketSource.KIOSK,
    at: dt.datetime | None = None,
) -> Ticket:
    """A new ticket of ``group`` for today: the next number of the group's daily series (never
    given twice, even under concurrent presses: core.numbering), priority if asked."""
    at = _now(at)
    if priority not in Priority.values:
        raise ValidationError(_("Đối tượng ưu tiên không hợp lệ."))
    hall = group.hall
    if not (group.is_active and hall.is_active):
        raise ValidationError(_("Nhóm dịch vụ này hiện không cấp số."))
    day = timezone.localdate(at)
    number = next_number(TicketSeries, group=group, day=day)
    return Ticket.objects.create(
        hall=hall,
        group=group,
        issued_group=group,
        day=day,
        number=number,
        priority=priority,
        status=S.WAITING,
        source=source,
        follow_key=secrets.token_urlsafe(16),
        issued_at=at,
        queued_at=at,
    )


def _ahead_filter(ticket: Ticket) -> Q:
    """Tickets waiting ahead of ``ticket`` in its queue under the priority-first order (the
    ``priority_run`` exception is ignored for the estimate)."""
    earlier = Q(queued_at__lt=ticket.queued_at) | Q(queued_at=ticket.queued_at, pk__lt=ticket.pk)
    if ticket.is_priority:
        return ~Q(priority="") & earlier
    return ~Q(priority="") | earlier


def service_minutes(group: ServiceGroup, day: dt.date) -> float:
    """Median serving time (minutes) of the group's last finished tickets today, or the hall's
    default before anyone was served."""
    rows = list(
        Ticket.objects.filter(group=group, day=day, status=S.DONE)
        .order_by("-finished_at")
        .values_list("started_at", "finished_at")[:WAIT_SAMPLE]
    )
    spans = [(f - s).total_seconds() / 60 for s, f in rows if s and f]
    return statistics.median(spans) if spans else float(group.hall.default_service_minutes)


def _open_counters(group: ServiceGroup) -> int:
    return max(1, Counter.objects.filter(groups=group, staff__isnull=False).count())


def queue_info(ticket: Ticket) -> QueueInfo:
    """People ahead of ``ticket`` and its expected wait."""
    ahead = (
        Ticket.objects.filter(group=ticket.group, day=ticket.day, status=S.WAITING)
        .filter(_ahead_filter(ticket))
        .filter(Q(for_counter__isnull=True))
        .count()
    )
    minutes = math.ceil(
        ahead * service_minutes(ticket.group, ticket.day) / _open_counters(ticket.group)
    )
    return QueueInfo(ahead=ahead, minutes=minutes)


def group_queue(group: ServiceGroup, at: dt.datetime | None = None) -> QueueInfo:
    """What a new normal ticket of ``group`` would wait now (kiosk buttons, portal)."""
    day = timezone.localdate(_now(at))
    ahead = Ticket.objects.filter(
        group=group, day=day, status=S.WAITING, for_counter__isnull=True
    ).count()
    minutes = math.ceil(ahead * service_minutes(group, day) / _open_counters(group))
    return QueueInfo(ahead=ahead, minutes=minutes)


# ---------------------------------------------------------------------------------------------
# The officer's counter


def _ensure_serve(by: Staff, hall: Hall) -> None:
    policy.ensure(by.user, permissions.SERVE.name, hall.unit)


def _audit(by: Staff, action: str, ticket: Ticket | Counter, data: dict[str, object]) -> None:
    hall = ticket.hall
    audit_record(actor=by, action=f"counters.{action}", target=ticket, unit=hall.unit_id, data=data)


def _lock_counter(counter: Counter) -> Counter:
    return (
        Counter.objects.select_for_update().select_related("hall", "hall__unit").get(pk=counter.pk)
    )


def _lock_ticket(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("hall", "hall__unit", "issued_group", "group", "counter")
        .get(pk=ticket.pk)
    )


@transaction.atomic
def counter_open(*, counter: Counter, by: Staff, at: dt.datetime | None = None) -> Counter:
    """The officer sits at ``counter`` (leaving any other counter they held)."""
    counter = _lock_counter(counter)
    _ensure_serve(by, counter.hall)
    if counter.staff_id and counter.staff_id != by.pk:
        raise ValidationError(
            _("Quầy số %(n)s đang do cán bộ khác phụ trách.") % {"n": counter.number}
        )
    if _active_ticket(by) is not None:
        raise ValidationError(_("Hãy kết thúc phiếu đang phục vụ trước khi đổi quầy."))
    Counter.objects.filter(staff=by).exclude(pk=counter.pk).update(staff=None, opened_at=None)
    counter.staff = by
    counter.opened_at = _now(at)
    counter.save(update_fields=["staff", "opened_at"])
    _audit(by, "counter_open", counter, {"number": counter.number})
    _bump(counter.hall_id)
    return counter


@transaction.atomic
def counter_close(*, counter: Counter, by: Staff) -> Counter:
    """The officer leaves ``counter``; refused while they still hold a ticket."""
    counter = _lock_counter(counter)
    _ensure_serve(by, counter.hall)
    if counter.staff_id != by.pk:
        raise ValidationError(_("Bạn không ngồi quầy này."))
    if _active_ticket(by) is not None:
        raise ValidationError(_("Hãy kết thúc phiếu đang phục vụ trước khi đóng quầy."))
    counter.staff = None
    counter.opened_at = None
    counter.save(update_fields=["staff", "opened_at"])
    _audit(by, "counter_close", counter, {"number": counter.number})
    _bump(counter.hall_id)
    return counter


def _active_ticket(by: Staff) -> Ticket | None:
    return (
        Ticket.objects.filter(served_by=by, status__in=ACTIVE)
        .select_related("issued_group", "group", "counter", "hall")
        .first()
    )


def active_ticket(by: Staff) -> Ticket | None:
    """The ticket the officer is calling or serving (at most one)."""
    return _active_ticket(by)


def _my_counter(by: Staff) -> Counter:
    counter = Counter.objects.filter(staff=by).select_related("hall", "hall__unit").first()
    if counter is None:
        raise ValidationError(_("Bạn chưa mở quầy nào."))
    return counter


def _waiting_for(counter: Counter, day: dt.date) -> Q:
    groups = list(counter.groups.values_list("pk", flat=True))
    return Q(hall=counter.hall_id, day=day, status=S.WAITING) & (
        Q(for_counter=counter.pk) | Q(for_counter__isnull=True, group__in=groups)
    )


def _locked_first(queryset):  # type: ignore[no-untyped-def]
    """The first row, locked; rows another counter is taking are skipped (PostgreSQL)."""
    skip = connection.features.has_select_for_update_skip_locked
    return queryset.select_for_update(skip_locked=skip).first()


def _pick(counter: Counter, day: dt.date) -> Ticket | None:
    """The next ticket for ``counter``: tickets transferred to it first, then the priority rule
    of its hall (priority first; with ``priority_run`` N, one normal ticket after N priority
    calls in a row at this counter), then the order of arrival."""
    base = Ticket.objects.filter(_waiting_for(counter, day)).order_by("queued_at", "pk")
    mine = _locked_first(base.filter(for_counter=counter.pk))
    if mine is not None:
        return mine
    run = counter.hall.priority_run
    prefer_normal = False
    if run:
        recent = list(
            Call.objects.filter(counter=counter, kind=Call.Kind.CALL, at__date__gte=day)
            .order_by("-pk")
            .values_list("ticket__priority", flat=True)[:run]
        )
        prefer_normal = len(recent) == run and all(recent)
    priority = base.exclude(priority="")
    normal = base.filter(priority="")
    order = (normal, priority) if prefer_normal else (priority, normal)
    for queryset in order:
        ticket = _locked_first(queryset)
        if ticket is not None:
            return ticket
    return None


def _record_call(ticket: Ticket, counter: Counter, kind: str, at: dt.datetime) -> None:
    Call.objects.create(hall_id=ticket.hall_id, ticket=ticket, counter=counter, kind=kind, at=at)
    _bump(ticket.hall_id)


@transaction.atomic
def ticket_call_next(*, by: Staff, at: dt.datetime | None = None) -> Ticket | None:
    """Call the next ticket to the officer's counter (None: nobody waits for it). An officer
    serves one ticket at a time."""
    at = _now(at)
    counter = _lock_counter(_my_counter(by))
    _ensure_serve(by, counter.hall)
    if _active_ticket(by) is not None:
        raise ValidationError(_("Bạn đang phục vụ một phiếu: hãy kết thúc hoặc bỏ qua trước."))
    picked = _pick(counter, timezone.localdate(at))
    if picked is None:
        return None
    ticket = _lock_ticket(picked)
    ticket.status = target("call", ticket.status)
    ticket.counter = counter
    ticket.for_counter = None
    ticket.served_by = by
    ticket.served_by_name = by.name
    ticket.called_at = at
    ticket.calls = 1
    ticket.save(
        update_fields=[
            "status",
            "counter",
            "for_counter",
            "served_by",
            "served_by_name",
            "called_at",
            "calls",
        ]
    )
    _record_call(ticket, counter, Call.Kind.CALL, at)
    _audit(by, "call", ticket, {"code": ticket.code, "counter": counter.number})
    return ticket


def _own(ticket: Ticket, by: Staff) -> None:
    if ticket.served_by_id != by.pk:
        raise ValidationError(_("Phiếu này không do bạn phục vụ."))


@transaction.atomic
def ticket_recall(*, ticket: Ticket, by: Staff, at: dt.datetime | None = None) -> Ticket:
    """Call the ticket again: the one being called, or a no-show once (later in the day)."""
    at = _now(at)
    ticket = _lock_ticket(ticket)
    _ensure_serve(by, ticket.hall)
    if ticket.status == S.NO_SHOW:
        if ticket.recalled_after_skip:
            raise ValidationError(_("Phiếu vắng mặt chỉ được gọi lại một lần."))
        if _active_ticket(by) is not None:
            raise ValidationError(_("Bạn đang phục vụ một phiếu: hãy kết thúc trước."))
        counter = _lock_counter(_my_counter(by))
        ticket.recalled_after_skip = True
        ticket.counter = counter
        ticket.served_by = by
        ticket.served_by_name = by.name
    else:
        _own(ticket, by)
        counter = ticket.counter  # type: ignore[assignment]
    ticket.status = target("recall", ticket.status)
    ticket.calls += 1
    ticket.save(
        update_fields=[
            "status",
            "calls",
            "recalled_after_skip",
            "counter",
            "served_by",
            "served_by_name",
        ]
    )
    _record_call(ticket, counter, Call.Kind.RECALL, at)
    _audit(by, "recall", ticket, {"code": ticket.code, "counter": counter.number})
    return ticket


@transaction.atomic
def ticket_skip(*, ticket: Ticket, by: Staff, at: dt.datetime | None = None) -> Ticket:
    """The called person did not come: the ticket is a no-show (it may be recalled once)."""
    ticket = _lock_ticket(ticket)
    _ensure_serve(by, ticket.hall)
    _own(ticket, by)
    ticket.status = target("skip", ticket.status)
    ticket.skipped_at = _now(at)
    ticket.save(update_fields=["status", "skipped_at"])
    _audit(by, "skip", ticket, {"code": ticket.code})
    _bump(ticket.hall_id)
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, by: Staff, at: dt.datetime | None = None) -> Ticket:
    """The person came to the counter: serving starts (waiting time ends at the call)."""
    ticket = _lock_ticket(ticket)
    _ensure_serve(by, ticket.hall)
    _own(ticket, by)
    ticket.status = target("start", ticket.status)
    ticket.started_at = _now(at)
    ticket.save(update_fields=["status", "started_at"])
    _audit(by, "start", ticket, {"code": ticket.code})
    _bump(ticket.hall_id)
    return ticket


@transaction.atomic
def ticket_finish(*, ticket: Ticket, by: Staff, at: dt.datetime | None = None) -> Ticket:
    """Serving ends; the dossiers the officer received or returned meanwhile are linked."""
    at = _now(at)
    ticket = _lock_ticket(ticket)
    _ensure_serve(by, ticket.hall)
    _own(ticket, by)
    ticket.status = target("finish", ticket.status)
    ticket.finished_at = at
    ticket.save(update_fields=["status", "finished_at"])
    linked = _link_dossiers(ticket, until=at)
    _audit(by, "finish", ticket, {"code": ticket.code, "dossiers": linked})
    _bump(ticket.hall_id)
    return ticket


@transaction.atomic
def ticket_transfer(
    *,
    ticket: Ticket,
    by: Staff,
    group: ServiceGroup | None = None,
    counter: Counter | None = None,
    at: dt.datetime | None = None,
) -> Ticket:
    """Send the ticket back to a queue — another group of the hall, or one counter — keeping
    its number and its place (``queued_at``)."""
    ticket = _lock_ticket(ticket)
    _ensure_serve(by, ticket.hall)
    _own(ticket, by)
    if (group is None) == (counter is None):
        raise ValidationError(_("Chọn một nhóm dịch vụ hoặc một quầy để chuyển phiếu."))
    if group is not None and (group.hall_id != ticket.hall_id or not group.is_active):
        raise ValidationError(_("Nhóm dịch vụ không thuộc sảnh này."))
    if counter is not None and (counter.hall_id != ticket.hall_id or counter == ticket.counter):
        raise ValidationError(_("Chọn một quầy khác của sảnh này."))
    ticket.status = target("transfer", ticket.status)
    _link_dossiers(ticket, until=_now(at))
    if group is not None:
        ticket.group = group
        ticket.for_counter = None
    else:
        ticket.for_counter = counter
    ticket.counter = None
    ticket.served_by = None
    ticket.served_by_name = ""
    ticket.called_at = None
    ticket.started_at = None
    ticket.save(
        update_fields=[
            "status",
            "group",
            "for_counter",
            "counter",
            "served_by",
            "served_by_name",
            "called_at",
            "started_at",
        ]
    )
    _audit(
        by,
        "transfer",
        ticket,
        {
            "code": ticket.code,
            "group": group.letter if group else None,
            "counter": counter.number if counter else None,
        },
    )
    _bump(ticket.hall_id)
    return ticket


# ---------------------------------------------------------------------------------------------
# The dossier a visit produced


def _link_dossiers(ticket: Ticket, *, until: dt.datetime) -> list[str]:
    """Link the dossiers its officer received or returned at the hall's desk while the ticket
    was served (the desk's history rows say who did what when; ADR 0143)."""
    if ticket.served_by_id is None or ticket.called_at is None:
        return []
    rows = (
        StatusHistory.objects.filter(
            actor_id=ticket.served_by_id,
            action__in=LINKED_ACTIONS,
            at__gte=ticket.called_at,
            at__lte=until,
            dossier__ticket_link__isnull=True,
        )
        .values_list("dossier_id", "action", "dossier__code")
        .order_by("at")
    )
    codes = []
    for dossier_id, action, code in rows:
        TicketDossier.objects.get_or_create(
            dossier_id=dossier_id,
            defaults={"ticket": ticket, "action": action, "linked_at": until},
        )
        codes.append(str(code))
    return codes


@transaction.atomic
def ticket_link_now(*, ticket: Ticket, by: Staff, at: dt.datetime | None = None) -> list[str]:
    """Link what the officer has received so far for the ticket being served (the panel calls
    it when the officer comes back from the intake form)."""
    ticket = _lock_ticket(ticket)
    _ensure_serve(by, ticket.hall)
    _own(ticket, by)
    return _link_dossiers(ticket, until=_now(at))


# ---------------------------------------------------------------------------------------------
# The satisfaction terminal


def rateable_ticket(counter: Counter) -> Ticket | None:
    """The ticket the terminal of ``counter`` asks about: the one served there now, or the last
    one finished there in the past few minutes and not rated yet."""
    current = (
        Ticket.objects.filter(counter=counter, status=S.SERVING, rating__isnull=True)
        .select_related("issued_group", "served_by__user")
        .order_by("-started_at")
        .first()
    )
    if current is not None:
        return current
    recent = timezone.now() - dt.timedelta(minutes=RATE_WINDOW_MINUTES)
    return (
        Ticket.objects.filter(
            counter=counter, status=S.DONE, finished_at__gte=recent, rating__isnull=True
        )
        .select_related("issued_group", "served_by__user")
        .order_by("-finished_at")
        .first()
    )


RATE_WINDOW_MINUTES = 5


@transaction.atomic
def ticket_rate(
    *, counter: Counter, level: int, reason: str = "", at: dt.datetime | None = None
) -> CounterRating:
    """One tap on the terminal of ``counter``: the desk's three levels, tied to the ticket
    served there and its officer (never shown to the officer), and — when the visit returned a
    dossier's result — the dossier's own rating (the desk's ``dossier_rate``, source counter)."""
    at = _now(at)
    if level not in Satisfaction.values:
        raise ValidationError(_("Mức đánh giá không hợp lệ."))
    reason = (reason or "").strip()
    if level != Satisfaction.UNSATISFIED:
        reason = ""
    if len(reason) > limits.REASON:
        raise ValidationError(_("Lý do dài quá %(n)s ký tự.") % {"n": limits.REASON})
    ticket = rateable_ticket(counter)
    if ticket is None or ticket.served_by_id is None:
        raise ValidationError(_("Hiện không có lượt phục vụ nào để đánh giá."))
    ticket = _lock_ticket(ticket)
    staff_id = ticket.served_by_id
    assert staff_id is not None
    if CounterRating.objects.filter(ticket=ticket).exists():
        raise ValidationError(_("Lượt phục vụ này đã được đánh giá."))
    _link_dossiers(ticket, until=at)
    dossier_rating = None
    for link in TicketDossier.objects.filter(ticket=ticket).select_related("dossier"):
        dossier = link.dossier
        if (
            dossier.status == DossierStatus.RETURNED
            and not Rating.objects.filter(dossier=dossier).exists()
        ):
            dossier_rating = dossier_rate(
                dossier=dossier, level=level, source=Rating.Source.COUNTER, comment=reason
            )
            break
    rating = CounterRating.objects.create(
        ticket=ticket,
        counter=counter,
        staff_id=staff_id,
        level=level,
        reason=reason,
        dossier_rating=dossier_rating,
        rated_at=at,
    )
    audit_record(
        actor=None,
        action="counters.rate",
        target=ticket,
        unit=ticket.hall.unit_id,
        data={"level": level, "dossier": dossier_rating.dossier_id if dossier_rating else None},
    )
    return rating


def dossiers_of(ticket: Ticket) -> list[Dossier]:
    """The dossiers linked to ``ticket``."""
    return [
        link.dossier
        for link in TicketDossier.objects.filter(ticket=ticket).select_related("dossier")
    ]
