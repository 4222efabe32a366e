"""Reads of dossiers, always scoped to the caller's units (never by a bare id)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, overload

from django.db import connections, router
from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.core.inputs import ascii_digits_only
from congso.core.rows import CompiledQuery
from congso.org.models import Role, Unit, UnitKind
from congso.org.selectors import role_unit_ids, role_units, staff_cached, staff_for
from congso.procedures.models import Procedure, ProcedureVersion
from congso.search.normalize import fold

from . import deadlines
from .models import OPEN_STATUSES, Dossier, Handover, Stage, Status

WORK_ROLES = [
    Role.ONESTOP_OFFICER,
    Role.SPECIALIST,
    Role.DEPARTMENT_HEAD,
    Role.UNIT_LEADER,
    Role.RECORDS_CLERK,
    Role.SYSADMIN,
]


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    """Dossiers the user may see: received, held or decided by one of their units (subtrees
    included), or handed through one of them (form 5 spans both sides of a liên thông)."""
    if getattr(user, "is_superuser", False):
        return Dossier.objects.all()
    units = role_units(user, WORK_ROLES).values("pk")
    passed = Handover.objects.filter(dossier=OuterRef("pk")).filter(
        Q(to_unit__in=units) | Q(from_unit__in=units)
    )
    return Dossier.objects.filter(
        Q(receiving_unit__in=units)
        | Q(handling_unit__in=units)
        | Q(processing_agency__in=units)
        | Q(agency__in=units)
        | Exists(passed)
    )


def _may_see(user: Any, dossier: Dossier) -> bool:
    """The visible_dossiers rule for one dossier already in hand (no scan of the table)."""
    if getattr(user, "is_superuser", False):
        return True
    ids = role_unit_ids(user, WORK_ROLES)
    if {
        dossier.receiving_unit_id,
        dossier.handling_unit_id,
        dossier.processing_agency_id,
        dossier.agency_id,
    } & ids:
        return True
    return (
        Handover.objects.filter(dossier=dossier)
        .filter(Q(to_unit_id__in=ids) | Q(from_unit_id__in=ids))
        .exists()
    )


def dossier_get_for(user: Any, code: str) -> Dossier:
    """One dossier by code (or ``#pk`` for dossiers without a code yet), or 404 if the user
    may not see it — the same answer as for a code that does not exist. Fetched by its unique
    key first, then checked against the user's units, so the cost does not grow with the table."""
    qs = Dossier.objects.select_related(
        "procedure_version__procedure__field",
        "agency",
        "receiving_unit",
        "processing_agency",
        "handling_unit",
        "handler__user",
    )
    code = (code or "").strip()
    if code.startswith("id-") and ascii_digits_only(code[3:]):
        dossier = qs.filter(pk=int(code[3:]), code__isnull=True).first()
    else:
        dossier = qs.filter(code=code).first() if code else None
    if dossier is None or not _may_see(user, dossier):
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


def dossier_ref(dossier: Dossier) -> str:
    """What URLs use for a dossier: its code, or ``id-<pk>`` before it has one."""
    return dossier.code or f"id-{dossier.pk}"


# ---------------------------------------------------------------------------------------------
# Work queues


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    roles: tuple[str, ...]


QUEUES = [
    Queue("receive", str(_("Chờ tiếp nhận, chuyển xử lý")), (Role.ONESTOP_OFFICER,)),
    Queue("assign", str(_("Chờ phân công")), (Role.DEPARTMENT_HEAD,)),
    Queue("process", str(_("Đang thụ lý")), (Role.SPECIALIST, Role.DEPARTMENT_HEAD)),
    Queue("approve", str(_("Chờ duyệt, ký, vào số")), (Role.UNIT_LEADER, Role.RECORDS_CLERK)),
    Queue("return", str(_("Chờ trả kết quả")), (Role.ONESTOP_OFFICER,)),
]
QUEUE_KEYS = {q.key for q in QUEUES}


def queue_filter(user: Any, key: str) -> Q:
    """The condition of one queue for this user (nothing if they hold none of its roles).
    Unit ids are literal lists read once per request, so the planner can use the
    (handling_unit, stage, due_at) partial index of open dossiers."""
    condition = _queue_condition(user, key)
    return Q(pk__in=[]) if condition is None else condition


def _queue_condition(user: Any, key: str) -> Q | None:
    """queue_filter, or None when the user holds none of the queue's roles (so that callers
    can skip the queue without building a query)."""

    def unit_is(stage: str, *roles: str) -> Q | None:
        if getattr(user, "is_superuser", False):
            return Q(stage=stage, handling_unit_id__in=Unit.objects.values("pk"))
        ids = role_unit_ids(user, roles)
        return Q(stage=stage, handling_unit_id__in=sorted(ids)) if ids else None

    def either(*conditions: Q | None) -> Q | None:
        present = [c for c in conditions if c is not None]
        if not present:
            return None
        combined = present[0]
        for c in present[1:]:
            combined |= c
        return combined

    if key == "receive":
        desk = unit_is(Stage.DESK, Role.ONESTOP_OFFICER)
        return (
            desk & Q(status__in=[Status.NEW, Status.ACCEPTED, Status.PROCESSING]) if desk else None
        )
    if key == "assign":
        return unit_is(Stage.DEPARTMENT, Role.DEPARTMENT_HEAD)
    if key == "process":
        staff = staff_for(user)
        mine = Q(stage=Stage.SPECIALIST, handler=staff) if staff else None
        return either(mine, unit_is(Stage.SPECIALIST, Role.DEPARTMENT_HEAD))
    if key == "approve":
        # A leader also signs recorded PDF results (the sign_result action's condition).
        to_sign = unit_is(Stage.CLERK, Role.UNIT_LEADER)
        if to_sign is not None:
            to_sign &= Q(
                status=Status.RESULT_READY,
                result_signed=False,
                result_file__iendswith=".pdf",
                electronic_result__isnull=True,
            )
        return either(
            unit_is(Stage.LEADER, Role.UNIT_LEADER),
            unit_is(Stage.CLERK, Role.RECORDS_CLERK),
            to_sign,
        )
    if key == "return":
        return unit_is(Stage.RETURN, Role.ONESTOP_OFFICER)
    raise Http404


URGENCY_LATE, URGENCY_SOON, URGENCY_OK, URGENCY_NONE = 0, 1, 2, 3


def urgency_annotation(now: dt.datetime, soon: dt.datetime) -> Case:
    return Case(
        When(due_at__isnull=True, then=Value(URGENCY_NONE)),
        When(due_at__lt=now, then=Value(URGENCY_LATE)),
        When(due_at__lt=soon, then=Value(URGENCY_SOON)),
        default=Value(URGENCY_OK),
        output_field=IntegerField(),
    )


def soon_threshold(user: Any, now: dt.datetime) -> dt.datetime:
    """'Due within one working day' uses the calendar of the user's agency."""
    staff = staff_for(user)
    unit = staff.unit.agency() if staff else Unit.objects.filter(parent__isnull=True).first()
    if unit is None:
        return now + dt.timedelta(days=1)
    return deadlines.one_working_day_from(unit, now)


def queue(
    user: Any, key: str, *, filters: dict[str, str] | None = None, now: dt.datetime | None = None
) -> QuerySet[Dossier]:
    """One work queue, open dossiers only, sorted by due time, with an ``urgency`` column."""
    now = now or timezone.now()
    qs = (
        Dossier.objects.filter(status__in=OPEN_STATUSES)
        .filter(queue_filter(user, key))
        .annotate(urgency=urgency_annotation(now, soon_threshold(user, now)))
        .select_related("procedure_version", "handling_unit", "handler__user", "receiving_unit")
    )
    return apply_filters(qs, filters or {}).order_by("due_at", "pk")


# What a queue page shows of a row and of the objects it joins (see views._queue_rows).
QUEUE_ROW_VALUES = (
    "pk",
    "code",
    "applicant_name",
    "status",
    "forwarded",
    "due_at",
    "urgency",
    "procedure_version__name",
    "handling_unit__name",
    "handling_unit__short_name",
    "handler_id",
    "handler__user__full_name",
    "handler__user__first_name",
    "handler__user__last_name",
    "handler__user__username",
    "supplement_answered_at",
)
QueueRow = dict[str, Any]


class QueueRows:
    """One queue as a Paginator sees it. A page is chosen on the narrow partial index (ids in
    due order with LIMIT, an index-only scan for an unfiltered queue) and only its rows are then
    joined to their procedure, unit and handler, whatever the shape of the queue's condition.
    Rows are plain values (QUEUE_ROW_VALUES), not model instances. ``count`` is the tab count
    when the caller already has it (no filter applied), else one COUNT query."""

    def __init__(
        self,
        user: Any,
        key: str,
        *,
        filters: dict[str, str] | None = None,
        count: int | None = None,
        now: dt.datetime | None = None,
    ) -> None:
        now = now or timezone.now()
        self._urgency = urgency_annotation(now, soon_threshold(user, now))
        ids = (
            Dossier.objects.filter(status__in=OPEN_STATUSES)
            .filter(queue_filter(user, key))
            .alias(urgency=self._urgency)
        )
        self._ids = apply_filters(ids, filters or {}).order_by("due_at", "pk").values("pk")
        self._count = count

    def count(self) -> int:
        if self._count is None:
            self._count = self._ids.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[QueueRow]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, index: int) -> QueueRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[QueueRow]: ...

    def __getitem__(self, index: int | slice) -> QueueRow | list[QueueRow]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        if index.start == index.stop:
            return []
        return list(
            Dossier.objects.filter(pk__in=self._ids[index])
            .annotate(urgency=self._urgency)
            .order_by("due_at", "pk")
            .values(*QUEUE_ROW_VALUES)
        )


