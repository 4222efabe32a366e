"""The client's address for rate limits, audit and the payment gateway.

Behind a reverse proxy REMOTE_ADDR is the proxy, so every citizen would share one rate-limit
bucket. Each trusted proxy appends the address it received the request from to
X-Forwarded-For, so with N trusted proxies (settings.TRUSTED_PROXY_COUNT) the N-th entry from
the right is the client as seen by the outermost proxy; entries further left are whatever the
client sent and are never trusted. With N = 0 the header is ignored entirely.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: Any) -> str:
    """The client's IP address (``""`` if unknown). Also django-axes' AXES_CLIENT_IP_CALLABLE."""
    meta = getattr(request, "META", None) or {}
    remote = _valid(str(meta.get("REMOTE_ADDR", "") or "")) or ""
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    header = str(meta.get("HTTP_X_FORWARDED_FOR", "") or "")
    hops = [h.strip() for h in header.split(",") if h.strip()]
    if len(hops) < count:
        # Fewer entries than trusted proxies: the chain is not what was configured; do not
        # guess from what is there.
        return remote
    return _valid(hops[-count]) or remote
