"""A small HTTP load driver run in separate processes from the server: N concurrent clients,
each a thread with its own connection, for a fixed time or number of requests. Reports
throughput and latency percentiles. Stdlib only, so it measures the server, not a library."""

from __future__ import annotations

import http.client
import multiprocessing as mp
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A request factory gets (client number, request number) and returns (method, path, body, headers).
RequestFactory = Callable[[int, int], tuple[str, str, bytes | None, dict[str, str]]]


@dataclass
class Result:
    name: str
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        data = sorted(self.latencies_ms)
        index = min(len(data) - 1, max(0, round(q / 100 * len(data) + 0.5) - 1))
        return data[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    def row(self) -> dict[str, object]:
        return {
            "name": self.name,
            "concurrency": self.concurrency,
            "requests": self.requests,
            "errors": self.errors,
            "rps": round(self.throughput, 1),
            "p50_ms": round(self.p50, 2),
            "p95_ms": round(self.pct(95), 2),
            "p99_ms": round(self.pct(99), 2),
            "statuses": dict(sorted(self.statuses.items())),
        }


def _client(
    base: str,
    factory: RequestFactory,
    client_no: int,
    stop_at: float,
    max_requests: int | None,
    out: list[tuple[float, int]],
) -> None:
    parts = urlsplit(base)
    conn: http.client.HTTPConnection | None = None
    n = 0
    while time.monotonic() < stop_at and (max_requests is None or n < max_requests):
        method, path, body, headers = factory(client_no, n)
        n += 1
        started = time.perf_counter()
        status = -1
        try:
            if conn is None:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            if conn is not None:
                conn.close()
            conn = None
        out.append(((time.perf_counter() - started) * 1000, status))


def _process(
    base: str,
    factory: RequestFactory,
    clients: list[int],
    seconds: float,
    max_requests: int | None,
    queue: mp.Queue,
) -> None:  # type: ignore[type-arg]
    stop_at = time.monotonic() + seconds
    outs: list[list[tuple[float, int]]] = [[] for _ in clients]
    threads = [
        threading.Thread(target=_client, args=(base, factory, c, stop_at, max_requests, outs[i]))
        for i, c in enumerate(clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put([item for out in outs for item in out])


def run(
    name: str,
    base_url: str,
    factory: RequestFactory,
    *,
    concurrency: int = 1,
    seconds: float = 10,
    max_requests_per_client: int | None = None,
    processes: int | None = None,
    ok_statuses: tuple[int, ...] = (200, 201),
) -> Result:
    """Drive the server from ``processes`` forked processes (default: 1 for a single client,
    else 2) and return the merged result. Errors are non-OK statuses and failed connections."""
    processes = processes or (1 if concurrency == 1 else 2)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    groups = [list(range(i, concurrency, processes)) for i in range(processes)]
    started = time.monotonic()
    procs = [
        ctx.Process(
            target=_process, args=(base_url, factory, g, seconds, max_requests_per_client, queue)
        )
        for g in groups
        if g
    ]
    for p in procs:
        p.start()
    samples: list[tuple[float, int]] = []
    for _ in procs:
        samples.extend(queue.get())
    for p in procs:
        p.join()
    result = Result(name, concurrency, time.monotonic() - started)
    for latency, status in samples:
        result.statuses[status] = result.statuses.get(status, 0) + 1
        if status in ok_statuses:
            result.latencies_ms.append(latency)
        else:
            result.errors += 1
    return result


def merge(name: str, results: list[Result]) -> Result:
    """One result from several runs of the same scenario (e.g. slices interleaved with another
    scenario): their requests, errors and durations added up."""
    merged = Result(name, results[0].concurrency, sum(r.seconds for r in results))
    for r in results:
        merged.latencies_ms.extend(r.latencies_ms)
        merged.errors += r.errors
        for status, n in r.statuses.items():
            merged.statuses[status] = merged.statuses.get(status, 0) + n
    return merged
