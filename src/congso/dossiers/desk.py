"""Reads of the officer's desk (issue #12 §3): the home page's counts and work list, the
arrivals the page polls for, and the liên thông list — dossiers the officer's agency forwarded
to another agency, or received from one, with where each is now.

Everything is scoped as ``selectors.visible_dossiers`` is (``_scope_condition``), and narrowed
first by conditions the open-dossier indexes serve: the user's queues (``_queue_condition``) or
the forwarded-dossier partial indexes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Count, F, Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from congso.org.models import Role, RoleAssignment, Staff, Unit, UnitKind
from congso.org.selectors import role_unit_ids, staff_cached, staff_for, user_roles

from .actions import REGISTRY
from .models import OPEN_STATUSES, Dossier, Handover, Stage, Status
from .selectors import (
    QUEUE_ROW_VALUES,
    QUEUES,
    WORK_ROLES,
    _queue_condition,
    _scope_condition,
    soon_threshold,
    urgency_annotation,
)


def home_agency_ids(user: Any) -> list[int]:
    """The agencies of the units where the user's work roles were granted: a ward officer's
    ward, a district desk officer's district — not the wards a district role oversees."""
    staff = staff_for(user)
    if staff is None:
        return []

    def compute() -> list[int]:
        rows = RoleAssignment.objects.filter(staff=staff, role__in=WORK_ROLES).select_related(
            "unit__parent__parent"
        )
        return sorted({r.unit.agency().pk for r in rows})

    return staff_cached(user, "home-agencies", compute)


