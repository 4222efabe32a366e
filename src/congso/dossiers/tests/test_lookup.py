"""The public status lookup after tuning (issue #6): one SQL statement, the same answer as the
ORM gives, a dossier without history."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from congso.dossiers import lookup, services, views
from congso.dossiers.models import Dossier, StatusHistory
from congso.dossiers.models import Status as DossierStatus
from congso.dossiers.workflow import history_label

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db

URL = "/api/v1/dossiers/lookup"


def receive(org, version, **kw):  # type: ignore[no-untyped-def]
    return services.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=kw.pop("applicant", person()),
        papers=all_papers(version),
        at=local(2026, 3, 2, 9),
        **kw,
    )


def post(code: str, number: str, client: Client | None = None):  # type: ignore[no-untyped-def]
    return (client or Client()).post(
        URL, json.dumps({"code": code, "identity_number": number}), content_type="application/json"
    )


def orm_answer(dossier: Dossier) -> dict[str, object]:
    """What the endpoint answered before tuning, built with the ORM: the reference."""
    dossier.refresh_from_db()

    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value else None

    steps = [
        {
            "at": h.at.isoformat(),
            "label": str(history_label(h.action)),
            "unit": h.unit.name,
            "status": str(DossierStatus(h.to_status).label),
        }
        for h in StatusHistory.objects.filter(dossier=dossier)
        .select_related("unit")
        .order_by("at", "pk")
    ]
    return {
        "code": dossier.code,
        "reference": dossier.reference,
        "procedure_name": dossier.procedure_version.name,
        "status": dossier.status,
        "status_label": str(DossierStatus(dossier.status).label),
        "received_at": iso(dossier.received_at),
        "due_at": iso(dossier.due_at),
        "returned_at": iso(dossier.returned_at),
        "steps": steps,
    }


def test_answer_matches_the_orm_with_steps_in_time_order(demo_org, district_version):
    d = receive(demo_org, district_version)
    first = StatusHistory.objects.get(dossier=d)
    ward = demo_org.wards["00343"]
    # Two more steps: one earlier than the intake row in the table order, one at the same
    # instant as another (ties go by row id), with microseconds.
    later = first.at + dt.timedelta(days=1, microseconds=123456)
    StatusHistory.objects.create(
        dossier=d,
        action="hand_over",
        from_status=2,
        to_status=4,
        unit=ward,
        actor_name="Trần Thị Mai",
        at=later,
    )
    StatusHistory.objects.create(
        dossier=d,
        action="record_result",
        from_status=4,
        to_status=9,
        unit=ward,
        actor_name="Trần Thị Mai",
        at=later,
    )
    answer = post(d.code.lower(), " 001090012345 ")
    assert answer.status_code == 200
    data = answer.json()
    assert data == orm_answer(d)
    assert [s["status"] for s in data["steps"]] == [
        "Đã tiếp nhận",
        str(DossierStatus(4).label),
        str(DossierStatus(9).label),
    ]
    assert data["steps"][1]["at"].endswith(".123456+00:00")
    body = answer.content.decode()
    assert "Trần Thị Mai" not in body and "Nguyễn Văn An" not in body and "actor" not in body


def test_dossier_without_history_is_found_with_no_steps(demo_org, district_version):
    d = receive(demo_org, district_version)
    StatusHistory.objects.filter(dossier=d).delete()
    answer = post(d.code, "001090012345")
    assert answer.status_code == 200
    assert answer.json() == orm_answer(d) and answer.json()["steps"] == []


def test_wrong_code_number_or_blank_give_the_same_404(demo_org, district_version):
    d = receive(demo_org, district_version)
    other = receive(demo_org, district_version, applicant=person(id_number="001090077777"))
    answers = [
        post(d.code, "001090099999"),
        post("H26.09-260302-9999", "001090012345"),
        post(other.code, "001090012345"),
        post("   ", "001090012345"),
        post(d.code, ""),
    ]
    assert {a.status_code for a in answers} == {404}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json() == {"detail": "Không tìm thấy hồ sơ với mã và số định danh đã nhập."}


def test_one_query_prepared_after_a_few_uses(demo_org, district_version):
    d = receive(demo_org, district_version)
    other = receive(demo_org, district_version, applicant=person(id_number="001090077777"))
    for _ in range(6):  # psycopg prepares a statement after its fifth use on a connection
        assert post(d.code, "001090012345").status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        answer = post(other.code, "001090077777")
    assert len(ctx.captured_queries) == 1
    assert answer.json() == orm_answer(other)
    if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get(
        "prepare_threshold"
    ):
        prepared = [
            key[0] for key in connection.connection._prepared._names
        ]  # psycopg's own record
        assert any(b"LEFT JOIN" in query and b"$2" in query for query in prepared)


def test_blank_input_costs_no_query(demo_org):
    with CaptureQueriesContext(connection) as ctx:
        assert lookup.public_answer("  ", "001090012345") is None
        assert lookup.public_answer("H26", " ") is None
    assert ctx.captured_queries == []


# ---------------------------------------------------------------------------------------------
# The rate limit: congso.core.ratelimit (its own tests, with and without Redis, in
# core/tests/test_ratelimit.py); here the lookup's use of it.


def test_rate_limit_per_client_and_429(settings):
    settings.LOOKUP_RATE_LIMIT = 2
    request = RequestFactory().post(URL, REMOTE_ADDR="203.0.113.5")
    assert [views.rate_limited(request) for _ in range(3)] == [False, False, True]
    assert views.rate_limited(RequestFactory().post(URL, REMOTE_ADDR="198.51.100.7")) is False
    codes = [post("X", "1", Client(REMOTE_ADDR="192.0.2.44")).status_code for _ in range(3)]
    assert codes == [404, 404, 429]


# ---------------------------------------------------------------------------------------------
# The plain view routed ahead of the ninja API answers as the ninja operation does


def test_address_goes_to_the_plain_view_and_the_operation_stays_documented():
    from django.urls import resolve

    from congso.api.api import api

    assert resolve(URL).func is lookup.lookup_view
    schema = api.get_openapi_schema()
    operation = schema["paths"]["/api/v1/dossiers/lookup"]["post"]
    assert {str(code) for code in operation["responses"]} == {"200", "404", "429"}
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/LookupIn"
    )


def _ninja(method: str, body: bytes, content_type: str = "application/json", **extra):  # type: ignore[no-untyped-def]
    factory = RequestFactory()
    request = (
        factory.get(URL, **extra)
        if method == "GET"
        else factory.post(URL, body, content_type=content_type, **extra)
    )
    return lookup._ninja_view(URL.lstrip("/"))(request)


@pytest.mark.parametrize(
    ("method", "body", "content_type"),
    [
        ("GET", b"", "application/json"),
        ("POST", b"{not json", "application/json"),
        ("POST", b'{"code": "H26"}', "application/json"),
        ("POST", b'{"code": 123, "identity_number": "001090012345"}', "application/json"),
        ("POST", b'["H26", "001090012345"]', "application/json"),
        ("POST", b"code=H26&identity_number=1", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_requests_get_the_ninja_answers(demo_org, method, body, content_type):
    expected = _ninja(method, body, content_type, REMOTE_ADDR="192.0.2.200")
    client = Client(REMOTE_ADDR="192.0.2.201")
    got = client.get(URL) if method == "GET" else client.post(URL, body, content_type=content_type)
    assert got.status_code == expected.status_code and got.status_code in (400, 405, 422)
    assert got.content == expected.content and got["Content-Type"] == expected["Content-Type"]


def test_plain_view_and_ninja_operation_give_the_same_answers(demo_org, district_version, settings):
    d = receive(demo_org, district_version)
    found = json.dumps({"code": d.code, "identity_number": "001090012345"}).encode()
    wrong = json.dumps({"code": d.code, "identity_number": "0", "extra": 1}).encode()
    for body in (found, wrong):
        plain = Client(REMOTE_ADDR="192.0.2.10").post(URL, body, content_type="application/json")
        ninja = _ninja("POST", body, REMOTE_ADDR="192.0.2.11")
        assert (plain.status_code, plain.content, plain["Content-Type"]) == (
            ninja.status_code,
            ninja.content,
            ninja["Content-Type"],
        )
    settings.LOOKUP_RATE_LIMIT = 0
    plain = Client(REMOTE_ADDR="192.0.2.12").post(URL, found, content_type="application/json")
    ninja = _ninja("POST", found, REMOTE_ADDR="192.0.2.13")
    assert plain.status_code == ninja.status_code == 429 and plain.content == ninja.content
    assert plain.json() == {"detail": "Quá nhiều lượt tra cứu, vui lòng thử lại sau."}


def test_nul_in_the_input_is_refused_with_the_reason(demo_org):
    # Issue #11 (finding 13): control characters are refused before any lookup, the same
    # answer whether or not the dossier exists.
    for code, number in (
        ("H26\x00", "001090012345"),
        ("H26", "0010\x0090012345"),
        ("H26\x1b", "1"),
    ):
        answer = post(code, number)
        assert answer.status_code == 400 and "ký tự điều khiển" in answer.json()["detail"]


def test_quotes_and_backslashes_are_only_data(demo_org, district_version):
    d = receive(demo_org, district_version)
    for code in ("X' OR '1'='1", "X\\' OR 1=1 --", "X'); DEALLOCATE ALL; --", 'X" %s %(a)s'):
        assert post(code, "001090012345").status_code == 404
    assert post(d.code, "001090012345").status_code == 200  # the statement is still there
