"""Prometheus metrics at ``/metrics`` (issue #14 §3): requests, database queries, job queues and
their lag, outboxes. Open to the addresses in ``METRICS_ALLOWED_NETWORKS`` (127.0.0.1 and ::1 by
default; add the monitoring network), judged on the client address after the trusted proxies
(ADR 0038), so a request relayed by the local nginx is not taken as local.

Under gunicorn each process counts its own requests; set ``PROMETHEUS_MULTIPROC_DIR`` (an empty
directory, cleared at start) to have one scrape add up every process, as prometheus-client's
multiprocess mode does. Queue and outbox figures are read from the database at scrape time."""

from __future__ import annotations

import ipaddress
import os
import time
from collections.abc import Callable, Iterator
from functools import cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from .http import client_ip
from .middleware import counting_queries

REQUESTS = Counter("congso_http_requests", "HTTP requests answered", ["method", "status"])
LATENCY = Histogram(
    "congso_http_request_seconds",
    "Time to answer a request",
    ["route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
QUERIES = Counter("congso_db_queries", "Database queries run while answering requests")


class MetricsMiddleware:
    """Counts every request, its time by route pattern (bounded labels) and its queries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        with counting_queries() as counted:
            response = self.get_response(request)
        count = counted[0]
        match = getattr(request, "resolver_match", None)
        route = match.route if match is not None and match.route else "(không khớp)"
        LATENCY.labels(route=route).observe(time.perf_counter() - started)
        REQUESTS.labels(
            method=request.method if request.method in _METHODS else "OTHER",
            status=str(response.status_code),
        ).inc()
        if count:
            QUERIES.inc(count)
        return response


_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


class QueueCollector(Collector):
    """Jobs by state, the lag of the oldest due job, and the outboxes' pending rows."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        from congso.dossiers.models import SyncJob
        from congso.notify.models import Notification

        now = timezone.now()
        jobs = GaugeMetricFamily("congso_jobs", "Background jobs by state", labels=["state"])
        counts = dict(
            DBTaskResult.objects.values_list("status")
            .annotate(n=Count("id"))
            .values_list("status", "n")
        )
        for state in ("READY", "RUNNING", "FAILED", "SUCCESSFUL"):
            jobs.add_metric([state.lower()], counts.get(state, 0))
        yield jobs
        oldest = DBTaskResult.objects.filter(status="READY", run_after__lte=now).aggregate(
            m=Min("run_after")
        )["m"]
        yield GaugeMetricFamily(
            "congso_job_lag_seconds",
            "Age of the oldest job waiting for a worker",
            value=(now - oldest).total_seconds() if oldest else 0.0,
        )
        outbox = GaugeMetricFamily(
            "congso_outbox_pending", "Outbox rows not yet sent", labels=["outbox"]
        )
        outbox.add_metric(
            ["notifications"],
            Notification.objects.filter(
                state__in=[Notification.State.PENDING, Notification.State.FAILED]
            ).count(),
        )
        outbox.add_metric(
            ["national_portal"],
            SyncJob.objects.filter(state__in=[SyncJob.State.PENDING, SyncJob.State.FAILED]).count(),
        )
        yield outbox


@cache
def _networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(n.strip(), strict=False)
        for n in settings.METRICS_ALLOWED_NETWORKS
        if n.strip()
    )


def _allowed(request: HttpRequest) -> bool:
    try:
        address = ipaddress.ip_address(client_ip(request))
    except ValueError:
        return False
    return any(address in net for net in _networks())


@cache
def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        from prometheus_client import REGISTRY as registry
    registry.register(QueueCollector())
    return registry


def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404  # the same answer as a page that does not exist
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
