"""Public forms that check a shared secret are rate-limited (issue 11: "rate limits on every
public POST"). Wagtail's password forms for a protected portal page and a protected document
collection had no lock-out: a script could try passwords without end. Now 10 tries per client
address per sliding 10 minutes, then a Vietnamese 429 with Retry-After — the right password
included, so a guesser cannot tell."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction

from congso.urls import PASSWORD_FORM_LIMIT

pytestmark = pytest.mark.django_db

SECRET = "mat-khau-chung-2026"


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    yield
    cache.clear()


def _page_form() -> str:
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title="Trang nội bộ của phường", slug="trang-noi-bo"))
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password=SECRET
    )
    return reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])


def _collection_form() -> str:
    restriction = CollectionViewRestriction.objects.create(
        collection=Collection.get_first_root_node(),
        restriction_type=CollectionViewRestriction.PASSWORD,
        password=SECRET,
    )
    return reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk])


@pytest.mark.parametrize("form", [_page_form, _collection_form], ids=["page", "collection"])
def test_password_guesses_are_limited_per_address(client, form):
    url = form()
    tries, _window = PASSWORD_FORM_LIMIT
    for n in range(tries):
        response = client.post(url, {"password": f"doan-sai-{n}", "return_url": "/"})
        assert response.status_code == 200, n  # the form again, with Wagtail's error
    response = client.post(url, {"password": SECRET, "return_url": "/"})
    assert response.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert client.get(url).status_code == 200  # the form itself still shows
    # Another address is not held back by this one's guesses.
    other = client.post(url, {"password": SECRET, "return_url": "/"}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 302
