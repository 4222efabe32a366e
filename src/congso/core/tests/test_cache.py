"""congso.core.cache.RedisCache: Django's Redis cache with one client per pool."""

from __future__ import annotations

import socket
import uuid

import pytest

from congso.core.cache import RedisCache


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_one_client_per_pool_and_the_cache_still_works():
    cache = RedisCache(
        "redis://127.0.0.1:6379/14", {"KEY_PREFIX": f"congso-test-{uuid.uuid4().hex}"}
    )
    raw = cache._cache
    assert raw.get_client(None) is raw.get_client("other-key", write=True)
    cache.set("k", {"đơn vị": 1}, 30)
    assert cache.get("k") == {"đơn vị": 1}
    assert cache.get_many(["k", "missing"]) == {"k": {"đơn vị": 1}}
    cache.delete("k")
    assert cache.get("k") is None
