"""Prometheus metrics at /metrics (issue #14 §3)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from congso.core import metrics, tasks
from congso.core.tests import jobs

pytestmark = pytest.mark.django_db


def _value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_metrics_count_requests_queries_and_queue_lag(client):
    client.get("/ping")
    client.get("/thu-tuc/")
    tasks.enqueue(jobs.effect, 1)
    DBTaskResult.objects.update(run_after="2026-01-01T00:00:00Z")
    text = client.get("/metrics").content.decode()
    assert _value(text, 'congso_http_requests_total{method="GET",status="200"}') >= 2
    assert _value(text, "congso_db_queries_total") >= 1
    assert 'congso_http_request_seconds_count{route="thu-tuc/"}' in text
    assert _value(text, 'congso_jobs{state="ready"}') == 1
    assert _value(text, "congso_job_lag_seconds") > 3600
    assert 'congso_outbox_pending{outbox="notifications"}' in text


def test_metrics_are_closed_outside_the_allowed_networks(client, settings):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 404
    # Behind a trusted proxy the address that counts is the client's, not the proxy's 127.0.0.1.
    settings.TRUSTED_PROXY_COUNT = 1
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5"
        ).status_code
        == 404
    )
    metrics._networks.cache_clear()
    settings.METRICS_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    try:
        assert (
            client.get(
                "/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.20.3.4"
            ).status_code
            == 200
        )
    finally:
        metrics._networks.cache_clear()