def apply_filters(qs: QuerySet[Dossier], filters: dict[str, str]) -> QuerySet[Dossier]:
    condition = search_condition(filters.get("q") or "")
    if condition is not None:
        qs = qs.filter(condition)
    field = filters.get("field")
    if field:
        qs = qs.filter(procedure_version__procedure__field__code=field)
    urgency = filters.get("urgency")
    if urgency in {"0", "1", "2"}:
        qs = qs.filter(**{"urgency": int(urgency)})  # the annotation added by queue()
    status = filters.get("status")
    if status and ascii_digits_only(status):
        qs = qs.filter(status=int(status))
    return qs


OPEN_STAGES = [
    Stage.DESK,
    Stage.DEPARTMENT,
    Stage.SPECIALIST,
    Stage.LEADER,
    Stage.CLERK,
    Stage.RETURN,
]


def queue_counts(user: Any) -> dict[str, int]:
    """The size of every queue in one query, one scalar subquery per queue: each is an
    index-only scan of the partial open-dossier indexes over that queue's rows only. (One
    aggregate over the OR of the conditions made PostgreSQL visit every row in the table.)"""
    columns: list[str] = []
    params: list[Any] = []
    for q in QUEUES:
        condition = _queue_condition(user, q.key)
        if condition is None:  # the user holds none of the queue's roles
            columns.append("0")
            continue
        rows = Dossier.objects.filter(Q(status__in=OPEN_STATUSES), condition).order_by()
        sql, sql_params = rows.values(n=Func(F("pk"), function="COUNT")).query.sql_with_params()
        columns.append(f"({sql})")
        params.extend(sql_params)
    with connections[router.db_for_read(Dossier)].cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        row = cursor.fetchone()
    return {q.key: int(n or 0) for q, n in zip(QUEUES, row, strict=True)}


