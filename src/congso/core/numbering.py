"""Sequential numbers: one helper for every counter CongSo keeps (ADR 0044).

A *series* is one row of a counter model: a model with a ``last`` integer column and a unique
constraint over its key columns, e.g. ``DossierCodeCounter(agency, day)`` for dossier codes,
``RegisterCounter(agency, year)`` for register rows (form 6), ``NumberCounter(unit, year,
direction, series)`` for incoming and outgoing document numbers. ``next_numbers`` bumps one or
more series and returns the new values:

- each bump is one upsert, ``INSERT … ON CONFLICT (key) DO UPDATE SET last = last + 1 …
  RETURNING last``: it creates the row on first use and takes its lock until the caller's
  transaction ends, so two transactions numbering the same series queue there exactly as
  with ``SELECT … FOR UPDATE``; a rollback gives the number back (no gaps from failed
  changes);
- several series are taken in one fixed order (no deadlock between two transactions that
  need the same two), and all statements are sent before any answer is read (one round trip
  inside ``congso.core.rows.pipelined``);
- on SQLite, which has no row locks, the IMMEDIATE transactions of ADR 0003 serialise writers.

Call it inside the transaction of the change that uses the number, as late as the change
allows (the row stays locked until commit). The unique constraints on the numbered objects are
the last guard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

Series = tuple[type[Model], Mapping[str, Any]]


def _column_value(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def _key(model: type[Model], key: Mapping[str, Any]) -> dict[str, Any]:
    """The key with model instances replaced by their primary keys, named by attribute
    (``agency`` → ``agency_id``), so it serves both the UPDATE and the row's creation."""
    out = {}
    for name, value in key.items():
        field = model._meta.get_field(name)
        out[field.attname] = value.pk if isinstance(value, Model) else value  # type: ignore[union-attr]
    return out


def next_numbers(*series: Series) -> list[int]:
    """Add one to each series and return the new values, in the caller's order. Must run
    inside a transaction (the caller's): the rows stay locked until it ends.

    Each series is one upsert (``INSERT … ON CONFLICT (key) DO UPDATE SET last = last + 1
    RETURNING last``), taken in one fixed order (table, then key) whatever the caller's order:
    a transaction never holds one series while waiting to create another that a second
    transaction holds the other way round (an UPDATE-then-create pair deadlocked on a new
    day's first intakes)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_numbers must run inside the caller's transaction")
    quote = connection.ops.quote_name
    statements = []
    for index, (model, key) in enumerate(series):
        attrs = _key(model, key)
        table = quote(model._meta.db_table)
        columns = [quote(model._meta.get_field(name).column) for name in attrs]  # type: ignore[union-attr, arg-type]
        names = ", ".join(columns)
        sql = (
            f"INSERT INTO {table} ({names}, {quote('last')}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))}, 1) "
            f"ON CONFLICT ({names}) DO UPDATE SET {quote('last')} = {table}.{quote('last')} + 1 "
            f"RETURNING {quote('last')}"
        )
        params = [_column_value(v) for v in attrs.values()]
        statements.append(((model._meta.db_table, [str(p) for p in params]), index, sql, params))
    values: list[int] = [0] * len(series)
    cursors = []
    for _order, index, sql, params in sorted(statements, key=lambda s: s[0]):
        cursor = connection.cursor()
        cursor.execute(sql, params)
        cursors.append((index, cursor))
    for index, cursor in cursors:
        with cursor:
            row = cursor.fetchone()
        values[index] = int(row[0])
    return values


def next_number(model: type[Model], **key: Any) -> int:
    """Add one to the series ``model(**key)`` and return the new value (see ``next_numbers``)."""
    return next_numbers((model, key))[0]


def peek_number(model: type[Model], **key: Any) -> int:
    """The number the series would give next, without taking it (for display only: another
    transaction may take it first)."""
    last = model._default_manager.filter(**_key(model, key)).values_list("last", flat=True).first()
    return int(last or 0) + 1
