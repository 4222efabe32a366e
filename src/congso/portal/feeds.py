"""RSS of a site's sections and the sitemap of a site (issue 15): live, non-private pages only,
read through the same public selectors as the pages."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.models import Page

from .chrome import Chrome, chrome_for_slug
from .models import ArticlePage, SectionPage
from .selectors import _public, section_articles


class SectionFeed(Feed):  # type: ignore[type-arg]
    """The newest 30 articles of one section (and its subsections)."""

    feed_type = Rss201rev2Feed

    def get_object(self, request: HttpRequest, site: str, path: str = "") -> SectionPage:
        chrome = chrome_for_slug(site)
        if chrome is None:
            raise Http404
        url_path = chrome.url_path + "".join(f"{c}/" for c in path.split("/") if c)
        section = SectionPage.objects.live().filter(url_path=url_path).first()
        if section is None or chrome.is_private(section.path):
            raise Http404
        section._portal_chrome = chrome  # type: ignore[attr-defined]
        return section

    def title(self, obj: SectionPage) -> str:
        chrome: Chrome = obj._portal_chrome  # type: ignore[attr-defined]
        return f"{obj.title} — {chrome.site_kind} {chrome.title}"

    def link(self, obj: SectionPage) -> str:
        return obj.get_url() or "/"

    def description(self, obj: SectionPage) -> str:
        return obj.title

    def items(self, obj: SectionPage) -> list[ArticlePage]:
        return section_articles(obj, page=1, per_page=30)[0]

    def item_title(self, item: ArticlePage) -> str:
        return item.title

    def item_description(self, item: ArticlePage) -> str:
        return item.summary

    def item_link(self, item: ArticlePage) -> str:
        return item.get_url() or "/"

    def item_pubdate(self, item: ArticlePage) -> Any:
        return item.date


def sitemap(request: HttpRequest, site: str) -> HttpResponse:
    """sitemap.xml of one site: its live, non-private pages."""
    chrome = chrome_for_slug(site)
    if chrome is None:
        raise Http404
    home = Page(pk=chrome.home_id, path=chrome.path, depth=2, url_path=chrome.url_path)
    pages = _public(Page.objects.filter(path__startswith=chrome.path), home).only(
        "url_path", "depth", "path", "last_published_at"
    )
    rows = []
    for page in pages.order_by("path"):
        url = settings.PUBLIC_URL + "/cong" + page.url_path
        when = page.last_published_at.date().isoformat() if page.last_published_at else ""
        rows.append(
            f"<url><loc>{escape(url)}</loc>"
            + (f"<lastmod>{when}</lastmod>" if when else "")
            + "</url>"
        )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(rows) + "</urlset>"
    )
    return HttpResponse(body, content_type="application/xml; charset=utf-8")
