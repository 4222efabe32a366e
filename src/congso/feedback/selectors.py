"""Reads of feedback cases, scoped to the caller (a department sees its own cases, an agency's
desk and leaders the cases at the agency, a citizen only their own; missing and forbidden are
the same 404)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from congso.org import policy
from congso.org.models import Staff, Unit
from congso.search.normalize import fold

from . import deadlines
from .models import Case, Status
from .workflow import OPEN_STATUSES


def _scope(user: Any) -> Q | None:
    """Cases at (or below) a unit where the user holds a role: received there, triaged there
    or handled there. None: everything (superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    units = {unit for _role, unit, _agency in policy.assignments(user)}
    if not units:
        return Q(pk__in=[])
    paths = list(Unit.objects.filter(pk__in=units).values_list("path", flat=True))
    q = Q(pk__in=[])
    for path in paths:
        q |= (
            Q(agency__path__startswith=path)
            | Q(triage_unit__path__startswith=path)
            | Q(handling_unit__path__startswith=path)
        )
    return q


def cases_for(user: Any) -> QuerySet[Case]:
    qs = Case.objects.exclude(status=Status.PENDING).select_related(
        "agency", "triage_unit__parent", "handling_unit__parent"
    )
    scope = _scope(user)
    return qs if scope is None else qs.filter(scope)


def case_get_for(user: Any, code: str) -> Case:
    case = (
        cases_for(user)
        .select_related("field", "procedure", "dossier", "merged_into", "drafted_by__user")
        .filter(code=code)
        .first()
    )
    if case is None:
        raise Http404
    return case


def work_queue(
    user: Any, *, view: str = "open", q: str = "", now: dt.datetime | None = None
) -> list[Case]:
    """Open cases (or overdue / due soon / all) of the caller, soonest due first, each with
    ``overdue`` and ``due_soon`` set."""
    now = now or timezone.now()
    qs = cases_for(user)
    if view == "all":
        qs = qs.order_by("-received_at")
    else:
        qs = qs.filter(status__in=OPEN_STATUSES).order_by("due_at", "pk")
    if view == "overdue":
        qs = qs.filter(due_at__lt=now)
    if q:
        folded = fold(q)
        qs = qs.filter(Q(code__icontains=q.strip()) | Q(search_text__contains=folded))
    rows = list(qs[:200])
    for case in rows:
        case.overdue = bool(case.is_open and case.due_at and case.due_at < now)  # type: ignore[attr-defined]
        case.due_soon = case.is_open and deadlines.is_due_soon(  # type: ignore[attr-defined]
            case.current_unit.agency(), now, case.due_at
        )
    if view == "due_soon":
        rows = [c for c in rows if c.due_soon]  # type: ignore[attr-defined]
    return rows


def staff_of(user: Any) -> Staff | None:
    from congso.org.selectors import staff_for

    return staff_for(user)


def published_for(agency: Unit, *, q: str = "", limit: int = 20) -> list[Case]:
    """The answers an agency published on its Hỏi đáp, newest first; ``q`` searched without
    diacritics in the redacted texts only."""
    qs = Case.objects.filter(agency=agency, published_at__isnull=False).only(
        "code",
        "title",
        "kind",
        "public_question",
        "public_answer",
        "published_at",
        "answered_at",
        "agency_id",
    )
    for word in fold(q).split()[:8]:
        qs = qs.filter(public_search__contains=word)
    return list(qs.order_by("-published_at")[:limit])


def case_for_sender(code: str, contact: str) -> Case | None:
    """The case with this code whose sender gave this phone or e-mail (a wrong code and a
    wrong contact give the same None)."""
    contact = (contact or "").strip().lower()
    code = (code or "").strip().upper()
    if not code or not contact:
        return None
    return (
        Case.objects.filter(code=code)
        .filter(Q(sender_phone=contact) | Q(sender_email=contact))
        .select_related("agency", "triage_unit", "handling_unit")
        .first()
    )


def cases_of_citizen(user: Any) -> QuerySet[Case]:
    return (
        Case.objects.filter(sender_user=user)
        .exclude(status=Status.PENDING)
        .order_by("-submitted_at")
    )
