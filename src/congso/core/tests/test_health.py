"""/healthz, /readyz and the request id in JSON logs (issue #14 §3)."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest
from django.test import override_settings
from django.utils import timezone

from congso.core import health
from congso.core.logs import JsonFormatter, RequestIdFilter
from congso.core.models import ScheduledJob
from congso.core.tasks import TICK_NAME

pytestmark = pytest.mark.django_db


def test_healthz_asks_no_dependency(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/healthz").json() == {"status": "ok"}


def test_readyz_checks_database_cache_storage(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "storage": "ok",
        "worker": "ok",
    }


@override_settings(TASKS_BACKEND="database", TASKS_TICK=15)
def test_readyz_fails_without_a_live_worker(client):
    answer = client.get("/readyz")
    assert answer.status_code == 503 and "chưa có tiến trình" in answer.json()["checks"]["worker"]
    ScheduledJob.objects.create(
        name=TICK_NAME,
        next_run_at=timezone.now(),
        last_run_at=timezone.now() - dt.timedelta(minutes=5),
    )
    answer = client.get("/readyz")
    assert answer.status_code == 503 and "không hoạt động" in answer.json()["checks"]["worker"]
    ScheduledJob.objects.filter(name=TICK_NAME).update(last_run_at=timezone.now())
    assert client.get("/readyz").status_code == 200


def test_readyz_reports_a_dependency_down_as_503(client, monkeypatch):
    def broken() -> str:
        raise ConnectionError("redis down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"]["cache"] == "lỗi: ConnectionError"


def test_a_request_id_is_kept_from_the_proxy_or_made_and_logged(client):
    given = client.get("/ping", HTTP_X_REQUEST_ID="abc12345-proxy")
    assert given["X-Request-ID"] == "abc12345-proxy"
    made = client.get("/ping", HTTP_X_REQUEST_ID="<script>")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != "<script>"

    from congso.core import logs

    token = logs.request_id.set("req-0001")
    try:
        record = logging.LogRecord(
            "congso.test", logging.WARNING, __file__, 1, "Hồ sơ %s", ("H01",), None
        )
        RequestIdFilter().filter(record)
    finally:
        logs.request_id.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert (
        line["request_id"] == "req-0001"
        and line["message"] == "Hồ sơ H01"
        and line["level"] == "WARNING"
    )
