"""Vietnamese titles give ASCII slugs (issue 15): server-side for pages saved without a slug,
and in the editor through the formatters its slug field carries."""

from __future__ import annotations

import html
import json
import re
import unicodedata

import pytest
from wagtail.test.utils.form_data import nested_form_data, rich_text

from congso.portal.models import ArticlePage
from congso.portal.slugs import editor_formatters, vietnamese_slug

from .conftest import add

TITLE = "Phường Nhân Chính ra quân làm sạch đường phố"
SLUG = "phuong-nhan-chinh-ra-quan-lam-sach-duong-pho"
# Every letter with a Vietnamese vowel or tone mark, both cases, and đ/Đ.
VIETNAMESE = (
    "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ"
)


def _apply(text: str) -> str:
    for pattern, replacement in editor_formatters():
        text = re.sub(pattern, replacement, text)
    return text


def test_server_slug_of_a_vietnamese_title():
    assert vietnamese_slug(TITLE) == SLUG
    assert (
        vietnamese_slug("Thủy lợi, hòa giải — Đông Anh (2025)") == "thuy-loi-hoa-giai-dong-anh-2025"
    )


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_editor_formatters_leave_only_ascii(form):
    text = unicodedata.normalize(form, VIETNAMESE)
    out = _apply(text)
    assert out.isascii(), [c for c in out if not c.isascii()]
    assert (
        _apply(unicodedata.normalize(form, TITLE)) == "Phuong Nhan Chinh ra quan lam sach duong pho"
    )


@pytest.mark.django_db
def test_page_saved_without_slug_gets_the_folded_one(sites):
    page = add(sites.nc_news, ArticlePage(title=TITLE, body="<p>Nội dung</p>"))
    assert page.slug == SLUG
    again = add(sites.nc_news, ArticlePage(title=TITLE, body="<p>Lần hai</p>"))
    assert again.slug == SLUG + "-2"


@pytest.mark.django_db
def test_editor_form_slug_field_carries_the_formatters(client, sites):
    client.force_login(sites.board["bientap.nc"])
    url = f"/bien-tap/pages/add/portal/articlepage/{sites.nc_news.pk}/"
    body = client.get(url).content.decode()
    attr = re.search(r'data-w-slug-formatters-value="([^"]*)"', body)
    assert attr is not None
    pairs = json.loads(html.unescape(attr.group(1)))
    assert [["[\u0300-\u036f]", "gu"], ""] in pairs and any(r == "d" for _p, r in pairs)

    # A form posted with an empty slug (no script) is saved with the folded slug.
    data = nested_form_data(
        {
            "title": TITLE,
            "slug": "",
            "date": "2026-12-03 08:00",
            "summary": "",
            "image_alt": "",
            "body": rich_text("Nội dung"),
            "author": "",
            "comments": {
                "TOTAL_FORMS": 0,
                "INITIAL_FORMS": 0,
                "MIN_NUM_FORMS": 0,
                "MAX_NUM_FORMS": 1000,
            },
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert ArticlePage.objects.get(title=TITLE).slug == SLUG
