"""Django's PostgreSQL backend, with a cheaper connection health check.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every request
that reuses a connection: one more round trip for every page and API call (for the public
lookup, a third of its round trips). A server that ends a session (restart, administrator,
idle timeout) sends its reason and closes the socket, so an idle connection whose socket has
nothing to read is still open: that is checked with a zero-timeout ``select()``. Anything to
read (the closing message, a notice) or a connection not idle falls back to Django's
``SELECT 1``. A link that dies without a word from the server is found as before: by the
first query's error, after which Django drops the connection."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.pgconn.transaction_status != pq.TransactionStatus.IDLE:
            return bool(super().is_usable())
        try:
            readable, _writable, _failed = select.select([connection.pgconn.socket], [], [], 0)
        except (OSError, ValueError, Exception):
            return False
        return True if not readable else bool(super().is_usable())
