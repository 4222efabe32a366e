"""The public dossier status lookup (issue #6), kept cheap because it is the busiest public
endpoint: one Redis round trip for the rate limit (``views.rate_limited``), one SQL statement
(the dossier, its history and the units), the JSON written here, and a
plain Django view routed ahead of the ninja API (``congso/urls.py``). The ninja operation in
``api.py`` stays the documented one (OpenAPI) and answers whatever the plain view does not.

The applicant sees actions, dates and units; never officer names or the applicant's own data.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, get_resolver
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from congso.core.inputs import load_json

from . import views
from .models import Dossier, StatusHistory
from .models import Status as DossierStatus
from .references import parse_reference
from .workflow import history_label

# PostgreSQL formats the times itself (in UTC, always six fractional digits): turning the
# text into Python's isoformat() is two string operations, where loading a timestamptz
# through Django's loader costs ≈ 5 µs, and every row repeats the dossier's three times.
_PG_TIME = "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"


@functools.cache
def lookup_sql(vendor: str, by: str = "code") -> str:
    """The one statement: the dossier by code (or, with ``by="reference"``, by the reference
    of an online submission, ADR 0075) and identity number, LEFT JOINed to its history
    rows (a dossier without any is still found, with no steps) and their units, in history
    order. Built once per database vendor from the models' tables and columns; ``%s``
    placeholders. On PostgreSQL the four times come as ISO text (see _PG_TIME)."""
    qn = connection.ops.quote_name
    dossier, history = Dossier._meta, StatusHistory._meta
    version = dossier.get_field("procedure_version").related_model._meta  # type: ignore[union-attr]
    unit = history.get_field("unit").related_model._meta  # type: ignore[union-attr]

    def col(alias: str, meta: Any, field: str | None = None) -> str:
        return f"{alias}.{qn(meta.get_field(field or meta.pk.name).column)}"

    def time(alias: str, meta: Any, field: str) -> str:
        return (
            _PG_TIME.format(col(alias, meta, field))
            if vendor == "postgresql"
            else col(alias, meta, field)
        )

    columns = [
        col("d", dossier, "code"),
        col("d", dossier, "status"),
        time("d", dossier, "received_at"),
        time("d", dossier, "due_at"),
        time("d", dossier, "returned_at"),
        col("v", version, "name"),
        time("h", history, "at"),
        col("h", history, "action"),
        col("h", history, "to_status"),
        col("u", unit, "name"),
        col("d", dossier, "reference"),
    ]
    # Identifiers come from the models only; the two values are parameters.
    return (
        f"SELECT {', '.join(columns)} FROM {qn(dossier.db_table)} d"  # noqa: S608 - identifiers only
        f" INNER JOIN {qn(version.db_table)} v"
        f" ON {col('v', version)} = {col('d', dossier, 'procedure_version')}"
        f" LEFT JOIN {qn(history.db_table)} h ON {col('h', history, 'dossier')} = {col('d', dossier)}"
        f" LEFT JOIN {qn(unit.db_table)} u ON {col('u', unit)} = {col('h', history, 'unit')}"
        f" WHERE {col('d', dossier, 'reference' if by == 'reference' else 'code')} = %s AND {col('d', dossier, 'applicant_id_number')} = %s"
        f" ORDER BY {col('h', history, 'at')}, {col('h', history)}"
    )


def _fetch(code: str, id_number: str, by: str = "code") -> list[tuple[Any, ...]]:
    # On PostgreSQL the statement is prepared by psycopg after its fifth use on a connection
    # (settings: server-side binding with prepare_threshold), so planning the four-table join
    # (≈ 0.5 ms, several times its execution) is paid once per connection; SQLite's module keeps
    # compiled statements in a per-connection cache by SQL text.
    with connection.cursor() as cursor:
        cursor.execute(lookup_sql(connection.vendor, by), [code, id_number])
        return cursor.fetchall()


def _iso(value: str | dt.datetime | None) -> str | None:
    """What ``datetime.isoformat()`` gives for the UTC time: from PostgreSQL's text (no
    fractional part when it is zero), or from SQLite's naive UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value[:-7] if value.endswith(".000000") else value) + "+00:00"
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()


