"""The site chrome: what every page of one site shows around its content (name, logo, contacts,
menu) and what routing needs (the home page's path), kept in the shared cache under a
generation that every publish, unpublish, move, deletion and privacy change bumps. A public
page then costs its own queries only (ADR 0110)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from wagtail.models import Page, PageViewRestriction

GENERATION_KEY = "congso:portal:generation"
TTL = 600


@dataclass(frozen=True)
class MenuItem:
    title: str
    url: str


@dataclass(frozen=True)
class Chrome:
    home_id: int
    slug: str
    url_path: str
    path: str
    title: str
    site_kind: str
    unit_id: int
    unit_name: str
    address: str
    phone: str
    email: str
    responsible: str
    logo_url: str
    home_url: str
    menu: tuple[MenuItem, ...] = field(default_factory=tuple)
    # Tree paths of pages with a view restriction (their subtrees are private).
    restricted: tuple[str, ...] = field(default_factory=tuple)
    # The unit was merged (2025 reform): its addresses redirect to the successor's home.
    moved_to: str = ""

    def is_private(self, page_path: str) -> bool:
        return any(page_path.startswith(p) for p in self.restricted)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        value = time.time_ns()
        cache.add(GENERATION_KEY, value, timeout=None)
        value = cache.get(GENERATION_KEY, value)
    return int(value)


def bump(**_kwargs: Any) -> None:
    """Something a site's chrome or routing depends on changed."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)


def _build(home: Any) -> Chrome:
    from .models import HomePage

    assert isinstance(home, HomePage)
    menu = tuple(
        MenuItem(p.title, p.specific_deferred.get_url() or "#")
        for p in home.get_children().live().in_menu().order_by("path")
    )
    restricted = tuple(
        PageViewRestriction.objects.filter(page__path__startswith=home.path).values_list(
            "page__path", flat=True
        )
    )
    logo_url = ""
    if home.logo_id:
        logo_url = home.logo.get_rendition("max-160x160").url  # type: ignore[union-attr]
    moved_to = ""
    if home.unit.dissolved_at is not None:
        successor = HomePage.objects.live().filter(unit=home.unit.current()).first()
        if successor is not None and successor.pk != home.pk:
            moved_to = successor.get_url() or ""
    return Chrome(
        moved_to=moved_to,
        home_id=home.pk,
        slug=home.slug,
        url_path=home.url_path,
        path=home.path,
        title=home.title,
        site_kind=home.site_kind,
        unit_id=home.unit_id,
        unit_name=home.unit.name,
        address=home.address or home.unit.address,
        phone=home.phone or home.unit.phone,
        email=home.email or home.unit.email,
        responsible=home.responsible,
        logo_url=logo_url,
        home_url=home.get_url() or "/",
        menu=menu,
        restricted=restricted,
    )


def chrome_for_slug(slug: str) -> Chrome | None:
    """The chrome of the live site whose home page has ``slug`` (None: no such site)."""
    from .models import HomePage

    key = f"congso:portal:chrome:{generation()}:{slug}"
    found = cache.get(key)
    if found is None:
        home = (
            HomePage.objects.live()
            .filter(slug=slug, depth=2)
            .select_related("unit", "logo")
            .first()
        )
        found = _build(home) if home is not None else False
        cache.set(key, found, TTL)
    return found or None


def chrome_for_page(page: Page) -> Chrome | None:
    """The chrome of the site ``page`` belongs to (previews, pages served outside the router)."""
    url_path = page.url_path or ""
    if not url_path and page.depth is None:
        parent = page.get_parent() if page.pk else None
        url_path = parent.url_path if parent is not None else ""
    parts = [p for p in url_path.split("/") if p]
    if not parts:
        return None
    return chrome_for_slug(parts[0])