def _scoped(user: Any, qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    scope = _scope_condition(user)
    return qs if scope is None else qs.filter(scope)


# ---------------------------------------------------------------------------------------------
# Liên thông

OUT, IN = "di", "den"  # the URL's words: forwarded out (chuyển đi), received in (nhận đến)
WHERE_ABOVE, WHERE_BACK = "o-cap-tren", "da-ve"


def forwarded_condition(user: Any, direction: str) -> Q:
    """Open liên thông dossiers of the user's agencies: forwarded by them (``OUT``: received
    here, decided elsewhere) or to them (``IN``). A superuser sees every forwarded dossier."""
    base = Q(forwarded=True, status__in=OPEN_STATUSES)
    if getattr(user, "is_superuser", False):
        return base
    agencies = home_agency_ids(user)
    if not agencies:
        return Q(pk__in=[])
    if direction == OUT:
        return base & Q(agency_id__in=agencies) & ~Q(processing_agency_id__in=agencies)
    return base & Q(processing_agency_id__in=agencies) & ~Q(agency_id__in=agencies)


def _back_home() -> Q:
    """The result is back at the desk that received the dossier (the ward hands it over)."""
    return Q(stage=Stage.RETURN, handling_unit_id=F("receiving_unit_id"))


# What the liên thông list shows of a row, beyond a queue row.
FORWARDED_VALUES = (
    *QUEUE_ROW_VALUES,
    "stage",
    "channel",
    "received_at",
    "receiving_unit_id",
    "handling_unit_id",
    "applicant_address",
    "procedure_version__online_level",
    "procedure_version__online_level_2015",
    "agency__name",
    "agency__short_name",
    "processing_agency__name",
    "processing_agency__short_name",
    "forwarded_at",
    "came_back_at",
)


@dataclass
class ForwardedList:
    rows: list[dict[str, Any]]
    counts: dict[str, int]  # all, above (at the other agency), back (result at the desk)
    has_more: bool


FORWARDED_PAGE_SIZE = 50


def forwarded(
    user: Any,
    direction: str,
    *,
    where: str = "",
    now: dt.datetime | None = None,
    size: int = FORWARDED_PAGE_SIZE,
) -> ForwardedList:
    """The liên thông list in due order (the most urgent first), ``size`` rows, each with the
    time it was forwarded and the time its result came back, and the counts of the list's
    filters (one query each: the rows, the counts)."""
    now = now or timezone.now()
    ids = _scoped(user, Dossier.objects.filter(forwarded_condition(user, direction)))
    counts = ids.aggregate(
        all=Count("pk"),
        above=Count("pk", filter=~_back_home()),
        back=Count("pk", filter=_back_home()),
    )
    if where == WHERE_BACK:
        ids = ids.filter(_back_home())
    elif where == WHERE_ABOVE:
        ids = ids.exclude(_back_home())
    sent = Handover.objects.filter(dossier=OuterRef("pk"), action="forward").order_by("-sent_at")
    back = Handover.objects.filter(dossier=OuterRef("pk"), action="return_forwarded").order_by(
        "-sent_at"
    )
    found = list(
        Dossier.objects.filter(pk__in=ids.order_by("due_at", "pk").values("pk")[: size + 1])
        .annotate(
            urgency=urgency_annotation(now, soon_threshold(user, now)),
            forwarded_at=Subquery(sent.values("sent_at")[:1]),
            came_back_at=Subquery(back.values("sent_at")[:1]),
        )
        .order_by("due_at", "pk")
        .values(*FORWARDED_VALUES)
    )
    return ForwardedList(
        found[:size], {k: int(v or 0) for k, v in counts.items()}, len(found) > size
    )


# ---------------------------------------------------------------------------------------------
# The officer's home: counts, work list, arrivals


def work_condition(user: Any) -> Q | None:
    """Open dossiers in any of the user's queues that the user's own agencies receive or decide
    (None: the user holds no queue's role). The queues of a district role reach down into its
    wards, where it sees but does not act (ADR 0059); the home lists what the officer acts on."""
    found = [c for q in QUEUES if (c := _queue_condition(user, q.key)) is not None]
    if not found:
        return None
    combined = found[0]
    for c in found[1:]:
        combined |= c
    combined &= Q(status__in=OPEN_STATUSES)
    if getattr(user, "is_superuser", False):
        return combined
    agencies = home_agency_ids(user)
    return combined & (Q(processing_agency_id__in=agencies) | Q(agency_id__in=agencies))


def _desk_units(user: Any) -> list[int]:
    return sorted(role_unit_ids(user, [Role.ONESTOP_OFFICER]))


# The home page's figures: key -> label; each links to the rows behind it (work_rows(key=...)).
HOME_FIGURES = ("new", "in_progress", "due_today", "overdue", "supplement", "hand_back")
_SCOPED_KEYS = {"supplement", "forwarded_out", "forwarded_back", "forwarded_in"}


def home_conditions(user: Any, now: dt.datetime) -> dict[str, Q | None]:
    """Each figure of the home page as a condition on open dossiers (None: the user holds no
    role it needs): new online dossiers awaiting intake, dossiers in progress, due today,
    overdue, newly supplemented (all within the user's queues), waiting for the applicant's
    supplement (in the user's queues or received at the user's desk), results to hand back, and
    the liên thông dossiers forwarded out, back from the other agency, and received in."""
    local = timezone.localtime(now)
    end_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0) + dt.timedelta(days=1)
    work = work_condition(user)
    desks = _desk_units(user)
    open_ = Q(status__in=OPEN_STATUSES)
    hand_back = _queue_condition(user, "return")
    return {
        "new": work & Q(status=Status.NEW) if work else None,
        "in_progress": work & Q(status__in=[Status.ACCEPTED, Status.PROCESSING]) if work else None,
        "due_today": work & Q(due_at__gte=now, due_at__lt=end_of_day) if work else None,
        "overdue": work & Q(due_at__lt=now) if work else None,
        "supplement": (
            Q(status=Status.SUPPLEMENT) & ((work or Q(pk__in=[])) | Q(receiving_unit_id__in=desks))
            if work or desks
            else None
        ),
        "hand_back": hand_back & open_ if hand_back else None,
        "new_supplement": work & Q(supplement_answered_at__isnull=False) if work else None,
        "forwarded_out": forwarded_condition(user, OUT),
        "forwarded_back": forwarded_condition(user, OUT) & _back_home(),
        "forwarded_in": forwarded_condition(user, IN),
    }


def _rows_of(user: Any, key: str, condition: Q) -> QuerySet[Dossier]:
    qs = Dossier.objects.filter(condition)
    return _scoped(user, qs) if key in _SCOPED_KEYS else qs


