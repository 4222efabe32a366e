"""Public reads of the portal. Everything here is what an anonymous visitor may see: live,
non-private pages of one site, and documents their agency made public. Each list costs a fixed
number of queries whatever its length (tests/test_portal_queries.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from wagtail.images.models import Rendition
from wagtail.models import Page

from congso.documents.models import OutgoingStatus, Secrecy

from .chrome import chrome_for_page
from .models import PATH_PREFIX, ArticlePage, CommentStatus, ConsultationComment, PublicDocument

THUMB = "fill-480x270"


def _public(qs: QuerySet[Any], page: Page) -> QuerySet[Any]:
    """Live pages of ``qs`` outside every private subtree of ``page``'s site."""
    qs = qs.live()  # type: ignore[attr-defined]
    chrome = chrome_for_page(page)
    for path in chrome.restricted if chrome else ():
        qs = qs.exclude(path__startswith=path)
    return qs


def _articles(root: Page) -> QuerySet[ArticlePage]:
    qs = ArticlePage.objects.descendant_of(root)  # type: ignore[attr-defined]
    return (
        _public(qs, root)
        .select_related("image")
        .prefetch_related(
            Prefetch(
                "image__renditions",
                queryset=Rendition.objects.filter(filter_spec=THUMB),
                to_attr="prefetched_renditions",
            )
        )
        .order_by("-date", "-pk")
    )


def latest_articles(home: Page, *, limit: int) -> list[ArticlePage]:
    return list(_articles(home)[:limit])


def section_articles(section: Page, *, page: int, per_page: int) -> tuple[list[ArticlePage], bool]:
    """One page of a section's articles (its subsections' too), and whether a next page exists
    (one query more than the page is read instead of counting them all)."""
    start = (page - 1) * per_page
    rows = list(_articles(section)[start : start + per_page + 1])
    return rows[:per_page], len(rows) > per_page


def related_articles(article: ArticlePage, *, limit: int) -> list[ArticlePage]:
    parent_path = article.path[: -article.steplen]
    qs = ArticlePage.objects.filter(path__startswith=parent_path, depth=article.depth).exclude(
        pk=article.pk
    )
    return list(
        _public(qs, article)
        .order_by("-date", "-pk")
        .only("title", "url_path", "date", "depth", "path")[:limit]
    )


def _public_documents(unit_id: int | None) -> QuerySet[PublicDocument]:
    # Only issued, non-secret documents are ever listed, even if a register row says public.
    if unit_id is None:
        return PublicDocument.objects.none()
    return (
        PublicDocument.objects.filter(
            unit_id=unit_id,
            outgoing__status=OutgoingStatus.ISSUED,
            outgoing__secrecy=Secrecy.NORMAL,
        )
        .select_related("outgoing", "outgoing__kind", "outgoing__signer")
        .order_by("-outgoing__issued_at", "-pk")
    )


def public_documents(unit_id: int | None, *, limit: int) -> list[PublicDocument]:
    return list(_public_documents(unit_id)[:limit])


def document_search(
    unit_id: int | None, *, q: str = "", year: str = "", limit: int = 20
) -> tuple[list[PublicDocument], bool]:
    """Public documents of a unit matching the words of ``q`` (number, symbol, abstract,
    signer) and ``year``."""
    qs = _public_documents(unit_id)
    if year.isdigit() and len(year) == 4:
        qs = qs.filter(outgoing__year=int(year))
    for word in q.split()[:8]:
        cond = (
            Q(outgoing__abstract__icontains=word)
            | Q(outgoing__notation__icontains=word)
            | Q(outgoing__signer__full_name__icontains=word)
            | Q(outgoing__kind__name__icontains=word)
        )
        if word.isdigit():
            cond |= Q(outgoing__number=int(word[:9]))
        qs = qs.filter(cond)
    rows = list(qs[: limit + 1])
    return rows[:limit], len(rows) > limit


@dataclass(frozen=True)
class Official:
    name: str
    position: str
    email: str


@dataclass
class ChartUnit:
    unit: Any
    depth: int
    officials: list[Official] = field(default_factory=list)