# ---------------------------------------------------------------------------------------------
# Intake helpers


def intake_units(user: Any) -> list[Unit]:
    """The desks (or wards, or districts) where the user receives dossiers as a one-stop
    officer, with each unit's parent loaded so that ``agency()`` costs no query (kept in the
    shared cache while the organisation does not change)."""
    return staff_cached(
        user,
        "intake-units",
        lambda: list(
            role_units(user, [Role.ONESTOP_OFFICER])
            .filter(
                kind__in=[UnitKind.ONESTOP, UnitKind.WARD, UnitKind.DISTRICT],
                dissolved_at__isnull=True,
            )
            .select_related("parent")
        ),
    )


def receiving_condition(unit: Unit, prefix: str = "") -> Q:
    """The one rule for which procedures a desk receives: those offered by its own agency, and
    (một cửa liên thông) those offered by the agencies above it short of the province. A ward
    that also receives provincial procedures (as commune service centres do since 2025) gets
    its own offer rows. Built from the unit path, so it costs no query; ``prefix`` reaches
    ``offered_by`` from the queried model (``"procedure__"`` from a version)."""
    agency = unit.agency()
    chain = [int(p) for p in agency.path.strip("/").split("/") if p] or [agency.pk]
    own = Q(**{f"{prefix}offered_by__unit_id": agency.pk})
    above = Q(
        **{
            f"{prefix}offered_by__unit_id__in": chain,
            f"{prefix}offered_by__unit__kind__in": [
                k for k in UnitKind.values if k != UnitKind.PROVINCE
            ],
        }
    )
    return (own | above) & Q(**{f"{prefix}offered_by__is_active": True})


