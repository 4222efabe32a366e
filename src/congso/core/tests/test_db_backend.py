"""congso.core.db.postgresql: the connection health check without a round trip."""

from __future__ import annotations

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_an_idle_connection_is_checked_without_a_query_and_a_closed_one_is_dropped(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backend")
    import psycopg

    from congso.core.db.postgresql.base import DatabaseWrapper

    assert isinstance(connections["default"], DatabaseWrapper)
    asked: list[bool] = []
    original = django_postgresql.DatabaseWrapper.is_usable

    def select_one(self):  # Django's check: SELECT 1
        asked.append(True)
        return original(self)

    monkeypatch.setattr(django_postgresql.DatabaseWrapper, "is_usable", select_one)
    connection.ensure_connection()
    assert connection.is_usable() and not asked  # idle, nothing to read: no round trip

    settings = connection.get_connection_params()
    with psycopg.connect(
        host=settings.get("host"),
        port=settings.get("port"),
        user=settings.get("user"),
        dbname="postgres",
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [connection.connection.info.backend_pid])
    time.sleep(0.2)  # the server's closing message reaches the socket
    assert connection.is_usable() is False and asked  # something to read: asked, and it is closed
    # At the start of the next request Django drops it and the next query reconnects.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert connection.connection is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