def home_counts(user: Any, now: dt.datetime | None = None) -> dict[str, int]:
    """Every figure of home_conditions in one statement of scalar subqueries, each served by
    the open-dossier indexes (as selectors.queue_counts)."""
    now = now or timezone.now()
    conditions = home_conditions(user, now)
    columns: list[str] = []
    params: list[Any] = []
    for key, condition in conditions.items():
        if condition is None:
            columns.append("0")
            continue
        qs = _rows_of(user, key, condition).order_by()
        sql, sql_params = qs.values(n=Func(F("pk"), function="COUNT")).query.sql_with_params()
        columns.append(f"({sql})")
        params.extend(sql_params)
    with connections[router.db_for_read(Dossier)].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    return {key: int(n or 0) for key, n in zip(conditions, row, strict=True)}


HOME_PAGE_SIZE = 30
EXPORT_LIMIT = 5000
HOME_ROW_VALUES = (*QUEUE_ROW_VALUES, "version", "stage", "updated_at")
ROW_KEYS = (*HOME_FIGURES, "new_supplement")


def work_rows(
    user: Any,
    *,
    key: str = "",
    now: dt.datetime | None = None,
    since: dt.datetime | None = None,
    limit: int | None = HOME_PAGE_SIZE,
) -> list[dict[str, Any]]:
    """The user's open work (or the rows behind one figure, ``key``) in due order, overdue
    first, ``limit`` rows; ``since``: only dossiers that arrived or changed after that time
    (what the page polls for), newest first. One query: ids picked on the indexes, then only
    those rows joined (as selectors.QueueRows)."""
    now = now or timezone.now()
    condition = home_conditions(user, now)[key] if key else work_condition(user)
    if condition is None:
        return []
    ids = _rows_of(user, key, condition)
    order: tuple[str, ...] = ("due_at", "pk")
    if since is not None:
        ids = ids.filter(updated_at__gt=since)
        order = ("-updated_at", "-pk")
    picked = ids.order_by(*order).values("pk")[: limit or EXPORT_LIMIT]
    return list(
        Dossier.objects.filter(pk__in=picked)
        .annotate(urgency=urgency_annotation(now, soon_threshold(user, now)))
        .order_by(*order)
        .values(*HOME_ROW_VALUES)
    )


def dossiers_for(user: Any, pks: list[int]) -> list[Dossier]:
    """Several dossiers by id for a multi-select action, only those the user may see (the rule of
    selectors.dossier_get_for), loaded as the detail page loads one."""
    qs = Dossier.objects.filter(pk__in=pks).select_related(
        "procedure_version__procedure__field",
        "agency",
        "receiving_unit",
        "processing_agency",
        "handling_unit",
        "handler__user",
    )
    return list(_scoped(user, qs).order_by("due_at", "pk"))


# ---------------------------------------------------------------------------------------------
# Multi-select actions: which the user may offer, and their choices. The services still decide
# for each dossier (a refusal is shown on its row).

BULK_ACTIONS = ("hand_over", "assign", "approve", "return_to_desk", "return_forwarded")


@dataclass
class BulkChoices:
    actions: list[str]
    units: list[Unit]  # hand_over: the departments of the user's agencies (a ward: itself)
    specialists: list[Staff]  # assign: specialists and heads where the user heads a department


def bulk_choices(user: Any) -> BulkChoices:
    roles = user_roles(user)
    if getattr(user, "is_superuser", False):
        roles = set(Role.values)
    actions = [a for a in BULK_ACTIONS if REGISTRY[a].roles & roles]
    units: list[Unit] = []
    if "hand_over" in actions:
        for agency in Unit.objects.filter(pk__in=home_agency_ids(user)).order_by("name"):
            departments = list(
                Unit.objects.filter(
                    parent=agency, kind=UnitKind.DEPARTMENT, dissolved_at__isnull=True
                ).order_by("name")
            )
            units += [agency, *departments] if agency.kind == UnitKind.WARD else departments
    specialists: list[Staff] = []
    if "assign" in actions:
        heads = sorted(role_unit_ids(user, [Role.DEPARTMENT_HEAD]))
        specialists = list(
            Staff.objects.filter(
                roles__role__in=[Role.SPECIALIST, Role.DEPARTMENT_HEAD],
                roles__unit_id__in=heads,
                is_active=True,
            )
            .select_related("user")
            .distinct()
            .order_by("pk")
        )
    return BulkChoices(actions, units, specialists)