@dataclass
class Chart:
    agency: ChartUnit
    departments: list[ChartUnit]


def organisation_chart(unit_id: int) -> Chart | None:
    """The agency ``unit_id`` as its portal shows it: its leaders, then its active departments
    and desks (not the agencies below it: a ward has its own site) each with its head, from
    ``org``. Two queries whatever the size of the tree."""
    from congso.org.models import Role, RoleAssignment, Unit

    units = list(
        Unit.objects.filter(path__startswith=Unit.objects.filter(pk=unit_id).values("path")[:1])
        .active()
        .order_by("path")
    )
    if not units or units[0].pk != unit_id:
        return None
    root = units[0]
    kept: list[Unit] = [root]
    excluded: list[str] = []
    for unit in units[1:]:
        if any(unit.path.startswith(p) for p in excluded):
            continue
        if unit.is_agency:
            excluded.append(unit.path)
            continue
        kept.append(unit)
    by_id = {u.pk: ChartUnit(u, u.path.count("/") - root.path.count("/")) for u in kept}
    assignments = (
        RoleAssignment.objects.filter(
            unit_id__in=by_id,
            role__in=[Role.UNIT_LEADER, Role.DEPARTMENT_HEAD],
            staff__is_active=True,
            staff__user__is_active=True,
        )
        .select_related("staff__user")
        .order_by("unit__path", "role", "staff__user__full_name")
    )
    seen: set[tuple[int, int]] = set()
    for a in assignments:
        # A leader's seat is the agency: he is listed there, not under his department too.
        target = root.pk if a.role == Role.UNIT_LEADER else a.unit_id
        if (target, a.staff_id) in seen:
            continue
        seen.add((target, a.staff_id))
        user = a.staff.user
        by_id[target].officials.append(
            Official(user.full_name or user.get_username(), a.staff.position, user.email)
        )
    return Chart(by_id[root.pk], [by_id[u.pk] for u in kept[1:]])


def online_procedure_slugs() -> set[str]:
    """Slugs of the procedures citizens can submit online (the rule is eservices')."""
    from congso.eservices.selectors import online_versions

    return set(online_versions().values_list("procedure__slug", flat=True))


def unit_procedures(unit_id: int) -> list[Any]:
    from congso.org.models import Unit
    from congso.procedures.selectors import catalogue_search

    unit = Unit(pk=unit_id)
    return list(catalogue_search(unit=unit))


def published_comments(page: Page) -> list[ConsultationComment]:
    """The comments the board published on a draft, oldest first, with the unit's answers."""
    return list(
        ConsultationComment.objects.filter(page=page, status=CommentStatus.PUBLISHED)
        .only("name", "body", "answer", "created_at")
        .order_by("created_at", "pk")
    )


def comments_to_moderate(user: Any, *, status: str = CommentStatus.PENDING) -> list[Any]:
    """Comments on the drafts of the sites where ``user`` moderates (the chief's publish
    permission), newest first."""
    from wagtail.models import GroupPagePermission

    qs = ConsultationComment.objects.filter(status=status)
    if not user.is_superuser:
        roots = GroupPagePermission.objects.filter(
            group__user=user, permission__codename="publish_page"
        ).values_list("page__path", flat=True)
        where = Q(pk__in=[])
        for path in roots:
            where |= Q(page__path__startswith=path)
        qs = qs.filter(where)
    return list(qs.select_related("page").order_by("-created_at", "-pk")[:200])


def site_map_pages(chrome: Any) -> list[Any]:
    """The site's live, non-private pages below its home, articles left out (a site has
    thousands; its sections list them), in tree order with ``level`` (1 = under home)."""
    qs = Page.objects.filter(path__startswith=chrome.path, depth__gt=2).live().not_type(ArticlePage)
    for path in chrome.restricted:
        qs = qs.exclude(path__startswith=path)
    rows = list(qs.order_by("path").only("title", "url_path", "depth", "path"))
    for row in rows:
        row.level = row.depth - 2
        row.public_url = PATH_PREFIX + row.url_path
    return rows