INTAKE_PAGE_SIZE = 20


@dataclass
class ProcedurePage:
    rows: list[ProcedureVersion]
    total: int
    page: int
    size: int

    @property
    def has_next(self) -> bool:
        return self.page * self.size < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def procedures_offered_page(
    unit: Unit, query: str = "", page: int = 1, size: int = INTAKE_PAGE_SIZE
) -> ProcedurePage:
    """One page of procedures_offered: the intake list reaches every procedure the desk
    receives (a ward offers ~140), not only the first 20 (issue #12 §4)."""
    found = procedures_offered(unit, query, limit=None)
    last = max(1, -(-len(found) // size))
    page = min(max(page, 1), last)
    return ProcedurePage(found[(page - 1) * size : page * size], len(found), page, size)


def procedures_offered(
    unit: Unit, query: str = "", at: dt.date | None = None, limit: int | None = 20
) -> list[ProcedureVersion]:
    """Current published versions of the procedures the unit's agency receives, matching the
    query and ranked as the public catalogue ranks (congso.search.ranking: code, exact title,
    phrase, whole words; ties by how often this agency received it); all of them when
    ``limit`` is None."""
    from congso.procedures.selectors import candidates_filter, unit_receipts
    from congso.search.ranking import parse_query, rank

    at = at or timezone.localdate()
    parsed = parse_query(query)
    procs = Procedure.objects.filter(receiving_condition(unit)).distinct()
    if not parsed.empty:
        procs = procs.filter(candidates_filter(parsed))
    versions = (
        ProcedureVersion.objects.filter(
            procedure__in=procs.values("pk"), is_published=True, valid_from__lte=at
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .select_related("procedure")
        .order_by("procedure_id", "-number")
    )
    seen: set[int] = set()
    out: list[ProcedureVersion] = []
    for v in versions:
        if v.procedure_id not in seen:
            seen.add(v.procedure_id)
            out.append(v)
    if parsed.empty:
        out.sort(key=lambda v: v.name)
        return out[:limit]
    order = rank(
        parsed,
        [(v.procedure_id, v.procedure.search_text, v.procedure.national_code) for v in out],
        unit_receipts(unit.agency()),
    )
    by_procedure = {v.procedure_id: v for v in out}
    return [by_procedure[pk] for pk in order[:limit]]


# ---------------------------------------------------------------------------------------------
# Returning applicants and open dossiers of the same person (issue #12 §4)


def _dossiers_of_person(user: Any, id_number: str) -> QuerySet[Dossier]:
    """Dossiers the user may see (visible_dossiers) of one identity number, on its index."""
    qs = Dossier.objects.filter(applicant_id_number=id_number)
    scope = _scope_condition(user)
    return qs if scope is None else qs.filter(scope)


def returning_applicant(user: Any, id_number: str) -> dict[str, Any] | None:
    """What the latest earlier dossier of this identity number at the user's units says of
    the applicant (name, birth date, address, phone, e-mail), or None for a first visit."""
    if not re.fullmatch(r"[0-9]{12}", id_number or ""):
        return None
    row = (
        _dossiers_of_person(user, id_number)
        .order_by("-pk")
        .values(
            "applicant_name",
            "applicant_birth_date",
            "applicant_address",
            "applicant_phone",
            "applicant_email",
        )
        .first()
    )
    return dict(row) if row is not None else None


def open_same_procedure(user: Any, id_number: str, procedure_id: int) -> list[str]:
    """Codes (or ``id-<pk>``) of this person's open dossiers of the same procedure, any
    version, at the user's units: the desk warns before receiving another."""
    if not re.fullmatch(r"[0-9]{12}", id_number or ""):
        return []
    rows = (
        _dossiers_of_person(user, id_number)
        .filter(status__in=OPEN_STATUSES, procedure_version__procedure_id=procedure_id)
        .order_by("-pk")
        .values_list("pk", "code")[:5]
    )
    return [code or f"id-{pk}" for pk, code in rows]


def _versions_received(unit: Unit, version_pk: int, at: dt.date) -> QuerySet[ProcedureVersion]:
    return (
        ProcedureVersion.objects.filter(
            receiving_condition(unit, "procedure__"),
            pk=version_pk,
            is_published=True,
            valid_from__lte=at,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=at))
        .select_related("procedure")
    )


# The query of version_for_unit compiled once per database and agency (its SQL text depends on
# the agency and the agencies above it; the version and the day are values): compiling it is
# ≈ 0.9 ms of Python, three times running it. See congso.core.rows.CompiledQuery.
_RECEIVED: dict[tuple[str, int, str], CompiledQuery | None] = {}
_VERSION_MARK, _DAY_MARK = -7_340_021_977, dt.date(1, 2, 3)


def version_for_unit(unit: Unit, version_pk: int, at: dt.date | None = None) -> ProcedureVersion:
    """The version, if it is published, in force and received by the unit (receiving_condition),
    in one query. The version remembers that it was checked for this unit and day, so the
    intake service does not check it again."""
    at = at or timezone.localdate()
    agency = unit.agency()
    key = (router.db_for_read(ProcedureVersion), agency.pk, agency.path)
    if key not in _RECEIVED:
        if len(_RECEIVED) >= 1024:
            _RECEIVED.clear()
        _RECEIVED[key] = CompiledQuery.compile(
            _versions_received(unit, _VERSION_MARK, _DAY_MARK)[:1],
            {"version": _VERSION_MARK, "day": _DAY_MARK},
            {"version": 1, "day": 2},
        )
    compiled = _RECEIVED[key]
    version = (
        compiled.first(version=version_pk, day=at)
        if compiled is not None
        else _versions_received(unit, version_pk, at).first()
    )
    if version is None:
        raise Http404(_("Thủ tục không thuộc danh mục của đơn vị."))
    version._congso_received_by = (agency.pk, at)  # type: ignore[attr-defined]
    return version  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Register (form 6) and statistics


def _scope_condition(user: Any) -> Q | None:
    """visible_dossiers as one condition on the dossier row, with the user's unit ids as
    literals (read once per request), so that it can be ANDed to a query that an index already
    narrows; None for a superuser (everything)."""
    if getattr(user, "is_superuser", False):
        return None
    ids = sorted(role_unit_ids(user, WORK_ROLES))
    if not ids:
        return Q(pk__in=[])
    passed = Handover.objects.filter(dossier=OuterRef("pk")).filter(
        Q(to_unit_id__in=ids) | Q(from_unit_id__in=ids)
    )
    return (
        Q(receiving_unit_id__in=ids)
        | Q(handling_unit_id__in=ids)
        | Q(processing_agency_id__in=ids)
        | Q(agency_id__in=ids)
        | Q(Exists(passed))
    )


# What form 6 shows of a dossier (forms_pdf.register_row): a page reads nothing else of the
# wide dossier row (e-form JSON, result texts) nor of the joined ones.
REGISTER_COLUMNS = (
    "code",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "received_at",
    "due_at",
    "returned_at",
    "return_method",
    "collected_by",
    "procedure_version__name",
    "register_entry__number",
    "processing_agency__name",
)


def agencies_for(user: Any) -> list[Unit]:
    """The agencies whose register and statistics ``user`` may read: where a work role is held,
    and the agency a desk or department with such a role belongs to. Asked by the pages and by
    their background exports when they run and at download (congso.dossiers.exports)."""
    if user.is_superuser:
        return list(Unit.objects.agencies().active())
    units = role_units(user, WORK_ROLES)
    agency_kinds = [UnitKind.WARD, UnitKind.DISTRICT, UnitKind.PROVINCE]
    return list(
        Unit.objects.filter(
            Q(pk__in=units.filter(kind__in=agency_kinds).values("pk"))
            | Q(
                pk__in=units.exclude(kind__in=agency_kinds).values("parent_id"),
                kind__in=agency_kinds,
            )
        )
    )


def register_rows(
    user: Any, agency: Unit, start: dt.date, end: dt.date, field: str = "", text: str = ""
) -> QuerySet[Dossier]:
    """Dossiers of an agency received in [start, end] (local days), in receipt order (the
    order of their register numbers: both are given at acceptance). The bounds are times, not
    ``received_at__date``, so the (agency, received_at) index serves. A user who holds a role in
    the agency itself sees all its rows, so only other users' rows are checked one by one."""
    since = timezone.make_aware(dt.datetime.combine(start, dt.time(0, 0)))
    until = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0, 0)))
    qs = (
        Dossier.objects.filter(
            agency=agency,
            received_at__gte=since,
            received_at__lt=until,
            register_entry__isnull=False,
        )
        .select_related("procedure_version", "register_entry", "processing_agency")
        .only(*REGISTER_COLUMNS)
        .order_by("received_at", "pk")
    )
    scope = _scope_condition(user)
    if scope is not None and agency.pk not in role_unit_ids(user, WORK_ROLES):
        qs = qs.filter(scope)
    if field:
        qs = qs.filter(procedure_version__procedure__field__code=field)
    condition = search_condition(text)
    if condition is not None:
        qs = qs.filter(condition)
    return qs


