"""City-scale load benchmark of the one-stop shop (issue #6).

    make bench BENCH_ARGS="city -- --dossiers 1000000 --engine postgres"
    python -m bench city -- --dossiers 100000 --engine sqlite --seconds 5

Fills a database with the generator (or reuses it with --reuse), starts the production server
(gunicorn, as `make serve`) on 127.0.0.1, and drives it from separate processes. Every figure
is reported beside the bare endpoint (/ping: the whole middleware stack, no database) measured
in the same run, because the machine is shared and noisy: compare ratios and medians. A target
set as a ratio to the bare endpoint (the lookup's) is measured in slices interleaved with it
(PAIRED_SLICES), so that both sides share the machine's drift.
Results: bench/results/city-<engine>-<dossiers>.json and a Markdown table on stdout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import fcntl
import itertools
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from bench import loadgen
from bench.server import ROOT, Server

TARGETS = {
    # name: (kind, limit, text)
    "lookup c=16": ("ratio_rps_min", 0.5, "≥ 0.5 × bare throughput"),
    "queue ward c=1": ("p50_max", 30.0, "median ≤ 30 ms"),
    "queue ward c=16": ("p50_max", 150.0, "median ≤ 150 ms"),
    "queue district leader c=1": ("p50_max", 30.0, "median ≤ 30 ms"),
    "queue district leader c=16": ("p50_max", 150.0, "median ≤ 150 ms"),
    "intake c=4": ("rps_min", 150.0, "≥ 150 dossiers/s"),
    "stats ward month": ("p50_max", 100.0, "median ≤ 100 ms"),
    "stats district year": ("p50_max", 500.0, "median ≤ 500 ms"),
    # Issue 17: the leaders' dashboard, its lists and the QĐ 766 index.
    "dashboard district year": ("p50_max", 300.0, "median ≤ 300 ms"),
    "dashboard ward month": ("p50_max", 50.0, "median ≤ 50 ms"),
    "dashboard list district year late": ("p50_max", 100.0, "median ≤ 100 ms"),
    "dashboard list ward month received": ("p50_max", 100.0, "median ≤ 100 ms"),
    "index766 district year": ("p50_max", 300.0, "median ≤ 300 ms"),
    # Issue #12 §6: the register page (form 6) for any period and page, and the desk search.
    "register ward month p1": ("p50_max", 100.0, "median ≤ 100 ms"),
    "register ward month deep": ("p50_max", 100.0, "median ≤ 100 ms"),
    "register ward year p1": ("p50_max", 100.0, "median ≤ 100 ms"),
    "register ward year deep": ("p50_max", 100.0, "median ≤ 100 ms"),
    "register district month p1": ("p50_max", 100.0, "median ≤ 100 ms"),
    "register district month deep": ("p50_max", 100.0, "median ≤ 100 ms"),
    "register district year p1": ("p50_max", 100.0, "median ≤ 100 ms"),
    "register district year deep": ("p50_max", 100.0, "median ≤ 100 ms"),
    "search ward name": ("p50_max", 50.0, "median ≤ 50 ms"),
    "search ward common word": ("p50_max", 50.0, "median ≤ 50 ms"),
    "search ward phone": ("p50_max", 50.0, "median ≤ 50 ms"),
    "search ward identity": ("p50_max", 50.0, "median ≤ 50 ms"),
    "search ward code": ("p50_max", 50.0, "median ≤ 50 ms"),
    "search district leader name": ("p50_max", 50.0, "median ≤ 50 ms"),
    "search district leader common word": ("p50_max", 50.0, "median ≤ 50 ms"),
    "search district desk name": ("p50_max", 50.0, "median ≤ 50 ms"),
}


# The PostgreSQL database the benchmark fills and drops: --database, else $BENCH_DATABASE, else
# congso_bench. Engineers sharing one server each name their own, so that one run never drops
# another's data.
DEFAULT_DATABASE = os.environ.get("BENCH_DATABASE", "congso_bench")


def _database_url(engine: str, workdir: Path, database: str = DEFAULT_DATABASE) -> str:
    if engine == "postgres":
        return f"postgres://postgres@127.0.0.1:5432/{database}"
    return f"sqlite:///{workdir / 'congso.sqlite3'}"


def _reset_database(engine: str, workdir: Path, database: str = DEFAULT_DATABASE) -> None:
    if engine == "postgres":
        if not database.replace("_", "").isalnum():
            raise SystemExit(f"bad database name: {database!r}")
        for sql in (
            f"DROP DATABASE IF EXISTS {database} WITH (FORCE)",
            f"CREATE DATABASE {database}",
        ):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"], check=True
            )
    else:
        for suffix in ("", "-wal", "-shm"):
            (workdir / f"congso.sqlite3{suffix}").unlink(missing_ok=True)


def _probe(
    url: str, headers: dict[str, str], method: str = "GET", body: bytes | None = None
) -> dict[str, Any]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=120) as response:
        data = response.read()
        return {
            "status": response.status,
            "queries": response.headers.get("X-Query-Count"),
            "bytes": len(data),
        }


# Scenarios whose target is a ratio to the bare endpoint are measured interleaved with it, in
# this many alternating slices of equal length: on a shared machine the capacity drifts over a
# minute (two sequential 10 s windows gave ratios from 0.37 to 0.63 on 27/11/2026), and slices
# put both sides of the ratio under the same drift.
PAIRED_SLICES = 5


def _verdict(name: str, row: dict[str, Any], bare: dict[str, dict[str, Any]]) -> str:
    if name not in TARGETS:
        return ""
    kind, limit, text = TARGETS[name]
    if kind == "ratio_rps_min":
        ratio = row["rps"] / max(bare[f"bare c={row['concurrency']} (paired)"]["rps"], 1e-9)
        row["ratio_to_bare"] = round(ratio, 2)
        ok = ratio >= limit
        return f"{'đạt' if ok else 'CHƯA ĐẠT'} ({text}; {ratio:.2f}×)"
    if kind == "rps_min":
        ok = row["rps"] >= limit
        return f"{'đạt' if ok else 'CHƯA ĐẠT'} ({text})"
    ok = row["p50_ms"] <= limit
    return f"{'đạt' if ok else 'CHƯA ĐẠT'} ({text})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--engine", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--warmup",
        type=float,
        default=2,
        help="seconds of unmeasured load before each scenario, so every worker has "
        "loaded its code and caches (a server that runs for days pays that once)",
    )
    parser.add_argument(
        "--database",
        default=DEFAULT_DATABASE,
        help="PostgreSQL database to fill and measure (default $BENCH_DATABASE or congso_bench)",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database filled by an earlier run"
    )
    parser.add_argument("--city", action="store_true", help="30 districts and ~500 wards")
    parser.add_argument(
        "--generate-only",
        action="store_true",
        help="fill the database (unless --reuse finds "
        "it filled) and stop, e.g. to generate a large one in the background",
    )
    parser.add_argument(
        "--only",
        default="",
        help="run only the scenarios whose name contains one of these "
        "comma-separated words (the bare endpoint always runs), e.g. --only lookup,intake",
    )
    args = parser.parse_args(argv or [])

    workdir = (
        ROOT
        / "var"
        / "bench"
        / (
            args.engine
            if args.database == "congso_bench" or args.engine != "postgres"
            else f"{args.engine}-{args.database}"
        )
    )
    workdir.mkdir(parents=True, exist_ok=True)
    fixtures = workdir / "bench_fixtures.json"
    server = Server(
        database_url=_database_url(args.engine, workdir, args.database),
        var_dir=workdir,
        workers=args.workers,
        threads=args.threads,
        extra_env={
            "CACHE_URL": "redis://127.0.0.1:6379/15",
            "LOOKUP_RATE_LIMIT": "100000000",
            "CONGSO_QUERY_COUNT_HEADER": "true",
            "LOG_LEVEL": "WARNING",
            "NOTIFY_INLINE": "false",
        },
    )
    info: dict[str, Any] = json.loads(fixtures.read_text()) if fixtures.exists() else {}
    if not args.reuse or info.get("dossiers") != args.dossiers:
        _reset_database(args.engine, workdir, args.database)
        print("migrate + demo_load …", flush=True)
        server.manage("migrate", "--noinput", "-v0")
        server.manage("demo_load")
        print(f"generating {args.dossiers:,} dossiers …", flush=True)
        started = time.monotonic()
        cmd = [
            sys.executable,
            "-m",
            "bench.generate",
            "--dossiers",
            str(args.dossiers),
            "--fixtures",
            str(fixtures),
        ]
        if args.city:
            cmd.append("--city")
        subprocess.run(cmd, env=server.env(), cwd=ROOT, check=True)
        info = json.loads(fixtures.read_text())
        info["generate_wall_s"] = round(time.monotonic() - started, 1)
        fixtures.write_text(json.dumps(info, ensure_ascii=False, indent=1))
    server.manage("migrate", "--noinput", "-v0")  # a reused database gets new migrations
    if args.generate_only:
        print(
            f"generated {info.get('dossiers'):,} dossiers in {info.get('generate_wall_s')} s",
            flush=True,
        )
        return 0
    import redis  # the benchmark's cache database starts empty: nothing cached from an earlier run

    redis.Redis.from_url(server.env()["CACHE_URL"]).flushdb()
    server.manage("collectstatic", "--noinput", "-v0")
    prep = json.loads(
        subprocess.run(
            [sys.executable, "-m", "bench._prep"],
            env=server.env(),
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    samples = info["samples"] or [{"code": "X", "id_number": "0"}]
    today = dt.date.today()
    month_start = today.replace(day=1)
    year_start = today - dt.timedelta(days=365)
    run_id = uuid.uuid4().hex[:8]
    host = {"Host": "127.0.0.1"}

    def session(user: str) -> dict[str, str]:
        return {**host, "Cookie": f"sessionid={prep[f'session:{user}']}"}

    def get(path: str, headers: dict[str, str]) -> loadgen.RequestFactory:
        return lambda c, n: ("GET", path, None, headers)

    def lookup(c: int, n: int) -> tuple[str, str, bytes, dict[str, str]]:
        s = samples[(c * 7919 + n) % len(samples)]
        body = json.dumps({"code": s["code"], "identity_number": s["id_number"]}).encode()
        return "POST", "/api/v1/dossiers/lookup", body, {**host, "Content-Type": "application/json"}

    counter = itertools.count()

    def intake(c: int, n: int) -> tuple[str, str, bytes, dict[str, str]]:
        i = next(counter)
        body = json.dumps(
            {
                "procedure_version_id": prep["intake_version"],
                "applicant_name": "Nguyễn Văn Tải Thử",
                "applicant_id_number": f"0010{(c * 1000003 + i) % 10**8:08d}",
                "applicant_phone": "0912345678",
                "channel": 1,
                "papers": [{"paper_id": p, "originals": 1} for p in prep["intake_papers"]],
            }
        ).encode()
        return (
            "POST",
            "/api/v1/dossiers/",
            body,
            {
                **host,
                "Content-Type": "application/json",
                "Authorization": f"Bearer {prep['token:motcua.km']}",
                # The load driver's process id keeps keys unique across the warm-up and measured runs.
                "Idempotency-Key": f"bench-{run_id}-{os.getpid()}-{c}-{n}",
            },
        )

    ward_stats = f"/api/v1/dossiers/stats?tu={month_start}&den={today}"
    district_stats = f"/api/v1/dossiers/stats?tu={year_start}&den={today}"
    register = f"/mot-cua/so-theo-doi/?dinh_dang=xlsx&tu={month_start}&den={today}"
    scenarios: list[tuple[str, loadgen.RequestFactory, int, tuple[int, ...]]] = [
        ("bare c=1", get("/ping", host), 1, (200,)),
        ("bare c=16", get("/ping", host), 16, (200,)),
        ("lookup c=1", lookup, 1, (200,)),
        ("lookup c=16", lookup, 16, (200,)),
        ("queue ward c=1", get("/mot-cua/hang-doi/", session("motcua.nc")), 1, (200,)),
        ("queue ward c=16", get("/mot-cua/hang-doi/", session("motcua.nc")), 16, (200,)),
        ("queue district leader c=1", get("/mot-cua/hang-doi/", session("lanhdao.tx")), 1, (200,)),
        (
            "queue district leader c=16",
            get("/mot-cua/hang-doi/", session("lanhdao.tx")),
            16,
            (200,),
        ),
        ("intake c=4", intake, 4, (200, 201)),
        (
            "stats ward month",
            get(ward_stats, {**host, "Authorization": f"Bearer {prep['token:motcua.nc']}"}),
            1,
            (200,),
        ),
        (
            "stats district year",
            get(district_stats, {**host, "Authorization": f"Bearer {prep['token:lanhdao.tx']}"}),
            1,
            (200,),
        ),
        ("register export month (xlsx)", get(register, session("motcua.tx")), 1, (200,)),
    ]
    # The register page (form 6) of a ward (motcua.nc) and of the district (the district desk,
    # motcua.tx), for the current month and the last 365 days, on its first page and on the
    # page holding the middle row of the period. The deep URL carries both the old offset page
    # (``trang``) and the keyset cursor (``sau``) of the same row, so it runs on either code.
    periods = {"month": month_start, "year": year_start}
    for who, label in (("motcua.nc", "ward"), ("motcua.tx", "district")):
        for name, start in periods.items():
            base = f"/mot-cua/so-theo-doi/?don_vi={prep[f'agency:{who}']}&tu={start}&den={today}"
            deep = prep[f"deep:{who}:{name}"]
            scenarios.append((f"register {label} {name} p1", get(base, session(who)), 1, (200,)))
            scenarios.append(
                (
                    f"register {label} {name} deep",
                    get(f"{base}&trang={deep['trang']}&sau={deep['sau']}", session(who)),
                    1,
                    (200,),
                )
            )
    # The desk search, from the queue page's search box (any status since issue #12): an
    # unaccented full name, one common word (a sixteenth of all names), a phone number, an
    # identity number and a code; for a ward's officer, the district leader (every unit of the
    # district) and the district desk.
    for name, who, q in (
        ("search ward name", "motcua.nc", "nguyen van an"),
        ("search ward common word", "motcua.nc", "nguyen"),
        ("search ward phone", "motcua.nc", prep["search:phone"]),
        ("search ward identity", "motcua.nc", prep["search:id_number"]),
        ("search ward code", "motcua.nc", prep["search:code"]),
        ("search district leader name", "lanhdao.tx", "tran thi mai"),
        ("search district leader common word", "lanhdao.tx", "nguyen"),
        ("search district desk name", "motcua.tx", "le van an"),
    ):
        scenarios.append(
            (name, get(f"/mot-cua/hang-doi/?q={urllib.parse.quote(q)}", session(who)), 1, (200,))
        )
    # The leaders' dashboard (issue 17): the district leader's, over the last 365 days and for a
    # ward this month (the API: the page's figures without the HTML), a drill-down list of each,
    # and the index of the district for this year (counted live: nothing frozen yet).
    leader = {**host, "Authorization": f"Bearer {prep['token:lanhdao.tx']}"}
    ward_id = prep["unit:motcua.nc"]
    scenarios += [
        (
            "dashboard district year",
            get(f"/api/v1/dashboard/?tu={year_start}&den={today}", leader),
            1,
            (200,),
        ),
        (
            "dashboard ward month",
            get(f"/api/v1/dashboard/?don_vi={ward_id}&tu={month_start}&den={today}", leader),
            1,
            (200,),
        ),
        (
            "dashboard list district year late",
            get(
                f"/bang-dieu-hanh/ho-so/?chi_so=late&tu={year_start}&den={today}",
                session("lanhdao.tx"),
            ),
            1,
            (200,),
        ),
        (
            "dashboard list ward month received",
            get(
                f"/bang-dieu-hanh/ho-so/?chi_so=received&don_vi={ward_id}&tu={month_start}&den={today}",
                session("lanhdao.tx"),
            ),
            1,
            (200,),
        ),
        ("index766 district year", get(f"/api/v1/index766/?ky={today.year}", leader), 1, (200,)),
    ]
    wanted = [w.strip() for w in args.only.split(",") if w.strip()]
    if wanted:
        scenarios = [
            s for s in scenarios if s[0].startswith("bare") or any(w in s[0] for w in wanted)
        ]
    rows: list[dict[str, Any]] = []
    bare: dict[str, dict[str, Any]] = {}
    # One load run at a time on this machine: two benchmarks sharing 2 cores measure nothing.
    lock = (ROOT / "var" / "bench" / ".load.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    with server:
        for name, factory, concurrency, ok in scenarios:
            method, path, body, headers = factory(0, 0)
            probe = _probe(server.base_url + path, headers, method, body)
            if args.warmup > 0:
                loadgen.run(
                    name,
                    server.base_url,
                    factory,
                    concurrency=concurrency,
                    seconds=args.warmup,
                    ok_statuses=ok,
                )
            if TARGETS.get(name, ("",))[0] == "ratio_rps_min":
                # This scenario and the bare endpoint in alternating slices (PAIRED_SLICES).
                slice_s = args.seconds / PAIRED_SLICES
                mine, theirs = [], []
                for _i in range(PAIRED_SLICES):
                    theirs.append(
                        loadgen.run(
                            "bare",
                            server.base_url,
                            get("/ping", host),
                            concurrency=concurrency,
                            seconds=slice_s,
                        )
                    )
                    mine.append(
                        loadgen.run(
                            name,
                            server.base_url,
                            factory,
                            concurrency=concurrency,
                            seconds=slice_s,
                            ok_statuses=ok,
                        )
                    )
                paired = loadgen.merge(f"bare c={concurrency} (paired)", theirs).row()
                paired.update(queries=0, bytes=0, verdict="")
                bare[paired["name"]] = paired
                rows.append(paired)
                print(
                    f"{paired['name']:<32} rps {paired['rps']:>8}  p50 {paired['p50_ms']:>8} ms  "
                    f"(interleaved with {name})",
                    flush=True,
                )
                result = loadgen.merge(name, mine)
            else:
                result = loadgen.run(
                    name,
                    server.base_url,
                    factory,
                    concurrency=concurrency,
                    seconds=args.seconds,
                    ok_statuses=ok,
                )
            row = result.row()
            row["queries"] = probe["queries"]
            row["bytes"] = probe["bytes"]
            if name.startswith("bare"):
                bare[name] = row
            row["verdict"] = _verdict(name, row, bare)
            rows.append(row)
            print(
                f"{name:<32} rps {row['rps']:>8}  p50 {row['p50_ms']:>8} ms  p95 {row['p95_ms']:>8}  "
                f"p99 {row['p99_ms']:>8}  err {row['errors']:>4}  q {row['queries']}  {row['verdict']}",
                flush=True,
            )
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(exist_ok=True)
    report = {
        "engine": args.engine,
        "dossiers": info.get("dossiers"),
        "generate": {k: info.get(k) for k in ("seconds", "rate", "generate_wall_s", "agencies")},
        "workers": args.workers,
        "threads": args.threads,
        "seconds_per_scenario": args.seconds,
        "at": dt.datetime.now().isoformat(),
        "rows": rows,
    }
    path = out_dir / f"city-{args.engine}-{info.get('dossiers')}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    print(
        "\n| scenario | conc. | req/s | p50 ms | p95 ms | p99 ms | errors | queries | target |\n|---|---|---|---|---|---|---|---|---|"
    )
    for r in rows:
        print(
            f"| {r['name']} | {r['concurrency']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | "
            f"{r['errors']} | {r['queries']} | {r['verdict']} |"
        )
    print(f"\nresults: {path}")
    return 0
