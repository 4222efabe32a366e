"""The dossier API: token and session auth, idempotent create, scope, transitions, lookup."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from congso.dossiers.api import issue_token
from congso.dossiers.models import Dossier

from .conftest import person  # noqa: F401 - fixtures module
from .factories import local  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/dossiers/"


def body(version):
    return {
        "procedure_version_id": version.pk,
        "applicant_name": "Lê Văn Cường",
        "applicant_id_number": "001088011122",
        "applicant_phone": "0901234567",
        "papers": [
            {"paper_id": p.pk, "originals": p.originals, "copies": p.copies}
            for p in version.papers.all()
        ],
    }


def bearer(org, username):
    return {"HTTP_AUTHORIZATION": f"Bearer {issue_token(org.staff[username], 'test')}"}


def test_create_is_idempotent_and_needs_the_key(client, demo_org, district_version):
    auth = bearer(demo_org, "motcua.tx")
    r = client.post(
        BASE, json.dumps(body(district_version)), content_type="application/json", **auth
    )
    assert r.status_code == 422  # no Idempotency-Key
    headers = {**auth, "HTTP_IDEMPOTENCY_KEY": "abc-1"}
    first = client.post(
        BASE, json.dumps(body(district_version)), content_type="application/json", **headers
    )
    again = client.post(
        BASE, json.dumps(body(district_version)), content_type="application/json", **headers
    )
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["code"] == again.json()["code"] and Dossier.objects.count() == 1
    bad = {**body(district_version), "applicant_id_number": "12"}
    r = client.post(
        BASE,
        json.dumps(bad),
        content_type="application/json",
        **{**auth, "HTTP_IDEMPOTENCY_KEY": "x"},
    )
    assert r.status_code == 400 and "12 chữ số" in r.json()["detail"]


def test_auth_scope_and_transitions(client, demo_org, district_version):
    assert client.get(BASE).status_code == 401
    assert client.get(BASE, HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    auth = bearer(demo_org, "motcua.tx")
    code = client.post(
        BASE,
        json.dumps(body(district_version)),
        content_type="application/json",
        **auth,
        HTTP_IDEMPOTENCY_KEY="k",
    ).json()["code"]
    listing = client.get(BASE, **auth).json()
    assert listing["count"] == 1 and listing["items"][0]["code"] == code
    other = bearer(demo_org, "motcua.km")
    assert client.get(BASE + code, **other).status_code == 404
    assert client.get(BASE, **other).json()["count"] == 0
    r = client.post(
        BASE + code + "/hand-over",
        json.dumps({"to_unit_id": demo_org.departments["TP"].pk}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["stage"] == "department"
    r = client.post(
        BASE + code + "/approve", json.dumps({}), content_type="application/json", **auth
    )
    assert r.status_code == 400  # wrong stage, Vietnamese message
    assert "khâu" in r.json()["detail"]
    head = bearer(demo_org, "truongphong.tp")
    r = client.post(
        BASE + code + "/assign",
        json.dumps({"specialist_id": demo_org.staff["chuyenvien.tp"].pk}),
        content_type="application/json",
        **head,
    )
    assert r.status_code == 200 and r.json()["stage"] == "specialist"
    stats = client.get(BASE + "stats", **bearer(demo_org, "lanhdao.tx")).json()
    assert stats["total"]["received"] >= 1


def test_session_needs_csrf(demo_org, district_version):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(demo_org.user("motcua.tx"))
    r = browser.post(
        BASE,
        json.dumps(body(district_version)),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="s-1",
    )
    assert r.status_code in (401, 403) and Dossier.objects.count() == 0
    assert browser.get(BASE).status_code == 200


def test_public_lookup(client, demo_org, district_version):
    auth = bearer(demo_org, "motcua.tx")
    code = client.post(
        BASE,
        json.dumps(body(district_version)),
        content_type="application/json",
        **auth,
        HTTP_IDEMPOTENCY_KEY="k",
    ).json()["code"]
    anon = Client()
    ok = anon.post(
        BASE + "lookup",
        json.dumps({"code": code, "identity_number": "001088011122"}),
        content_type="application/json",
    )
    assert (
        ok.status_code == 200
        and ok.json()["status"] == 2
        and "Lê Văn Cường" not in ok.content.decode()
    )
    wrong = anon.post(
        BASE + "lookup",
        json.dumps({"code": code, "identity_number": "001088099999"}),
        content_type="application/json",
    )
    assert wrong.status_code == 404


def test_list_query_count_is_constant(client, demo_org, district_version):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    auth = bearer(demo_org, "motcua.tx")

    def create(key):
        client.post(
            BASE,
            json.dumps(body(district_version)),
            content_type="application/json",
            **auth,
            HTTP_IDEMPOTENCY_KEY=key,
        )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(BASE, **auth).status_code == 200
        return len(ctx.captured_queries)

    create("a")
    create("b")
    n = count()
    create("c")
    assert count() == n
    assert client.get(BASE, **auth).json()["count"] == 3


def test_public_lookup_is_rate_limited(demo_org, settings):
    settings.LOOKUP_RATE_LIMIT = 3
    anon = Client()
    codes = [
        anon.post(
            BASE + "lookup",
            json.dumps({"code": "X", "identity_number": "1"}),
            content_type="application/json",
        ).status_code
        for _ in range(4)
    ]
    assert codes == [404, 404, 404, 429]


def test_lookup_limit_counts_per_client_behind_a_proxy(demo_org, settings):
    """Behind one trusted proxy, two citizens have their own buckets; a forged leftmost
    X-Forwarded-For entry does not give a citizen a fresh one."""
    settings.LOOKUP_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    def lookup(xff):
        return (
            Client()
            .post(
                BASE + "lookup",
                json.dumps({"code": "X", "identity_number": "1"}),
                content_type="application/json",
                HTTP_X_FORWARDED_FOR=xff,
                **proxy,
            )
            .status_code
        )

    assert [lookup("203.0.113.7") for _ in range(3)] == [404, 404, 429]
    assert lookup("198.51.100.9") == 404  # another citizen through the same proxy
    assert lookup("1.1.1.1, 203.0.113.7") == 429  # forged entry on the left is ignored
    settings.TRUSTED_PROXY_COUNT = 0  # without trusted proxies everybody is the proxy address
    assert [lookup("192.0.2.1"), lookup("192.0.2.2"), lookup("192.0.2.3")] == [404, 404, 429]


def test_public_lookup_answer_and_cost(
    client, demo_org, district_version, django_assert_num_queries
):
    auth = bearer(demo_org, "motcua.tx")
    created = client.post(
        BASE,
        json.dumps(body(district_version)),
        content_type="application/json",
        **auth,
        HTTP_IDEMPOTENCY_KEY="lookup-cost",
    ).json()
    anon = Client()
    payload = json.dumps({"code": created["code"].lower(), "identity_number": " 001088011122 "})
    with django_assert_num_queries(1):  # the dossier with its history; nothing else
        answer = anon.post(BASE + "lookup", payload, content_type="application/json")
    data = answer.json()
    assert data["code"] == created["code"] and data["status_label"] == "Đã tiếp nhận"
    assert data["procedure_name"] == district_version.name
    assert data["steps"] and data["steps"][0]["status"] == "Đã tiếp nhận"
    assert all(set(step) == {"at", "label", "unit", "status"} for step in data["steps"])
    assert "actor" not in answer.content.decode() and "Lê Văn Cường" not in answer.content.decode()