@functools.lru_cache(maxsize=256)
def _status_label(status: int, language: str | None) -> str:
    return str(DossierStatus(status).label)


@functools.lru_cache(maxsize=256)
def _action_label(action: str, language: str | None) -> str:
    return history_label(action)


def public_answer(code: str, id_number: str) -> dict[str, Any] | None:
    """The public answer for a dossier code and the applicant's identity number, or None if
    they do not match (a wrong code and a wrong number look the same). Codes are matched
    trimmed and upper-cased; a reference (``TT-…``) is matched however it is typed and finds
    the dossier also after it has its code, which the answer then carries; one query."""
    code, id_number = (code or "").strip().upper(), (id_number or "").strip()
    if not code or not id_number or "\x00" in code or "\x00" in id_number:
        return None  # nothing to look for (PostgreSQL text cannot hold NUL either)
    reference = parse_reference(code)
    rows = _fetch(reference, id_number, "reference") if reference else _fetch(code, id_number)
    if not rows:
        return None
    found_code, status, received_at, due_at, returned_at, procedure_name = rows[0][:6]
    language = get_language()
    steps = [
        {
            "at": _iso(at),
            "label": _action_label(action, language),
            "unit": unit,
            "status": _status_label(to_status, language),
        }
        for _c, _s, _r, _d, _t, _p, at, action, to_status, unit, _ref in rows
        if at is not None
    ]
    return {
        "code": found_code,
        "reference": rows[0][10],
        "procedure_name": procedure_name,
        "status": status,
        "status_label": _status_label(status, language),
        "received_at": _iso(received_at),
        "due_at": _iso(due_at),
        "returned_at": _iso(returned_at),
        "steps": steps,
    }


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    from congso.api.api import api  # the API imports this module

    return api.create_response(request, {"detail": message}, status=status)


def respond(request: HttpRequest, code: str, id_number: str) -> HttpResponse:
    """The whole lookup once the body is read: the caller's rate limit (429), the answer, or
    the same 404 for a wrong code or number."""
    if views.rate_limited(request):
        return _error(request, 429, _("Quá nhiều lượt tra cứu, vui lòng thử lại sau."))
    body = public_answer(code, id_number)
    if body is None:
        return _error(request, 404, _("Không tìm thấy hồ sơ với mã và số định danh đã nhập."))
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


@functools.cache
def _ninja_view(path: str) -> Callable[..., HttpResponse]:
    """The view Django would route ``path`` to without lookup_view ahead of it: the ninja
    operation's."""
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "callback", None) is lookup_view:
            continue
        try:
            match = pattern.resolve(path)
        except Resolver404:
            continue
        if match:
            return functools.partial(match.func, *match.args, **match.kwargs)
    raise Resolver404({"path": path})


@csrf_exempt  # as the ninja operation: no cookie authentication, nothing to forge
def lookup_view(request: HttpRequest) -> HttpResponse:
    """``POST /api/v1/dossiers/lookup`` without ninja's routing and pydantic parsing (≈ 0.15 ms
    of a ≈ 0.8 ms request). Only a JSON object with string ``code`` and ``identity_number``
    is answered here; anything else (another method, content type, broken JSON, missing or
    non-string fields) goes to the ninja operation, so its 405, 400 and 422 answers and the
    OpenAPI schema stay ninja's own."""
    if request.method == "POST" and request.content_type == "application/json":
        try:
            data = load_json(request.body)
        except ValueError:  # InputRefused too: the ninja operation answers it with the reason
            data = None
        if isinstance(data, dict):
            code, id_number = data.get("code"), data.get("identity_number")
            if isinstance(code, str) and isinstance(id_number, str):
                return respond(request, code, id_number)
    return _ninja_view(request.path_info.lstrip("/"))(request)
