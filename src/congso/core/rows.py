"""Writing new rows on hot paths with SQL built once (issue #6, ADR 0042).

``Model.save()`` and ``bulk_create()`` compile their INSERT anew on every call: for a model of
forty columns that is ≈ 0.3 ms of Python per statement, more than the statement costs
PostgreSQL. ``insert_rows`` builds the statement text once per model, database vendor, row
count and RETURNING choice, and prepares each value exactly as Django's compiler does
(``field.pre_save`` then ``field.get_db_prep_save``), so the stored row is the same.

``CompiledQuery`` does the same for a read: a queryset compiled once with stand-in values,
then run with real ones.

``pipelined`` sends a block's statements to PostgreSQL without waiting for each answer
(psycopg's pipeline mode): a transaction that holds a lock then pays one round trip per
result it reads, not one per statement.

What ``insert_rows`` does not do, as ``bulk_create``: send ``pre_save``/``post_save`` signals or call
``save()`` overrides. Use it only for models that have neither (tests check the ones in use:
``congso.core.tests.test_rows``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Field, Model, QuerySet


@functools.cache
def _fields(model: type[Model]) -> tuple[Field[Any, Any], ...]:
    """The columns an INSERT writes: every concrete local field but the auto primary key."""
    meta = model._meta
    return tuple(
        f
        for f in meta.local_concrete_fields
        if f is not meta.auto_field and not getattr(f, "generated", False)
    )


_INSERT_SQL: dict[tuple[type[Model], str, int, bool], str] = {}


def _sql(connection: Any, model: type[Model], rows: int, returning: bool) -> str:
    """The INSERT text, built once per model, database vendor, row count and RETURNING choice."""
    key = (model, connection.vendor, rows, returning)
    sql = _INSERT_SQL.get(key)
    if sql is None:
        quote, meta = connection.ops.quote_name, model._meta
        columns = ", ".join(quote(f.column) for f in _fields(model))
        one = "(" + ", ".join(["%s"] * len(_fields(model))) + ")"
        sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([one] * rows)}"  # noqa: S608
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"  # type: ignore[union-attr]
        _INSERT_SQL[key] = sql
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
    if returning and len(objs) > 1 and not connection.features.can_return_rows_from_bulk_insert:
        raise NotImplementedError(
            "RETURNING of several rows needs SQLite ≥ 3.35"
        )  # before writing anything
    sql = _sql(connection, model, len(objs), returning)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            keys = [row[0] for row in cursor.fetchall()]
            for obj, key in zip(objs, keys, strict=True):
                obj.pk = key
    for obj in objs:
        obj._state.adding = False
        obj._state.db = using


_UPDATE_SQL: dict[tuple[type[Model], str, tuple[str, ...]], str] = {}


def _update_sql(connection: Any, model: type[Model], names: tuple[str, ...]) -> str:
    key = (model, connection.vendor, names)
    sql = _UPDATE_SQL.get(key)
    if sql is None:
        quote, meta = connection.ops.quote_name, model._meta
        sets = ", ".join(f"{quote(meta.get_field(n).column)} = %s" for n in names)  # type: ignore[union-attr]
        sql = _UPDATE_SQL[key] = (
            f"UPDATE {quote(meta.db_table)} SET {sets} WHERE {quote(meta.pk.column)} = %s"  # type: ignore[union-attr]  # noqa: S608
        )
    return sql


def update_columns(obj: Model, names: Sequence[str], *, using: str = "default") -> None:
    """UPDATE the saved instance's ``names`` columns to its current values (as
    ``save(update_fields=names)``, without signals), by a statement built once."""
    connection = connections[using]
    fields = [obj._meta.get_field(n) for n in names]
    params = [f.get_db_prep_save(f.pre_save(obj, False), connection) for f in fields]  # type: ignore[union-attr]
    params.append(obj.pk)
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(connection, type(obj), tuple(names)), params)


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


@dataclass(frozen=True)
class _Part:
    """Where one model's columns sit in a compiled query's rows."""

    model: type[Model]
    names: tuple[str, ...]
    start: int
    stop: int
    field: Any = None  # the select_related field on the main model, for a related part


@dataclass(frozen=True)
class CompiledQuery:
    """A queryset's SQL compiled once, with stand-in values (markers) where the real values
    go, and run again with real values: ``first(**values)`` gives the first row's instance,
    its select_related objects attached, exactly as ``queryset.first()`` would.

    ``compile`` returns None when the compiled query is not one it can run this way (a marker
    not found exactly as often as ``counts`` says, related objects deeper than one level,
    columns not in the model's order): callers then use the ORM. Keep one per database alias
    and per shape of the query (what changes the SQL text, not only its values)."""

    sql: str
    slots: tuple[tuple[str | None, Any, Callable[[Any], Any] | None], ...]
    parts: tuple[_Part, ...]
    converters: Any  # compiler.get_converters(): {position: (functions, expression)}
    alias: str

    @classmethod
    def compile(
        cls, queryset: QuerySet[Any], markers: dict[str, Any], counts: dict[str, int]
    ) -> CompiledQuery | None:
        connection = connections[queryset.db]
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        forms: list[tuple[str, Any, Callable[[Any], Any] | None]] = []
        for name, marker in markers.items():
            forms.append((name, marker, None))
            if isinstance(marker, dt.date) and not isinstance(marker, dt.datetime):
                adapt = connection.ops.adapt_datefield_value
                if adapt(marker) != marker:
                    forms.append((name, adapt(marker), adapt))
        slots: list[tuple[str | None, Any, Callable[[Any], Any] | None]] = []
        for param in params:
            # A marker comes back as itself, adapted (a date as text on SQLite), or wrapped in
            # a subclass of its type (psycopg's Int8 for a bigint column): the value given at
            # run time gets the same treatment.
            found = next(
                (
                    (n, a if a is not None or type(param) is type(m) else type(param))
                    for n, m, a in forms
                    if isinstance(param, type(m)) and param == m
                ),
                None,
            )
            slots.append((found[0], None, found[1]) if found else (None, param, None))
        if any(sum(1 for s in slots if s[0] == name) != n for name, n in counts.items()):
            return None
        info = compiler.klass_info
        if info is None:
            return None

        def part(klass_info: dict[str, Any], field: Any = None) -> _Part | None:
            model, positions = klass_info["model"], klass_info["select_fields"]
            names = [compiler.select[i][0].target.attname for i in positions]
            if names != [f.attname for f in model._meta.concrete_fields] or positions != list(
                range(positions[0], positions[0] + len(positions))
            ):
                return None
            return _Part(model, tuple(names), positions[0], positions[0] + len(positions), field)

        parts = [part(info)]
        for related in info.get("related_klass_infos", []):
            if related.get("related_klass_infos") or related.get("reverse"):
                return None
            parts.append(part(related, related["field"]))
        if any(p is None for p in parts):
            return None
        converters = compiler.get_converters([col for col, _sql, _alias in compiler.select])
        return cls(
            sql=sql,
            slots=tuple(slots),
            parts=tuple(p for p in parts if p is not None),
            converters=converters,
            alias=queryset.db,
        )

    def first(self, **values: Any) -> Model | None:
        connection = connections[self.alias]
        params = [
            value if name is None else (adapt(values[name]) if adapt else values[name])
            for name, value, adapt in self.slots
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        for position, (functions, expression) in self.converters.items():
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
        main, *related = self.parts
        obj = main.model.from_db(self.alias, main.names, row[main.start : main.stop])
        for p in related:
            columns = row[p.start : p.stop]
            pk_at = p.names.index(p.model._meta.pk.attname)  # type: ignore[union-attr]
            other = (
                None if columns[pk_at] is None else p.model.from_db(self.alias, p.names, columns)
            )
            p.field.set_cached_value(obj, other)
        return obj
