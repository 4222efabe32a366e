"""Writing new rows on hot paths with SQL built once (issue #6, ADR 0042).

``Model.save()`` and ``bulk_create()`` compile their INSERT anew on every call: for a model of
forty columns that is ≈ 0.3 ms of Python per statement, more than the statement costs
PostgreSQL. ``insert_rows`` builds the statement text once per model, database vendor, row
count and RETURNING choice, and prepares each value exactly as Django's compiler does
(``field.pre_save`` then ``field.get_db_prep_save``), so the stored row is the same.

``pipelined`` sends a block's statements to PostgreSQL without waiting for each answer
(psycopg's pipeline mode): a transaction that holds a lock then pays one round trip per
result it reads, not one per statement.

What ``insert_rows`` does not do, as ``bulk_create``: send ``pre_save``/``post_save`` signals or call
``save()`` overrides. Use it only for models that have neither (tests check the ones in use:
``congso.core.tests.test_rows``)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connections
from django.db.models import Field, Model


@functools.cache
def _fields(model: type[Model]) -> tuple[Field[Any, Any], ...]:
    """The columns an INSERT writes: every concrete local field but the auto primary key."""
    meta = model._meta
    return tuple(f for f in meta.local_concrete_fields if f is not meta.auto_field
                 and not getattr(f, "generated", False))


@functools.cache
def _sql(model: type[Model], vendor: str, quote: Any, rows: int, returning: bool) -> str:
    meta = model._meta
    columns = ", ".join(quote(f.column) for f in _fields(model))
    one = "(" + ", ".join(["%s"] * len(_fields(model))) + ")"
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one] * rows)}"  # noqa: S608
    if returning:
        sql += f" RETURNING {quote(meta.pk.column)}"  # type: ignore[union-attr]
    return sql


def insert_rows(objs: Sequence[Model], *, returning: bool = False, using: str = "default") -> None:
    """INSERT the new, unsaved instances ``objs`` (all of one model) in one statement; with
    ``returning`` their primary keys are read back and set. Afterwards they are saved
    instances, as after ``save()``."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[using]
    fields = _fields(model)
    params: list[Any] = []
    for obj in objs:
        # As save(): a related object saved after it was assigned gives its key now, an
        # unsaved one is refused.
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
    can_return = connection.features.can_return_rows_from_bulk_insert or len(objs) == 1
    sql = _sql(model, connection.vendor, connection.ops.quote_name, len(objs), returning and can_return)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            if not can_return:
                raise NotImplementedError("RETURNING of several rows needs SQLite ≥ 3.35")
            keys = [row[0] for row in cursor.fetchall()]
            for obj, key in zip(objs, keys, strict=True):
                obj.pk = key
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


@functools.cache
def _update_sql(model: type[Model], vendor: str, quote: Any, names: tuple[str, ...]) -> str:
    meta = model._meta
    sets = ", ".join(f"{quote(meta.get_field(n).column)} = %s" for n in names)  # type: ignore[union-attr]
    return f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # type: ignore[union-attr]  # noqa: S608


def update_columns(obj: Model, names: Sequence[str], *, using: str = "default") -> None:
    """UPDATE the saved instance's ``names`` columns to its current values (as
    ``save(update_fields=names)``, without signals), by a statement built once."""
    connection = connections[using]
    fields = [obj._meta.get_field(n) for n in names]
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]  # type: ignore[union-attr]
    params.append(obj.pk)
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(type(obj), connection.vendor, connection.ops.quote_name, tuple(names)), params)


@contextlib.contextmanager
def pipelined(using: str = "default") -> Iterator[None]:
    """Inside the block, on PostgreSQL, statements are sent without waiting for their answers
    (psycopg pipeline mode); reading a result (``fetchone`` …) sends what is queued and waits
    once for all of it, and so does the block's end. Put it inside a transaction, around the
    writes made while a lock is held. An error in a queued statement is raised at that read
    or at the block's end, and the transaction fails whole, as it would have statement by
    statement.

    Within the block: no row count is known until a read (so no ``save()`` of an existing row
    or ``QuerySet.update()``, which check it: use ``update_columns``), and no savepoint that
    catches a database error and goes on (psycopg leaves a failed pipeline at the block's end
    or on ROLLBACK, not on ROLLBACK TO SAVEPOINT). Other databases run the block as it is
    (SQLite has no round trips to save)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield
