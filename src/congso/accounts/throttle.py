"""Counters for rate limits in the shared Django cache (Redis in production), so every worker
process and server counts the same attempts.

A window of ``window`` seconds is split into BUCKETS slots; a hit increments the current
slot, the count is the sum of the slots still inside the window (a sliding window to within
one slot, no reset at a fixed minute). The cache's ``incr`` is atomic in Redis.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

BUCKETS = 10
PREFIX = "congso:rl"


def _ident(ident: str) -> str:
    # Addresses and logins are personal data and may hold any character: keep only a digest.
    return hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _keys(scope: str, ident: str, window: int, now: float) -> tuple[str, list[str]]:
    slot = max(1, window // BUCKETS)
    current = int(now // slot)
    base = f"{PREFIX}:{scope}:{_ident(ident)}:{slot}"
    return f"{base}:{current}", [f"{base}:{current - i}" for i in range(BUCKETS)]


def count(scope: str, ident: str, *, window: int) -> int:
    """Hits recorded for ``ident`` in ``scope`` during the last ``window`` seconds."""
    _current, keys = _keys(scope, ident, window, time.time())
    return sum(int(v) for v in cache.get_many(keys).values())


def hit(scope: str, ident: str, *, window: int) -> int:
    """Record one hit and return the count including it."""
    now = time.time()
    current, keys = _keys(scope, ident, window, now)
    if not cache.add(current, 1, timeout=window + max(1, window // BUCKETS)):
        try:
            cache.incr(current)
        except ValueError:  # expired between add and incr
            cache.add(current, 1, timeout=window)
    return sum(int(v) for v in cache.get_many(keys).values())


def exceeded(scope: str, ident: str, *, limit: int, window: int) -> bool:
    """Whether ``limit`` hits were already recorded in the window (the next one is refused)."""
    return count(scope, ident, window=window) >= limit


def clear(scope: str, ident: str, *, window: int) -> None:
    _current, keys = _keys(scope, ident, window, time.time())
    cache.delete_many(keys)
