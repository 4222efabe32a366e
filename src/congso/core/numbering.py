"""Sequential numbers: one helper for every counter CongSo keeps (ADR 0044).

A *series* is one row of a counter model: a model with a ``last`` integer column and a unique
constraint over its key columns, e.g. ``DossierCodeCounter(agency, day)`` for dossier codes,
``RegisterCounter(agency, year)`` for register rows (form 6), ``NumberCounter(unit, year,
direction, series)`` for incoming and outgoing document numbers. ``next_numbers`` bumps one or
more series and returns the new values:

- each bump is one ``UPDATE … SET last = last + 1 … RETURNING last``: it takes the row's lock
  until the caller's transaction ends, so two transactions numbering the same series queue
  there exactly as with ``SELECT … FOR UPDATE``; a rollback gives the number back (no gaps
  from failed changes);
- the statements of several series are all sent before any answer is read (one round trip
  inside ``congso.core.rows.pipelined``);
- a missing row is created on first use with ``INSERT … ON CONFLICT DO NOTHING`` (a concurrent
  creator is no error; the second one then waits on the first one's row);
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
    """Add one to each series and return the new values, in order. Must run inside a
    transaction (the caller's): the rows stay locked until it ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_numbers must run inside the caller's transaction")
    statements = []
    keys = []
    for model, key in series:
        attrs = _key(model, key)
        keys.append(attrs)
        table = model._meta.db_table
        columns = [model._meta.get_field(name).column for name in attrs]  # type: ignore[union-attr]
        where = " AND ".join(f'"{column}" = %s' for column in columns)
        sql = f'UPDATE "{table}" SET "last" = "last" + 1 WHERE {where} RETURNING "last"'  # noqa: S608
        statements.append((sql, [_column_value(v) for v in attrs.values()]))
    values: list[int | None] = [None] * len(series)
    for _attempt in range(2):
        cursors = []
        for i, (sql, params) in enumerate(statements):
            if values[i] is None:
                cursor = connection.cursor()
                cursor.execute(sql, params)
                cursors.append((i, cursor))
        for i, cursor in cursors:
            with cursor:
                row = cursor.fetchone()
            if row is not None:
                values[i] = int(row[0])
            else:
                model = series[i][0]
                model._default_manager.bulk_create(
                    [model(**keys[i], last=0)], ignore_conflicts=True
                )
        if all(v is not None for v in values):
            return [int(v) for v in values if v is not None]
    raise RuntimeError(f"counters {series} could not be created")


def next_number(model: type[Model], **key: Any) -> int:
    """Add one to the series ``model(**key)`` and return the new value (see ``next_numbers``)."""
    return next_numbers((model, key))[0]


def peek_number(model: type[Model], **key: Any) -> int:
    """The number the series would give next, without taking it (for display only: another
    transaction may take it first)."""
    last = model._default_manager.filter(**_key(model, key)).values_list("last", flat=True).first()
    return int(last or 0) + 1