REGISTER_PAGE_SIZE = 50


def register_cursor(dossier: Dossier) -> str:
    """The keyset position of a register row: its receipt time (µs since the epoch) and id."""
    assert dossier.received_at is not None
    return f"{int(dossier.received_at.timestamp() * 1_000_000)}_{dossier.pk}"


def _parse_cursor(value: str) -> tuple[dt.datetime, int] | None:
    micros, _sep, pk = (value or "").partition("_")
    if not (ascii_digits_only(micros) and ascii_digits_only(pk)) or len(micros) > 18:
        return None
    try:
        at = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return at.replace(microsecond=int(micros) % 1_000_000), int(pk)


@dataclass
class RegisterPage:
    """One page of the register, chosen by position (keyset), not by offset: every page costs
    one index range scan of ``size`` rows, however deep, and nothing counts the period."""

    rows: list[Dossier]
    has_previous: bool
    has_next: bool

    @property
    def previous_cursor(self) -> str:
        return register_cursor(self.rows[0]) if self.rows and self.has_previous else ""

    @property
    def next_cursor(self) -> str:
        return register_cursor(self.rows[-1]) if self.rows and self.has_next else ""


def register_page(
    rows: QuerySet[Dossier],
    *,
    after: str = "",
    before: str = "",
    day: dt.date | None = None,
    last: bool = False,
    size: int = REGISTER_PAGE_SIZE,
) -> RegisterPage:
    """The page of ``rows`` (register_rows: receipt order) that follows the row ``after``,
    precedes the row ``before``, starts at ``day`` (the first row received that day or later)
    or ends the period (``last``); the first page otherwise. A malformed cursor gives the first
    page. Two queries at most: the page (one row more than shown tells whether another page
    follows) and, when the page was reached from a date, whether any row precedes it."""
    back = _parse_cursor(before)
    forward = _parse_cursor(after)
    if back is not None or (last and forward is None):
        if back is not None:
            at, pk = back
            rows = rows.filter(
                Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk), received_at__lte=at
            )
        found = list(rows.order_by("-received_at", "-pk")[: size + 1])
        page = found[:size][::-1]
        return RegisterPage(page, has_previous=len(found) > size, has_next=back is not None)
    if forward is not None:
        at, pk = forward
        found = list(
            rows.filter(Q(received_at__gt=at) | Q(received_at=at, pk__gt=pk), received_at__gte=at)[
                : size + 1
            ]
        )
        return RegisterPage(found[:size], has_previous=True, has_next=len(found) > size)
    if day is not None:
        since = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))
        found = list(rows.filter(received_at__gte=since)[: size + 1])
        earlier = bool(found) and rows.filter(received_at__lt=since).exists()
        return RegisterPage(found[:size], has_previous=earlier, has_next=len(found) > size)
    found = list(rows[: size + 1])
    return RegisterPage(found[:size], has_previous=False, has_next=len(found) > size)


