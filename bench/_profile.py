"""Profile one benchmark scenario in-process (no server, no load driver), against the database
a ``bench city`` run filled. For finding where a request's CPU goes, not for figures:

    python -m bench._profile intake -n 300            # cProfile, top 40 by own time
    python -m bench._profile queue_ward -n 300 --sort cumulative
    python -m bench._profile lookup -n 2000 --queries  # the SQL of one request

Scenarios: ping, lookup, queue_ward, queue_leader, intake. The server's settings are the
benchmark's (bench.server.Server.env: PostgreSQL bench database, Redis cache db 15)."""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _environment(engine: str) -> dict[str, str]:
    sys.path.insert(0, str(ROOT))
    from bench.city import _database_url
    from bench.server import Server

    server = Server(
        database_url=_database_url(engine, ROOT / "var" / "bench" / engine),
        var_dir=ROOT / "var" / "bench" / engine,
        extra_env={
            "CACHE_URL": "redis://127.0.0.1:6379/15",
            "LOOKUP_RATE_LIMIT": "100000000",
            "LOG_LEVEL": "WARNING",
            "NOTIFY_INLINE": "false",
        },
    )
    return server.env()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "scenario", choices=["ping", "lookup", "queue_ward", "queue_leader", "intake"]
    )
    parser.add_argument("-n", type=int, default=300, help="measured requests (after 30 unmeasured)")
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--queries", action="store_true", help="print the SQL of one request and stop"
    )
    parser.add_argument("--no-profile", action="store_true", help="only time the requests")
    args = parser.parse_args()

    env = _environment(args.engine)
    prep = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench._prep"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    fixtures = json.loads(
        (ROOT / "var" / "bench" / args.engine / "bench_fixtures.json").read_text()
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    samples = fixtures["samples"]
    run = uuid.uuid4().hex[:8]

    def request(i: int) -> Any:
        if args.scenario == "ping":
            return client.get("/ping")
        if args.scenario == "lookup":
            s = samples[i % len(samples)]
            return client.post(
                "/api/v1/dossiers/lookup",
                json.dumps({"code": s["code"], "identity_number": s["id_number"]}),
                content_type="application/json",
            )
        if args.scenario.startswith("queue"):
            user = "motcua.nc" if args.scenario == "queue_ward" else "lanhdao.tx"
            client.cookies["sessionid"] = prep[f"session:{user}"]
            return client.get("/mot-cua/hang-doi/")
        body = {
            "procedure_version_id": prep["intake_version"],
            "applicant_name": "Nguyễn Văn Tải Thử",
            "applicant_id_number": f"0010{i % 10**8:08d}",
            "applicant_phone": "0912345678",
            "channel": 1,
            "papers": [{"paper_id": p, "originals": 1} for p in prep["intake_papers"]],
        }
        return client.post(
            "/api/v1/dossiers/",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {prep['token:motcua.km']}",
            HTTP_IDEMPOTENCY_KEY=f"profile-{run}-{i}",
        )

    for i in range(30):
        response = request(i)
        assert response.status_code in (200, 201), (response.status_code, response.content[:300])
    if args.queries:
        with CaptureQueriesContext(connection) as captured:
            request(31)
        for q in captured.captured_queries:
            print(f"{q['time']:>6}  {q['sql'][:300]}")
        print(f"{len(captured.captured_queries)} statements")
        return 0
    profiler = None if args.no_profile else cProfile.Profile()
    started = time.perf_counter()
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    for i in range(args.n):
        request(1000 + i)
    if profiler:
        profiler.disable()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"{args.scenario}: {args.n} requests, {wall / args.n * 1000:.2f} ms wall, "
        f"{cpu / args.n * 1000:.2f} ms CPU (this process) per request{' under cProfile' if profiler else ''}"
    )
    if profiler:
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
