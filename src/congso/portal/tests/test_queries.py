"""≤ 6 queries per public page, whatever the amount of content (issue 15)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from congso.documents.tests.factories import OutgoingFactory
from congso.portal.services import document_make_public

from .conftest import article

pytestmark = pytest.mark.django_db
LIMIT = 6


def _count(client, url):
    client.get(url)  # warm: chrome in the cache, renditions generated
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), ctx


def _content(sites, n):
    image = Image.objects.first() or Image.objects.create(title="Ảnh", file=get_test_image_file())
    for i in range(n):
        article(
            sites.nc_news,
            f"Tin số {i}",
            slug=f"tin-{n}-{i}",
            image=image if i % 2 else None,
            image_alt="Ảnh minh họa",
            days=i,
        )
    leader = sites.org.user("lanhdao.nc")
    for _i in range(n):
        doc = OutgoingFactory(agency=sites.org.wards["00343"], signer=leader, issued=True)
        document_make_public(outgoing=doc, by=sites.org.user("vanthu.nc"))


URLS = [
    "/cong/nhan-chinh/",
    "/cong/nhan-chinh/tin-tuc/",
    "/cong/nhan-chinh/tin-tuc/tin-3-1/",
    "/cong/nhan-chinh/van-ban/",
    "/cong/nhan-chinh/van-ban/?q=Quyết&nam=2026",
    "/cong/nhan-chinh/thu-tuc-hanh-chinh/",
]


def test_queries_per_page_bounded_and_constant(client, sites):
    _content(sites, 3)
    small = {}
    for url in URLS:
        small[url], ctx = _count(client, url)
        assert small[url] <= LIMIT, (url, [q["sql"][:160] for q in ctx.captured_queries])
    _content(sites, 8)
    cache.clear()
    for url in URLS:
        n, ctx = _count(client, url)
        if n != small[url]:
            with open("/tmp/portal-q.txt", "a") as f:
                f.write(url + "\n" + "\n".join(q["sql"] for q in ctx.captured_queries) + "\n\n")
        assert n == small[url], (url, small[url], [q["sql"][:300] for q in ctx.captured_queries])
