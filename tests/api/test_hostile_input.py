"""Hostile input shapes sent to every API operation (issue #11, finding 7): lone surrogates,
deep nesting, huge and out-of-range integers, impossible dates, control characters, huge page
numbers — in bodies, query strings and paths. No answer may be a server error, and every
refusal carries a Vietnamese ``detail``.

Unlike the schemathesis walk next door (random values that fit the schema), these are the
shapes a prober sends on purpose; each is built from the committed OpenAPI schema, so a new
operation or field is covered without editing this file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "openapi.json").read_text())
TOKEN = "hostile-token-0123456789abcdefghijklmnopqrstuvwxyz"
HUGE = "1" + "0" * 30
DEEP = "[" * 5000 + "]" * 5000

# Raw JSON fragments (not Python values): ``\ud800`` must reach the server as an escape.
STRING_SHAPES = {
    "surrogate": '"\\ud800"',
    "low-surrogate": '"ab\\udfffcd"',
    "nul": '"a\\u0000b"',
    "esc": '"\\u001b[31mđỏ"',
    "deep": DEEP,
    "huge-int": "9" * 5000,
    # A million characters (finding 8): refused by the schema's maxLength, never stored or printed.
    "million-chars": '"' + "Xin cấp bản sao. " * 58_824 + '"',
}
INT_SHAPES = {
    "huge": HUGE,
    "minus-huge": "-" + HUGE,
    "int64+1": str(2**63),
    "digits-5000": "9" * 5000,
    "float": "1e400",
    "nan": "NaN",
}
DATE_SHAPES = {
    "year-0": '"0000-01-01T00:00:00"',
    "year-99999": '"99999-01-01T00:00:00"',
    "month-13": '"2026-13-01T00:00:00"',
    "edge-west": '"9999-12-31T23:59:59-12:00"',
    "edge-east": '"0001-01-01T00:00:00+14:00"',
}
QUERY_SHAPES = {
    "nul": "%00",
    "esc": "%1B",
    "huge": HUGE,
    "minus-huge": "-" + HUGE,
    "year-0": "0000-01-01",
    "year-99999": "99999-12-31",
    "month-13": "2026-13-01",
    "edge": "9999-12-31T23:59:59-12:00",
    "bad-utf8": "%ED%A0%80",
    "like": "%25_%5C",
}
PATH_SHAPES = {"nul": "%00", "huge": "9" * 30, "esc": "%1B", "bad-utf8": "%ED%A0%80"}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, op)
        for path, item in SCHEMA["paths"].items()
        for method, op in item.items()
    ]


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        return _resolve(SCHEMA["components"]["schemas"][ref.rsplit("/", 1)[1]])
    return schema


def _kind(schema: dict[str, Any]) -> str:
    schema = _resolve(schema)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return _kind(option)
    if schema.get("format") in ("date-time", "date"):
        return "date"
    return str(schema.get("type", "string"))


def _baseline(schema: dict[str, Any], world: dict[str, Any]) -> dict[str, str]:
    """Raw JSON for each property of an object schema: plausible values."""
    schema = _resolve(schema)
    values: dict[str, str] = {}
    for name, prop in schema.get("properties", {}).items():
        kind = _kind(prop)
        if name in world:
            values[name] = json.dumps(world[name])
        elif kind == "integer":
            values[name] = "1"
        elif kind == "date":
            values[name] = '"2026-12-20T09:00:00+07:00"'
        elif kind == "array":
            values[name] = "[]"
        elif kind == "object":
            values[name] = "{}"
        elif kind == "boolean":
            values[name] = "true"
        else:
            values[name] = '"Nội dung thử"'
    return values


def _body(values: dict[str, str]) -> str:
    return "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in values.items()) + "}"


def _variants(op: dict[str, Any], world: dict[str, Any]) -> list[tuple[str, str | None, str]]:
    """(label, raw JSON body or None, query string) for one operation."""
    out: list[tuple[str, str | None, str]] = []
    content = op.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    if schema is not None:
        base = _baseline(schema, world)
        props = _resolve(schema).get("properties", {})
        out.append(("body:deep", DEEP, ""))
        out.append(("body:deep-object", '{"a":' * 3000 + "1" + "}" * 3000, ""))
        out.append(("body:surrogate-key", '{"\\ud800": 1}', ""))
        for label, shape in STRING_SHAPES.items():
            fields = [n for n, p in props.items() if _kind(p) == "string"]
            if fields:
                out.append(
                    (f"body:strings={label}", _body({**base, **dict.fromkeys(fields, shape)}), "")
                )
        for name, prop in props.items():
            kind = _kind(prop)
            shapes = INT_SHAPES if kind == "integer" else DATE_SHAPES if kind == "date" else {}
            for label, shape in shapes.items():
                out.append((f"body:{name}={label}", _body({**base, name: shape}), ""))
            if kind == "array":  # a list of objects: hostile integers inside it
                item = _resolve(prop.get("items", {}))
                inner = _baseline(item, world)
                for iname, iprop in item.get("properties", {}).items():
                    if _kind(iprop) == "integer":
                        out.append(
                            (
                                f"body:{name}[].{iname}=huge",
                                _body({**base, name: "[" + _body({**inner, iname: HUGE}) + "]"}),
                                "",
                            )
                        )
    query = [p for p in op.get("parameters", []) if p["in"] == "query"]
    names = [p["name"] for p in query] + ["page"]
    for name in names:
        for label, shape in QUERY_SHAPES.items():
            out.append((f"query:{name}={label}", None, f"{name}={shape}"))
    out.append(("query:all=nul", None, "&".join(f"{n}=%00" for n in names)))
    return out


def _paths(path: str, world: dict[str, Any]) -> list[tuple[str, str]]:
    """The path with real values, then each path parameter replaced by a hostile shape."""
    real = {"ref": world["ref"], "slug": world["slug"], "doc_id": "1"}
    params = [name for name in real if "{" + name + "}" in path]

    def fill(values: dict[str, str]) -> str:
        out = path
        for name, value in values.items():
            out = out.replace("{" + name + "}", value)
        return out

    out = [("real", fill(real))]
    for name in params:
        for label, shape in PATH_SHAPES.items():
            out.append((f"path:{name}={label}", fill({**real, name: shape})))
    return out


@pytest.fixture
def world(demo_org, settings):  # type: ignore[no-untyped-def]
    from congso.dossiers import services
    from congso.dossiers.models import ApiToken
    from congso.dossiers.tests.conftest import all_papers, person
    from congso.dossiers.tests.factories import offered_procedure

    settings.LOOKUP_RATE_LIMIT = 10**9
    ApiToken.objects.create(
        staff=demo_org.staff["motcua.tx"],
        name="hostile",
        key_hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
    )
    version = offered_procedure(demo_org.desk)
    dossier = services.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
    )
    return {
        "ref": dossier.code,
        "slug": version.procedure.slug,
        "code": dossier.code,
        "identity_number": dossier.applicant_id_number,
        "procedure_version_id": version.pk,
    }


def _check(response: Any, label: str) -> None:
    assert response.status_code < 500, (label, response.status_code, response.content[:300])
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        detail = response.json().get("detail", "")
        assert isinstance(detail, str) and detail, (label, response.content[:300])
        assert not detail.isascii(), (label, detail)  # Vietnamese, not ninja's English default


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "op"), _operations(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_hostile_shapes_never_a_server_error(method, path, op, world):  # type: ignore[no-untyped-def]
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {TOKEN}",
        HTTP_IDEMPOTENCY_KEY="hostile-1",
        raise_request_exception=False,
    )
    for where, url in _paths(path, world):
        for label, body, query in _variants(op, world):
            full = f"{url}?{query}" if query else url
            if method == "GET":
                response = client.get(full)
            elif body is None:
                response = client.generic(method, full, "{}", content_type="application/json")
            else:
                response = client.generic(
                    method,
                    full,
                    body.encode("utf-8", "surrogatepass"),
                    content_type="application/json",
                )
            _check(response, f"{method} {where} {label}")


IPN = "/api/v1/eservices/payment/ipn"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "vnp_SecureHash=%C3%A9%C3%A9&vnp_TxnRef=1",
        "vnp_SecureHash=%EF%BC%A1&vnp_TxnRef=1",  # a full-width letter
        "vnp_SecureHash=%ED%A0%80",  # a surrogate's UTF-8 bytes: not UTF-8
        "vnp_SecureHash=" + "a" * 100_000,
        "vnp_SecureHash=%00&vnp_TxnRef=%00",
        "vnp_Amount=" + "9" * 5000 + "&vnp_SecureHash=ab",
        "vnp_PayDate=99999999999999&vnp_SecureHash=ab",
        "vnp_TxnRef=" + "%F0%9F%98%80" * 1000 + "&vnp_SecureHash=ab",
    ],
)
def test_payment_ipn_odd_parameters_answer_the_protocol(query):  # type: ignore[no-untyped-def]
    response = Client(raise_request_exception=False).get(f"{IPN}?{query}")
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        assert response.json()["RspCode"] in ("97", "99")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/dossiers/stats?tu=0001-01-01&den=9999-12-31",
        "/api/v1/dossiers/stats?tu=9999-12-31&den=9999-12-31",
        "/api/v1/dossiers/stats?tu=0001-01-01&den=0001-01-01",
        "/api/v1/dossiers/stats?tu=2026-02-30&den=2026-13-01",
        "/api/v1/calendar/due-date?unit=00343&start=9999-12-31T23:00:00-12:00&amount=1&kind=working_days",
        "/api/v1/calendar/due-date?unit=00343&start=0001-01-01T00:00:00%2B14:00&amount=1&kind=working_days",
        "/api/v1/calendar/due-date?unit=00343&start=2026-12-01&amount=3650&kind=working_hours",
        "/api/v1/calendar/due-date?unit=00343&start=2026-12-01&amount=1e400&kind=working_days",
        "/api/v1/dossiers/?page=1000000&page_size=" + HUGE,
        "/api/v1/documents/incoming?kind=" + HUGE,
        "/api/v1/documents/incoming?date_from=0000-01-01&date_to=99999-01-01",
    ],
)
def test_combined_queries_never_a_server_error(url, world):  # type: ignore[no-untyped-def]
    response = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", raise_request_exception=False).get(url)
    _check(response, url)


@pytest.mark.django_db
@pytest.mark.parametrize("q", ["_", "%25", "%5C", "__"])
def test_wildcards_in_the_dossier_search_match_nothing(q, world):  # type: ignore[no-untyped-def]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert client.get("/api/v1/dossiers/").json()["count"] == 1
    assert client.get(f"/api/v1/dossiers/?q={q}").json()["count"] == 0
    assert client.get("/api/v1/dossiers/?q=%00").status_code == 400
