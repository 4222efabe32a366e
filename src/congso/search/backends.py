"""Full-text search behind one small interface, on SQLite FTS5 or PostgreSQL full text.

Everything stored and every query is folded first (``normalize.fold_words``: no diacritics,
lower case, đ→d, punctuation to spaces, so both databases see the same plain words), so hoà/hòa, thuỷ/thủy, NFC/NFD and upper/lower case all meet. Query words are
matched as whole words and all must occur (AND). Results are ids of the indexed objects,
newest entry first, capped by ``limit``; callers apply their own permission scopes to them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from congso.core.inputs import like_escape

from .models import SearchEntry
from .normalize import fold, fold_words


@dataclass
class IndexItem:
    doc_type: str
    doc_id: int
    unit_id: int | None
    texts: Sequence[str]
    kind: str = ""
    status: str = ""
    sender: str = ""
    date: dt.date | None = None


@dataclass
class Filters:
    unit_ids: Iterable[int] | None = None
    kind: str = ""
    status: str = ""
    sender: str = ""  # folded substring of the sender
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    extra: dict[str, object] = field(default_factory=dict)


class SearchBackend:
    """Shared bookkeeping; subclasses keep their full-text structure in step with
    ``SearchEntry`` and translate the query."""

    vendor = ""

    def index(self, item: IndexItem) -> None:
        """Add or replace one object in the index."""
        self.bulk_index([item])

    @transaction.atomic
    def bulk_index(self, items: Sequence[IndexItem]) -> None:
        """Add or replace many objects (one statement per batch where the database allows)."""
        if not items:
            return
        keys = {(i.doc_type, i.doc_id) for i in items}
        for doc_type in {k[0] for k in keys}:
            ids = [k[1] for k in keys if k[0] == doc_type]
            self._delete(SearchEntry.objects.filter(doc_type=doc_type, doc_id__in=ids))
        entries = SearchEntry.objects.bulk_create(
            [
                SearchEntry(
                    doc_type=i.doc_type,
                    doc_id=i.doc_id,
                    unit_id=i.unit_id,
                    kind=i.kind,
                    status=i.status,
                    sender=fold(i.sender)[:300],
                    date=i.date,
                    body=" ".join(fold_words(" ".join(t for t in i.texts if t))),
                )
                for i in items
            ],
            batch_size=2000,
        )
        self._after_insert(entries)

    def remove(self, doc_type: str, doc_id: int) -> None:
        self._delete(SearchEntry.objects.filter(doc_type=doc_type, doc_id=doc_id))

    def _delete(self, qs) -> None:  # type: ignore[no-untyped-def]
        qs.delete()

    def _after_insert(self, entries: list[SearchEntry]) -> None:
        pass

    def _filter_sql(self, doc_type: str, filters: Filters) -> tuple[str, list[Any]]:
        sql: list[str] = ["e.doc_type = %s"]
        params: list[Any] = [doc_type]
        if filters.unit_ids is not None:
            ids = [int(u) for u in filters.unit_ids]
            if not ids:
                return "1 = 0", []
            sql.append("e.unit_id IN (" + ",".join(["%s"] * len(ids)) + ")")
            params += ids
        if filters.kind:
            sql.append("e.kind = %s")
            params.append(filters.kind)
        if filters.status:
            sql.append("e.status = %s")
            params.append(filters.status)
        if filters.sender:
            sql.append("e.sender LIKE %s ESCAPE '\\'")
            params.append("%" + like_escape(fold(filters.sender)) + "%")
        if filters.date_from:
            sql.append("e.date >= %s")
            params.append(filters.date_from)
        if filters.date_to:
            sql.append("e.date <= %s")
            params.append(filters.date_to)
        return " AND ".join(sql), params

    def search(
        self, q: str, *, doc_type: str, filters: Filters | None = None, limit: int = 500
    ) -> list[int]:
        """Ids of objects of ``doc_type`` whose text contains every word of ``q``."""
        raise NotImplementedError


class SqliteBackend(SearchBackend):
    vendor = "sqlite"

    def _delete(self, qs) -> None:  # type: ignore[no-untyped-def]
        ids = list(qs.values_list("pk", flat=True))
        if ids:
            with connection.cursor() as cur:
                for start in range(0, len(ids), 500):
                    chunk = ids[start : start + 500]
                    placeholders = ",".join(["%s"] * len(chunk))
                    cur.execute(
                        f"DELETE FROM search_fts WHERE rowid IN ({placeholders})",  # noqa: S608 - placeholders only
                        chunk,
                    )
        qs.delete()

    def _after_insert(self, entries: list[SearchEntry]) -> None:
        if entries and entries[0].pk is None:
            # Older SQLite without RETURNING: read the ids back.
            found = dict(
                SearchEntry.objects.filter(
                    doc_type__in={e.doc_type for e in entries},
                    doc_id__in=[e.doc_id for e in entries],
                ).values_list("doc_id", "pk")
            )
            for e in entries:
                e.pk = found[e.doc_id]
        with connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO search_fts(rowid, body) VALUES (%s, %s)",
                [(e.pk, e.body) for e in entries],
            )

    def search(
        self, q: str, *, doc_type: str, filters: Filters | None = None, limit: int = 500
    ) -> list[int]:
        words = fold_words(q)
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        where, params = self._filter_sql(doc_type, filters or Filters())
        # ``where`` holds only column names and %s placeholders; values go as parameters.
        sql = (
            "SELECT e.doc_id FROM search_fts"  # noqa: S608
            " JOIN search_searchentry e ON e.id = search_fts.rowid "
            f"WHERE search_fts MATCH %s AND {where} ORDER BY search_fts.rowid DESC LIMIT %s"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [match, *params, limit])
            return [row[0] for row in cur.fetchall()]


class PostgresBackend(SearchBackend):
    vendor = "postgresql"

    def search(
        self, q: str, *, doc_type: str, filters: Filters | None = None, limit: int = 500
    ) -> list[int]:
        words = fold_words(q)
        if not words:
            return []
        where, params = self._filter_sql(doc_type, filters or Filters())
        # ``where`` holds only column names and %s placeholders; values go as parameters.
        sql = (
            "SELECT e.doc_id FROM search_searchentry e "  # noqa: S608
            f"WHERE e.tsv @@ plainto_tsquery('simple', %s) AND {where} ORDER BY e.id DESC LIMIT %s"
        )
        with connection.cursor() as cur:
            cur.execute(sql, [" ".join(words), *params, limit])
            return [row[0] for row in cur.fetchall()]


def get_backend() -> SearchBackend:
    """The backend for the default database."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return SqliteBackend()
