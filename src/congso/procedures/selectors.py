"""Reads of the procedure catalogue. The catalogue is public, so reads are not scoped to a
user, but only published versions valid on the given day are ever shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from congso.org.models import Unit, UnitKind
from congso.search.ranking import Query, parse_query, rank

from .models import (
    Fee,
    Field,
    InternalStep,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    UnitProcedure,
)


def _today() -> dt.date:
    return timezone.localdate()


def current_versions(at: dt.date | None = None) -> QuerySet[ProcedureVersion]:
    """Published versions in force on ``at`` (today by default)."""
    at = at or _today()
    return ProcedureVersion.objects.filter(is_published=True, valid_from__lte=at).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=at)
    )


def version_current(procedure: Procedure, at: dt.date | None = None) -> ProcedureVersion | None:
    """The version of ``procedure`` in force on ``at``; None if it has none (not yet
    published, or abolished)."""
    prefetched = getattr(procedure, "current_versions", None)
    if prefetched is not None and at is None:
        return prefetched[0] if prefetched else None
    return current_versions(at).filter(procedure=procedure).order_by("-number").first()


def procedures_offered_by(unit: Unit) -> QuerySet[Procedure]:
    """Procedures ``unit`` receives now (its active offers)."""
    procedures = catalogue_search(unit=unit)
    assert not isinstance(procedures, RankedProcedures)  # no query: a QuerySet
    return procedures


def catalogue_search(
    q: str = "",
    *,
    field: Field | str | None = None,
    level: str = "",
    online_level: str = "",
    unit: Unit | None = None,
    at: dt.date | None = None,
) -> QuerySet[Procedure] | RankedProcedures:
    """The public catalogue, filtered, and ranked when ``q`` is given.

    Without ``q``: a QuerySet ordered by field and name. With ``q``: a ``RankedProcedures``
    sequence (paginates like a QuerySet) in the order of ``congso.search.ranking.rank``: the
    national code in any form, the exact title, the phrase, whole words, then substrings;
    ties by how often ``unit`` received the procedure. Each procedure carries
    ``current_versions`` (a one-item list), fetched in a fixed number of queries whatever the
    page size.
    """
    at = at or _today()
    current = current_versions(at)
    qs = Procedure.objects.filter(Exists(current.filter(procedure=OuterRef("pk"))))
    if isinstance(field, Field):
        qs = qs.filter(field=field)
    elif field:
        qs = qs.filter(field__code=field)
    if level:
        qs = qs.filter(Q(level=level) | Q(levels__contains=level))
    if online_level:
        qs = qs.filter(Exists(current.filter(procedure=OuterRef("pk"), online_level=online_level)))
    if unit is not None:
        qs = qs.filter(
            Exists(
                UnitProcedure.objects.filter(procedure=OuterRef("pk"), unit=unit, is_active=True)
            )
        )
    query = parse_query(q)
    if query.empty:
        return _with_current(qs, current).order_by("field__name", "name", "pk")
    ids = ranked_procedure_ids(qs, query, unit=unit)
    return RankedProcedures(
        ids, lambda chunk: _with_current(Procedure.objects.filter(pk__in=chunk), current)
    )


def _with_current(
    qs: QuerySet[Procedure], current: QuerySet[ProcedureVersion]
) -> QuerySet[Procedure]:
    return qs.select_related("field").prefetch_related(
        Prefetch("versions", queryset=current.order_by("-number"), to_attr="current_versions")
    )


def candidates_filter(query: Query) -> Q:
    """The database's part of a search: every typed word, in one of its forms, occurs in
    ``search_text``; a code query matches the national code."""
    if query.code:
        return Q(national_code=query.code)
    condition = Q()
    for group in query.groups:
        alternatives = Q()
        for alternative in group:
            alternatives |= Q(search_text__contains=alternative)
        condition &= alternatives
    return condition


def unit_receipts(unit: Unit | None) -> Callable[[list[int]], dict[int, int]] | None:
    """How many dossiers ``unit`` received per procedure (the ranking's tie-break), in one
    grouped query over the candidates."""
    if unit is None:
        return None

    def count(ids: list[int]) -> dict[int, int]:
        dossier = apps.get_model("dossiers", "Dossier")
        rows = (
            dossier.objects.filter(
                Q(agency=unit) | Q(receiving_unit=unit),
                procedure_version__procedure_id__in=ids[:RANK_POPULARITY_MAX],
            )
            .values("procedure_version__procedure_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return {r["procedure_version__procedure_id"]: r["n"] for r in rows}

    return count


# Only the best candidates need the tie-break; a query matching thousands of procedures still
# costs one bounded grouped query.
RANK_POPULARITY_MAX = 500


def ranked_procedure_ids(
    qs: QuerySet[Procedure], query: Query, unit: Unit | None = None
) -> list[int]:
    """Ids of the procedures of ``qs`` matching ``query``, best first (search.ranking.rank)."""
    rows = list(
        qs.filter(candidates_filter(query))
        .order_by()
        .values_list("pk", "search_text", "national_code")
    )
    return rank(query, rows, unit_receipts(unit))


class RankedProcedures(Sequence[Procedure]):
    """Ranked ids, fetched as procedures one page at a time (Paginator and ninja's pagination
    take it like a QuerySet: ``count()``, ``len()`` and slices)."""

    def __init__(self, ids: list[int], fetch: Callable[[list[int]], QuerySet[Procedure]]) -> None:
        self.ids = ids
        self._fetch = fetch

    def count(self) -> int:  # type: ignore[override]
        return len(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def first(self) -> Procedure | None:
        page = self[:1]
        return page[0] if page else None

    def exists(self) -> bool:
        return bool(self.ids)

    def __getitem__(self, index):  # type: ignore[no-untyped-def, override]
        if isinstance(index, slice):
            chunk = self.ids[index]
            by_pk = {p.pk: p for p in self._fetch(chunk)} if chunk else {}
            return [by_pk[pk] for pk in chunk if pk in by_pk]
        return self[index : index + 1][0] if index >= 0 else self[len(self) + index :][0]

    def __iter__(self):  # type: ignore[no-untyped-def, override]
        for start in range(0, len(self.ids), 200):
            yield from self[start : start + 200]


def procedure_detail(slug: str, at: dt.date | None = None) -> Procedure | None:
    """One procedure with everything its public page shows, or None if it is not in force."""
    at = at or _today()
    current = (
        current_versions(at)
        .order_by("-number")
        .prefetch_related(
            Prefetch("papers", queryset=RequiredPaper.objects.order_by("order")),
            Prefetch("fees", queryset=Fee.objects.order_by("pk")),
            Prefetch("internal_steps", queryset=InternalStep.objects.order_by("order")),
        )
    )
    procedure = (
        Procedure.objects.select_related("field")
        .prefetch_related(
            Prefetch("versions", queryset=current, to_attr="current_versions"),
            Prefetch(
                "offered_by",
                to_attr="active_offers",
                queryset=UnitProcedure.objects.filter(is_active=True)
                .select_related("unit")
                .order_by("unit__path"),
            ),
        )
        .filter(slug=slug)
        .first()
    )
    if procedure is None or not procedure.current_versions:  # type: ignore[attr-defined]
        return None
    return procedure


def form_paper(slug: str, paper_id: int, at: dt.date | None = None) -> RequiredPaper | None:
    """A downloadable form of a procedure's current version: the paper must belong to it, so
    a guessed id cannot reach a draft or another procedure's file."""
    version = current_versions(at).filter(procedure__slug=slug).order_by("-number").first()
    if version is None:
        return None
    return version.papers.exclude(form_file="").filter(pk=paper_id).first()


def offering_units() -> QuerySet[Unit]:
    """Units that receive at least one procedure, for the catalogue's unit filter."""
    return (
        Unit.objects.active()
        .filter(
            kind__in=[UnitKind.DISTRICT, UnitKind.WARD, UnitKind.PROVINCE],
            offered_procedures__is_active=True,
        )
        .distinct()
        .order_by("path")
    )


RECEIVING_KINDS = [UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.WARD]


def receiving_units() -> QuerySet[Unit]:
    """Units that may receive procedures (province, districts, wards in being), tree order:
    the choices of the national import's tick list, and the set its answer is checked
    against."""
    return Unit.objects.active().filter(kind__in=RECEIVING_KINDS).order_by("path", "name")


def receiving_unit_groups() -> list[tuple[Unit, list[Unit]]]:
    """``receiving_units`` grouped for a tick list: each province or district followed by
    the wards under it (a ward directly under a province, as after 07/2025, goes with the
    province). One query."""
    units = list(receiving_units())
    heads = {u.pk: u for u in units if u.kind != UnitKind.WARD}
    groups: dict[int, tuple[Unit, list[Unit]]] = {}
    loose: list[Unit] = []
    for unit in units:
        if unit.kind != UnitKind.WARD:
            groups.setdefault(unit.pk, (unit, []))
        elif unit.parent_id in heads:
            groups.setdefault(unit.parent_id, (heads[unit.parent_id], []))[1].append(unit)
        else:
            loose.append(unit)
    out = list(groups.values())
    out.extend((ward, []) for ward in loose)
    return out


def fields_in_use() -> QuerySet[Field]:
    return Field.objects.filter(procedures__isnull=False).distinct().order_by("name")


@dataclass(frozen=True)
class VersionContent:
    """The papers, fees and internal steps of one version, in their order."""

    papers: tuple[RequiredPaper, ...]
    fees: tuple[Fee, ...]
    steps: tuple[InternalStep, ...]

    @property
    def fee_total(self) -> int:
        """The flat amounts due on every dossier. Conditional rows (one is picked at intake)
        and per-unit rates (they depend on a count) are not added in."""
        return sum(f.amount for f in self.fees if f.is_fixed)


_CONTENT: dict[tuple[int, dt.datetime], VersionContent] = {}
_CONTENT_MAX = 4096


def version_content(version: ProcedureVersion) -> VersionContent:
    """Papers, fees and steps of ``version``. A published version never changes (ADR 0020), so
    its content is read once per process and shared, read-only, by every intake after it; a
    draft is read each time. The key holds the creation time, so a reused primary key (a
    restored or test database) never returns another version's content."""
    key = (version.pk, version.created_at)
    cached = _CONTENT.get(key) if version.is_published else None
    if cached is not None:
        return cached
    content = VersionContent(
        papers=tuple(RequiredPaper.objects.filter(version=version).order_by("order", "pk")),
        fees=tuple(Fee.objects.filter(version=version).order_by("pk")),
        steps=tuple(InternalStep.objects.filter(version=version).order_by("order")),
    )
    if version.is_published:
        if len(_CONTENT) >= _CONTENT_MAX:
            _CONTENT.clear()
        _CONTENT[key] = content
    return content