# ---------------------------------------------------------------------------------------------
# Desk search (issue #12): any dossier of the user's units, in any status


SEARCH_PAGE_SIZE = 30
_NUMBER_MARKS = re.compile(r"[\s.()-]")


def search_condition(text: str) -> Q | None:
    """What a search box's text asks for, as a condition each index can serve: digits only →
    the identity number or the phone number (exact); letters with digits → the dossier code
    (exact, upper-cased); otherwise the start of the applicant's name, folded
    (search.normalize.fold), so "nguyen van an" and "nguyen van" find "Nguyễn Văn An" (an index
    range, ADR 0056; a word inside the name, "van an", does not). None for an empty text."""
    text = (text or "").strip()[:100]
    if not text:
        return None
    digits = _NUMBER_MARKS.sub("", text)
    if digits.startswith("+84") and ascii_digits_only(digits[3:]):
        digits = "0" + digits[3:]
    if ascii_digits_only(digits):
        return Q(applicant_id_number=digits) | Q(applicant_phone=digits) | Q(applicant_phone=text)
    if any(ascii_digits_only(c) for c in text):
        return Q(code=text.upper()) | Q(code=text)
    folded = fold(text)
    # Text that folds to nothing ("_", "%", punctuation only) asks for no name: it matches
    # nothing, not everything (issue #11, finding 13).
    return Q(applicant_name_folded__startswith=folded) if folded else Q(pk__in=[])


