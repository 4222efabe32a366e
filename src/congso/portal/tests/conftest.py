"""Fixtures of the portal tests: the district's site and two ward sites with a few pages, and
the editorial board of the demo (roles from org, groups derived by the portal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from congso.portal.demo import _board
from congso.portal.models import ArticlePage, DocumentsPage, HomePage, ProceduresPage, SectionPage
from congso.portal.services import portal_site_ensure


def publish(page: Any, user: Any = None) -> Any:
    page.save_revision(user=user).publish(user=user)
    page.refresh_from_db()
    return page


def add(parent: Any, page: Any, *, live: bool = True, user: Any = None) -> Any:
    page.live = False
    parent.add_child(instance=page)
    if live:
        publish(page, user)
    else:
        page.save_revision(user=user)
    return page


def article(
    section: Any, title: str, *, live: bool = True, days: int = 0, **kw: Any
) -> ArticlePage:
    slug = kw.pop("slug", None) or f"bai-{ArticlePage.objects.count() + 1}-{days}"
    return add(
        section,
        ArticlePage(
            title=title,
            slug=slug,
            date=timezone.now() - dt.timedelta(days=days),
            summary="Tóm tắt " + title,
            body=f"<p>Nội dung {title}</p>",
            **kw,
        ),
        live=live,
    )


@dataclass
class Sites:
    org: Any
    board: dict[str, Any]
    district: HomePage
    nc: HomePage
    km: HomePage
    district_news: SectionPage
    nc_news: SectionPage
    km_news: SectionPage


def _skeleton(home: HomePage) -> SectionPage:
    news = add(home, SectionPage(title="Tin tức, sự kiện", slug="tin-tuc", show_in_menus=True))
    add(home, DocumentsPage(title="Văn bản", slug="van-ban", show_in_menus=True))
    add(
        home,
        ProceduresPage(title="Thủ tục hành chính", slug="thu-tuc-hanh-chinh", show_in_menus=True),
    )
    return news


@pytest.fixture
def sites(demo_org) -> Sites:  # type: ignore[no-untyped-def]
    from congso.documents.kinds import document_kinds_ensure

    document_kinds_ensure()
    board = _board()
    district = portal_site_ensure(unit=demo_org.district)
    nc = portal_site_ensure(unit=demo_org.wards["00343"])
    km = portal_site_ensure(unit=demo_org.wards["00352"])
    return Sites(
        demo_org,
        board,
        district,
        nc,
        km,
        _skeleton(district),
        _skeleton(nc),
        _skeleton(km),
    )
