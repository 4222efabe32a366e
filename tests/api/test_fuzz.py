"""Fuzz the whole API from its committed OpenAPI schema (issue #6): schemathesis generates
requests for every operation, authenticated as a district one-stop officer, and no answer may
be a server error. Bounded: a fixed number of examples per operation, no shrinking."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from congso.wsgi import application

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "openapi.json").read_text())
schema = schemathesis.openapi.from_dict(SCHEMA)
schema.app = application  # type: ignore[attr-defined]
TOKEN = "fuzz-token-0123456789abcdefghijklmnopqrstuvwxyz"


@pytest.fixture(autouse=True)
def _keep_test_connection():  # type: ignore[no-untyped-def]
    """Like Django's test client: the raw WSGI handler would close the test's database
    connection at each request (close_old_connections), which PostgreSQL tests cannot survive."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token_headers(demo_org, settings):  # type: ignore[no-untyped-def]
    from congso.dossiers.models import ApiToken

    settings.LOOKUP_RATE_LIMIT = 10**9
    ApiToken.objects.create(
        staff=demo_org.staff["motcua.tx"],
        name="fuzz",
        key_hash=hashlib.sha256(TOKEN.encode()).hexdigest(),
    )
    return {"Authorization": f"Bearer {TOKEN}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case, token_headers):  # type: ignore[no-untyped-def]
    response = case.call(app=application, headers=token_headers, base_url="http://testserver")
    case.validate_response(response, checks=[not_a_server_error])
