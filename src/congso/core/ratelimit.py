"""Rate limits in the shared cache with a sliding window (issue #11, finding 12; ADR 0097).

One interface: ``hit(key, limit, window)`` records an attempt and says whether it is allowed
and, if not, in how many seconds one would be. The count is a sliding window estimated from
two fixed windows (the current one and the one before, weighted by how much of it still lies
inside the last ``window`` seconds), so a client cannot spend the limit at 12:00:59 and again
at 12:01:00 as it could with counters that reset on the minute. A refused attempt is not
counted: a client that keeps knocking gets exactly ``limit`` per window, not fewer.

The counters live in the default cache, shared by every worker process and server when it is
Redis (production: CACHE_URL=redis://…; ``check --deploy`` warns on a per-process cache). On
Redis a hit is one round trip (a Lua script, EVALSHA, reads both windows and increments);
other backends (locmem in tests and the demo) go through the portable cache API, which is not
atomic between the read and the increment — good enough for one process.

Keys hold a digest of the caller's identity (an address, a login): personal data is not kept
in the cache's key space.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from redis import exceptions as redis_exceptions

from .http import client_ip

View = Callable[..., HttpResponse]

PREFIX = "congso:rate"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until an attempt would be allowed; 0 when allowed
    count: float  # the sliding-window estimate including this attempt when allowed

    def __bool__(self) -> bool:
        return self.allowed


# KEYS: current window, previous window. ARGV: limit, weight of the previous window
# (a decimal string), time to live of the current window's counter in seconds.
# Returns {allowed (0/1), current count, previous count}.
_HIT_LUA = """
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * tonumber(ARGV[2]) + current + 1 > tonumber(ARGV[1]) then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return {1, current, previous}
"""
# The script bound to one redis-py client, per Django Redis cache object.
_scripts: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _windows(key: str, window: int, now: float) -> tuple[str, str, float]:
    """The two counters' keys and the previous window's weight at ``now``."""
    index, into = divmod(now, window)
    base = f"{PREFIX}:{_digest(key)}:{window}"
    return f"{base}:{int(index)}", f"{base}:{int(index) - 1}", 1.0 - into / window


def _retry_after(limit: int, window: int, now: float, current: int, previous: int) -> int:
    """Seconds until ``previous * weight + current + 1 <= limit`` holds again."""
    into = now % window
    if limit <= 0:
        return window
    if current + 1 > limit:
        # Wait for the next window; there this window's count is the previous one and decays.
        wait = (
            (window - into) + window * max(0.0, 1 - (limit - 1) / current)
            if current
            else window - into
        )
    else:
        # Within this window, once the previous window's weight has fallen far enough.
        weight_needed = (limit - 1 - current) / previous if previous else 1.0
        wait = window * (1 - weight_needed) - into
    return max(1, math.ceil(wait))


def _redis_hit(backend: RedisCache, keys: list[str], args: list[Any]) -> list[int]:
    raw = backend._cache
    script = _scripts.get(raw)
    if script is None:
        client = raw.get_client(None, write=True)
        script = _scripts[raw] = client.register_script(_HIT_LUA)
    full = [backend.make_and_validate_key(k) for k in keys]
    # EVALSHA on a pooled connection directly (the script object's retry and callback layers
    # cost ≈ 40 µs, a few per cent of a lookup); anything unusual — the script not loaded (a
    # restarted Redis), a broken connection — goes through the script object, which loads the
    # script and retries as redis-py does.
    pool = script.registered_client.connection_pool  # type: ignore[union-attr]
    connection = pool.get_connection()
    try:
        connection.send_command("EVALSHA", script.sha, len(full), *full, *args)
        return [int(v) for v in connection.read_response()]
    except (
        redis_exceptions.ResponseError,
        redis_exceptions.ConnectionError,
        redis_exceptions.TimeoutError,
    ):
        connection.disconnect()
    finally:
        pool.release(connection)
    return [int(v) for v in script(keys=full, args=args)]


def _portable_hit(backend: Any, keys: list[str], limit: int, weight: float, ttl: int) -> list[int]:
    values = backend.get_many(keys)
    current, previous = int(values.get(keys[0], 0)), int(values.get(keys[1], 0))
    if previous * weight + current + 1 > limit:
        return [0, current, previous]
    if backend.add(keys[0], 1, timeout=ttl):
        return [1, 1, previous]
    try:
        return [1, int(backend.incr(keys[0])), previous]
    except ValueError:  # expired between add and incr
        backend.set(keys[0], 1, timeout=ttl)
        return [1, 1, previous]


def hit(key: str, limit: int, window: int, *, now: float | None = None) -> Decision:
    """Record one attempt for ``key`` (a scope and an identity, e.g. ``"lookup:203.0.113.5"``)
    against ``limit`` attempts per sliding ``window`` seconds. A refused attempt is not
    recorded."""
    now = time.time() if now is None else now
    current_key, previous_key, weight = _windows(key, window, now)
    ttl = 2 * window + 1  # the counter serves as the previous window for one more window
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        allowed, current, previous = _redis_hit(
            backend, [current_key, previous_key], [limit, repr(weight), ttl]
        )
    else:
        allowed, current, previous = _portable_hit(
            backend, [current_key, previous_key], limit, weight, ttl
        )
    estimate = previous * weight + current
    if allowed:
        return Decision(True, 0, estimate)
    return Decision(False, _retry_after(limit, window, now, current, previous), estimate)


def reset(key: str, window: int) -> None:
    """Forget the attempts recorded for ``key`` (both windows)."""
    current_key, previous_key, _weight = _windows(key, window, time.time())
    caches["default"].delete_many([current_key, previous_key])


def limit_posts(scope: str, limit: int, window: int) -> Callable[[View], View]:
    """A view decorator: at most ``limit`` POSTs per sliding ``window`` seconds from one client
    address (``core.http.client_ip``) for ``scope``; past that a Vietnamese 429 page with
    Retry-After, and the view is not called. For public forms that check a secret (a protected
    page's shared password) and have no lock-out of their own."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                decision = hit(f"{scope}:{client_ip(request) or 'unknown'}", limit, window)
                if not decision.allowed:
                    minutes = max(1, math.ceil(decision.retry_after / 60))
                    response = render(
                        request,
                        "core/too_many.html",
                        {
                            "message": _(
                                "Bạn đã thử quá nhiều lần. Vui lòng thử lại sau {n} phút."
                            ).format(n=minutes)
                        },
                        status=429,
                    )
                    response["Retry-After"] = str(decision.retry_after)
                    return response
            return view(request, *args, **kwargs)

        return limited

    return decorate
