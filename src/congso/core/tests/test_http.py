"""client_ip trusts X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from congso.core.http import client_ip


def req(remote="10.0.0.5", xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


def test_header_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(req(xff="1.2.3.4")) == "10.0.0.5"
    assert client_ip(req()) == "10.0.0.5"


@pytest.mark.parametrize(
    "count,xff,expected",
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client's own entry is not trusted
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),  # CDN then nginx
        (2, "203.0.113.7", "10.0.0.5"),  # chain shorter than configured
        (1, "not-an-ip", "10.0.0.5"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_nth_from_the_right(settings, count, xff, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(req(xff=xff)) == expected


def test_unknown_remote_is_empty(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(req(remote="")) == ""