def search_urgency(now: dt.datetime, soon: dt.datetime) -> Case:
    """The queue's urgency, and none for a closed dossier (a search finds them too)."""
    return Case(
        When(~Q(status__in=OPEN_STATUSES), then=Value(URGENCY_NONE)),
        *urgency_annotation(now, soon).cases,
        default=Value(URGENCY_OK),
        output_field=IntegerField(),
    )


def _agency_ids(user: Any) -> list[int]:
    """The agencies of the units where the user holds a work role (a department's district, a
    desk's ward): every dossier the user may see was received or is decided by one of them,
    but for one that only passed through the user's unit on its way to another agency."""
    return staff_cached(
        user,
        "work-agencies",
        lambda: sorted(
            {u.agency().pk for u in role_units(user, WORK_ROLES).select_related("parent")}
        ),
    )


@dataclass
class SearchPage:
    rows: list[QueueRow]
    next_after: int | None  # the id to continue after (newest first), None on the last page


def desk_search(
    user: Any,
    text: str,
    *,
    after: str = "",
    status: str = "",
    now: dt.datetime | None = None,
    size: int = SEARCH_PAGE_SIZE,
) -> SearchPage:
    """Dossiers of the user's units (visible_dossiers) in any status matching ``text``
    (search_condition), newest first, ``size`` at a time after the id ``after``: one query,
    whose inner part picks the ids on the indexes of the search and the outer part joins only
    those rows (as QueueRows does)."""
    condition = search_condition(text)
    if condition is None:
        return SearchPage([], None)
    ids = Dossier.objects.filter(condition)
    scope = _scope_condition(user)
    if scope is not None:
        # First the agencies of the user's units (a cheap test on the row), then the exact
        # visibility rule, whose handover test is a subquery: run for every row the name index
        # returned, it cost 780 ms for one common word at 1,000,000 dossiers (docs/performance.md).
        agencies = _agency_ids(user)
        ids = ids.filter(
            Q(agency_id__in=agencies)
            | (Q(processing_agency_id__in=agencies) & ~Q(processing_agency=F("agency")))
        ).filter(scope)
    if ascii_digits_only(after):
        ids = ids.filter(pk__lt=int(after))
    if ascii_digits_only(status):
        ids = ids.filter(status=int(status))
    now = now or timezone.now()
    found = list(
        Dossier.objects.filter(pk__in=ids.order_by("-pk").values("pk")[: size + 1])
        .annotate(urgency=search_urgency(now, soon_threshold(user, now)))
        .order_by("-pk")
        .values(*QUEUE_ROW_VALUES)
    )
    return SearchPage(found[:size], found[size - 1]["pk"] if len(found) > size else None)


def form_rows(dossier: Dossier) -> list[tuple[str, str]]:
    """The applicant's e-form as (label, shown value) pairs, in the order of the procedure
    version's form schema; values without a field in the schema follow under their key."""
    from congso.eservices.eforms import display_rows  # e-services builds on dossiers: no top import

    data = dossier.form_data or {}
    if not data:
        return []
    schema = dossier.procedure_version.form_schema or []
    rows = display_rows(schema, data)
    known = {str(spec.get("name", "")) for spec in schema}
    rows += [
        (key, "" if value is None else str(value))
        for key, value in data.items()
        if key not in known
    ]
    return rows


def supplement_reply_file(dossier: Dossier, pk: int) -> Any:
    """A file of an online answer to one of ``dossier``'s requests (None if not its own)."""
    from congso.eservices.models import SupplementReplyFile  # as above

    return SupplementReplyFile.objects.filter(pk=pk, reply__dossier=dossier).first()
