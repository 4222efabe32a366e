"""Catalogue search at 5,000 procedures (issue #13: ≤ 20 ms median).

    python -m bench catalogue_search -- --procedures 5000 --engine both
    python -m bench catalogue_search -- --procedures 5000 --engine sqlite --queries 100

For each engine a fresh database (SQLite file in a temporary folder; PostgreSQL database
``cs_catalogue_bench``) is migrated and filled with bulk_create: the 20 real target names of
the ranking tests plus generated names in the national database's style (verb + object +
qualifier, ~30 fields), each with one published version; the ward Nhân Chính offers the ward
procedures, so the counter's intake search has the same size of candidates. Then a mix of
queries people type (exact titles, without diacritics, kí/ký, run together, abbreviations,
national codes in each form, one- and two-word queries) is timed:

- ``search``: ``catalogue_search(q)`` and its first page of 20 (what /thu-tuc/ and the API do);
- ``intake``: ``dossiers.selectors.procedures_offered(ward, q)`` (the counter's search);
- ``page``: ``GET /thu-tuc/?q=`` through the test client (HTTP stack, template);
- ``baseline``: a trivial indexed lookup (one procedure by slug), same run;
- ``ping``: ``GET /ping`` through the test client, same run (baseline of ``page``).

Results go to bench/results/catalogue_search-<engine>-<n>.json and a Markdown table.
Target: median of ``search`` ≤ 20 ms at 5,000 procedures. Each scenario reports the wall time
and the process's CPU time; on a shared machine (8 people on 2 cores) read the CPU time and
the ratio to the baseline measured in the same run (ADR 0005).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgres://postgres@127.0.0.1:5432/cs_catalogue_bench"

TARGETS = [
    ("Đăng ký khai sinh", "1.001193"),
    ("Đăng ký khai tử", "1.000656"),
    ("Đăng ký kết hôn", "1.000894"),
    ("Đăng ký lại khai sinh", "1.004884"),
    ("Đăng ký khai tử lưu động", "1.000419"),
    ("Cấp Giấy xác nhận tình trạng hôn nhân", "1.004873"),
    ("Cấp bản sao trích lục hộ tịch", "2.000635"),
    ("Chứng thực chữ ký trong các giấy tờ, văn bản", "2.000884"),
    ("Đăng ký thành lập hộ kinh doanh", "1.001612"),
    ("Tạm ngừng hoạt động hộ kinh doanh", "1.001570"),
    ("Chấm dứt hoạt động hộ kinh doanh", "1.001266"),
    ("Thôi làm hòa giải viên", "2.000930"),
    ("Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", "1.013225"),
    (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan tổ chức có thẩm quyền của Việt Nam cấp hoặc "
        "chứng nhận",
        "2.000815",
    ),
    ("Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "1.001731"),
]
VERBS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Gia hạn",
    "Điều chỉnh",
    "Đăng ký",
    "Đăng ký lại",
    "Đăng ký thay đổi",
    "Xác nhận",
    "Thu hồi",
    "Công nhận",
    "Chấm dứt",
    "Tạm ngừng",
    "Thẩm định",
    "Phê duyệt",
    "Chứng thực",
    "Giải quyết",
    "Hỗ trợ",
    "Thông báo",
    "Chuyển đổi",
]
OBJECTS = [
    "giấy phép xây dựng",
    "giấy chứng nhận quyền sử dụng đất",
    "hộ kinh doanh",
    "giấy phép kinh doanh karaoke",
    "hợp tác xã",
    "tổ hợp tác",
    "giấy phép khai thác nước mặt",
    "kế hoạch bảo vệ môi trường",
    "chế độ trợ cấp xã hội hàng tháng",
    "hộ nghèo, hộ cận nghèo",
    "người có công với cách mạng",
    "thân nhân liệt sĩ",
    "giấy phép lái xe",
    "đăng ký xe máy chuyên dùng",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm",
    "cơ sở giáo dục mầm non",
    "trường tiểu học",
    "cơ sở trợ giúp xã hội",
    "câu lạc bộ thể thao",
    "lễ hội truyền thống",
    "di tích lịch sử văn hóa",
    "thư viện cộng đồng",
    "giấy phép quảng cáo",
    "hoạt động tôn giáo",
    "tổ chức hội",
    "quỹ xã hội, quỹ từ thiện",
    "hòa giải viên",
    "tổ hòa giải",
    "cộng tác viên dịch thuật",
    "bản sao từ sổ gốc",
    "chứng chỉ hành nghề",
    "giấy phép thủy lợi",
    "thuê đất",
    "giao đất",
    "chuyển mục đích sử dụng đất",
    "bồi thường, hỗ trợ, tái định cư",
    "giấy phép bán lẻ rượu",
    "giấy phép bán lẻ sản phẩm thuốc lá",
    "cửa hàng xăng dầu",
    "chợ dân sinh",
]
QUALIFIERS = [
    "",
    "đối với hộ gia đình, cá nhân",
    "đối với tổ chức",
    "có yếu tố nước ngoài",
    "trên địa bàn cấp xã",
    "thuộc thẩm quyền cấp huyện",
    "cho người khuyết tật",
    "trong trường hợp bị mất, hỏng",
    "đối với công trình cấp III, cấp IV",
    "lần đầu",
    "khi thay đổi thông tin",
    "theo yêu cầu",
    "đối với nhà ở riêng lẻ",
    "cho đối tượng bảo trợ xã hội",
    "tại khu công nghiệp",
]
FIELDS = [
    "Hộ tịch",
    "Chứng thực",
    "Đất đai",
    "Xây dựng",
    "Môi trường",
    "Kinh doanh",
    "Bảo trợ xã hội",
    "Người có công",
    "Giáo dục",
    "Văn hóa",
    "Thể thao",
    "Tôn giáo",
    "Hòa giải",
    "Thủy lợi",
    "Giao thông",
    "Công thương",
    "Tài chính",
    "Nội vụ",
    "Y tế",
    "Nông nghiệp",
    "Lâm nghiệp",
    "Thủy sản",
    "Lao động",
    "Việc làm",
    "Quốc tịch",
    "Nuôi con nuôi",
    "Thi đua khen thưởng",
    "Khiếu nại",
    "Tố cáo",
    "Dân tộc",
]
QUERIES = [
    "Đăng ký khai sinh",
    "dang ky khai sinh",
    "đăng kí khai tử",
    "Đăng ký kết hôn",
    "dang ki ket hon",
    "khaisinh",
    "dangkykhaitu",
    "Cấp Giấy xác nhận tình trạng hôn nhân",
    "xac nhan tinh trang hon nhan",
    "trích lục hộ tịch",
    "chứng thực chữ kí",
    "chung thuc ban sao",
    "hộ kinh doanh",
    "HKD",
    "tạm ngừng HKD",
    "GPXD",
    "cấp GPXD",
    "gia hạn giấy phép xây dựng",
    "QSDĐ",
    "cấp đổi giấy chứng nhận QSDĐ",
    "CCCD",
    "thôi làm hoà giải viên",
    "hòa giải",
    "thuỷ lợi",
    "thủy lợi",
    "mai táng",
    "bảo trợ xã hội",
    "1.001193",
    "1001193",
    "1.001193.000.00.00.H37",
    "2.000815",
    "2000815",
    "đăng ký",
    "cấp",
    "giấy phép",
    "karaoke",
    "an toàn thực phẩm",
    "người có công",
    "chuyển mục đích sử dụng đất",
    "hợp tác xã",
]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _schedstat(pid: int | str) -> tuple[int, int]:
    """(ns on a CPU, ns waiting for one) of a process, from /proc/<pid>/schedstat; (0, 0)
    where it cannot be read (a database on another machine)."""
    try:
        with open(f"/proc/{pid}/schedstat") as fh:
            on_cpu, waiting, _slices = fh.read().split()
        return int(on_cpu), int(waiting)
    except (OSError, ValueError):
        return 0, 0


def _timed(
    fn: Any, n: int, rng: random.Random, make_args: Any, server_pid: int | None = None
) -> dict[str, float]:
    """Wall time; this process's CPU time; the database server's CPU time for this
    connection (PostgreSQL on this machine: its backend's /proc schedstat); and the time both
    spent waiting for a core. On a shared machine the wall time of a short call mostly
    measures waiting for a core; ``cpu_total`` (client + server CPU) is what the call costs
    on a machine of its own (on SQLite the client CPU already includes the database's work).
    """
    times, cpu, server, waiting = [], [], [], []
    for _ in range(n):
        args = make_args(rng)
        own_before = _schedstat("self")
        db_before = _schedstat(server_pid) if server_pid else (0, 0)
        started, started_cpu = time.perf_counter(), time.process_time()
        fn(*args)
        cpu.append((time.process_time() - started_cpu) * 1000)
        times.append((time.perf_counter() - started) * 1000)
        own_after = _schedstat("self")
        db_after = _schedstat(server_pid) if server_pid else (0, 0)
        server.append((db_after[0] - db_before[0]) / 1e6)
        waiting.append((own_after[1] - own_before[1] + db_after[1] - db_before[1]) / 1e6)
    total = [c + s for c, s in zip(cpu, server, strict=True)]
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "cpu_median_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(_percentile(cpu, 0.95), 2),
        "server_cpu_median_ms": round(statistics.median(server), 2),
        "cpu_total_median_ms": round(statistics.median(total), 2),
        "cpu_total_p95_ms": round(_percentile(total, 0.95), 2),
        "wait_median_ms": round(statistics.median(waiting), 2),
        "n": n,
    }


TRGM_INDEX = "procedure_search_text_trgm"


def _trgm_comparison(
    search: Any, queries: list[str], server_pid: int | None, fastupdate: str, blocks: int = 4
) -> dict[str, Any]:
    """The same queries with and without the trigram index (migration 0008), in alternating
    blocks so that both see the same load: drop the index, time a block, create it again,
    time the same block, and the next block the other way round."""
    from django.db import connection

    def set_index(present: bool) -> None:
        with connection.cursor() as cur:
            if present:
                cur.execute(
                    f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON procedures_procedure "
                    f"USING gin (search_text gin_trgm_ops) WITH (fastupdate = {fastupdate})"
                )
            else:
                cur.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")
            cur.execute("ANALYZE procedures_procedure")

    size = max(1, len(queries) // blocks)
    runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
    for block in range(blocks):
        chunk = queries[block * size : (block + 1) * size]
        order = [False, True] if block % 2 == 0 else [True, False]
        for present in order:
            set_index(present)
            for q in chunk:  # warm the plan and the pages once
                search(q)
            queue = list(chunk)  # the same queries, in the same order, for both
            runs[present].append(
                _timed(
                    search,
                    len(chunk),
                    random.Random(0),
                    lambda r, queue=queue: (queue.pop(0),),
                    server_pid,
                )
            )
    set_index(True)

    def merge(parts: list[dict[str, float]]) -> dict[str, float]:
        keys = ("median_ms", "cpu_median_ms", "server_cpu_median_ms", "cpu_total_median_ms")
        return {k: round(statistics.median(p[k] for p in parts), 2) for k in keys}

    return {"with_index": merge(runs[True]), "without_index": merge(runs[False])}


def _reimport(
    search: Any, q_args: Any, n_queries: int, server_pid: int | None, rng: random.Random
) -> dict[str, Any]:
    """What a national import does to the index: 240 procedures (a district's catalogue) get
    a changed name and search_text in one transaction; the write is timed, then the search
    before any VACUUM (with fastupdate on the new entries wait in the pending list)."""
    from django.db import connection, transaction

    from congso.procedures.models import Procedure
    from congso.search.ranking import procedure_search_text

    changed = list(Procedure.objects.order_by("?")[:240])
    for p in changed:
        p.name = f"{p.name} {rng.choice(QUALIFIERS) or 'theo quy định mới'}"
        p.search_text = procedure_search_text(p.name, p.national_code, p.local_code)
    started = time.monotonic()
    with transaction.atomic():
        Procedure.objects.bulk_update(changed, ["name", "search_text"], batch_size=240)
    write_ms = round((time.monotonic() - started) * 1000, 1)
    with connection.cursor() as cur:
        pending = _gin_pending(cur)
    for q in QUERIES:
        search(q)
    return {
        "write_240_ms": write_ms,
        "gin_pending": pending,
        "search": _timed(search, n_queries, random.Random(11), q_args, server_pid),
    }


def names(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` distinct (name, national code): the targets, then generated names."""
    out = list(TARGETS)
    seen = {name for name, _code in out}
    used = {code for _name, code in out}
    while len(out) < n:
        name = " ".join(
            x for x in (rng.choice(VERBS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)) if x
        )
        if name in seen:
            name = f"{name} ({rng.choice(FIELDS).lower()})"
        if name in seen:
            continue
        code = f"{rng.choice('123')}.{rng.randint(0, 999999):06d}"
        if code in used or rng.random() < 0.1:
            code = ""
        seen.add(name)
        used.add(code)
        out.append((name, code))
    return out


def _gin_pending(cur: Any) -> dict[str, int] | None:
    """Pages and tuples in the trigram index's pending list (pgstattuple), None without it."""
    try:
        cur.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        cur.execute(
            "SELECT pending_pages, pending_tuples FROM pgstatginindex(%s::regclass)", [TRGM_INDEX]
        )
        pages, tuples = cur.fetchone()
        return {"pages": int(pages), "tuples": int(tuples)}
    except Exception:  # a server without the extension: no figure
        return None


def worker(n: int, n_queries: int, fastupdate: str = "off") -> dict[str, Any]:
    """Runs inside the engine's environment (DATABASE_URL set by the parent)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    import django
    import django.conf

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings

    from congso.dossiers.selectors import procedures_offered
    from congso.org.demo import load_org_demo
    from congso.procedures.models import Field, Procedure, ProcedureVersion, UnitProcedure
    from congso.procedures.selectors import catalogue_search
    from congso.search.ranking import procedure_search_text

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    has_trgm = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [TRGM_INDEX])
            has_trgm = cur.fetchone() is not None
            if has_trgm:
                # The migration builds it with fastupdate off (ADR 0026); the bench measures both.
                cur.execute(f"ALTER INDEX {TRGM_INDEX} SET (fastupdate = {fastupdate})")
    org = load_org_demo()
    ward = org.wards["00343"]
    rng = random.Random(20261202)
    fields = [
        Field.objects.create(code=f"linh-vuc-{i}", name=name) for i, name in enumerate(FIELDS)
    ]
    fill_started = time.monotonic()
    rows = names(n, rng)
    procedures = [
        Procedure(
            name=name,
            slug=f"thu-tuc-{i}",
            field=rng.choice(fields),
            national_code=code,
            level="ward" if i % 2 == 0 else "district",
            levels="ward" if i % 2 == 0 else "district",
            search_text=procedure_search_text(name, code),
        )
        for i, (name, code) in enumerate(rows)
    ]
    insert_started = time.monotonic()
    Procedure.objects.bulk_create(procedures, batch_size=1000)
    insert_seconds = time.monotonic() - insert_started
    ids = dict(Procedure.objects.values_list("slug", "pk"))
    ProcedureVersion.objects.bulk_create(
        [
            ProcedureVersion(
                procedure_id=ids[p.slug],
                number=1,
                valid_from=dt.date(2015, 1, 1),
                is_published=True,
                name=p.name,
                duration=Decimal(3),
            )
            for p in procedures
        ],
        batch_size=1000,
    )
    UnitProcedure.objects.bulk_create(
        [
            UnitProcedure(unit=ward, procedure_id=ids[p.slug])
            for p in procedures
            if p.level == "ward"
        ],
        batch_size=1000,
    )
    fill_seconds = time.monotonic() - fill_started
    with connection.cursor() as cur:
        # A manual ANALYZE does not merge a GIN pending list (only VACUUM, autoanalyze or the
        # list outgrowing gin_pending_list_limit do): the search just after the fill sees it.
        cur.execute("ANALYZE")
    pending_after_fill = None
    if has_trgm:
        with connection.cursor() as cur:
            pending_after_fill = _gin_pending(cur)
    # The page renders {% static %}; a bench database has no collected manifest.
    override_settings(
        STORAGES={
            **django.conf.settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    client = Client()
    slugs = list(ids)

    def q_args(r: random.Random) -> tuple[str]:
        return (r.choice(QUERIES),)

    def search(q: str) -> None:
        page = catalogue_search(q)[:20]
        assert page is not None
        assert all(p.current_versions for p in page)  # what the page reads

    def intake(q: str) -> None:
        procedures_offered(ward, q)

    def page(q: str) -> None:
        assert client.get("/thu-tuc/", {"q": q}).status_code == 200

    def baseline(slug: str) -> None:
        Procedure.objects.filter(slug=slug).first()

    def ping() -> None:
        client.get("/ping")

    server_pid: int | None = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            server_pid = int(cur.fetchone()[0])
        if _schedstat(server_pid) == (0, 0):
            server_pid = None  # the server is on another machine: no server CPU figure

    # Right after the fill, before any VACUUM (what a search sees after a national import):
    # with fastupdate on, the pending list is scanned by every search.
    for q in QUERIES:  # warm the caches once
        search(q)
    after_fill = _timed(search, n_queries, random.Random(7), q_args, server_pid)
    vacuum_seconds = None
    if connection.vendor == "postgresql":
        vacuum_started = time.monotonic()
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE procedures_procedure")
        vacuum_seconds = round(time.monotonic() - vacuum_started, 2)
        for q in QUERIES:
            search(q)
    firsts = {
        q: catalogue_search(q).first().name
        for q in ("dang ki khai tu", "khaisinh", "1001193", "cấp GPXD")
    }
    hits = {q: len(catalogue_search(q)) for q in ("đăng ký", "cấp", "giấy phép", "hộ kinh doanh")}
    results = {
        "engine": connection.vendor,
        "fastupdate": fastupdate if has_trgm else None,
        "procedures": Procedure.objects.count(),
        "fill_seconds": round(fill_seconds, 1),
        "insert_procedures_seconds": round(insert_seconds, 2),
        "gin_pending_after_fill": pending_after_fill,
        "vacuum_seconds": vacuum_seconds,
        "search_before_vacuum": after_fill,
        "total_seconds": None,
        "first": firsts,
        "hits": hits,
        "search": _timed(search, n_queries, rng, q_args, server_pid),
        "intake": _timed(intake, n_queries, rng, q_args, server_pid),
        "page": _timed(page, max(20, n_queries // 4), rng, q_args, server_pid),
        "baseline": _timed(baseline, n_queries, rng, lambda r: (r.choice(slugs),), server_pid),
        "ping": _timed(ping, max(20, n_queries // 4), rng, lambda r: (), server_pid),
    }
    if connection.vendor == "postgresql" and has_trgm:
        mix = [rng.choice(QUERIES) for _ in range(n_queries)]
        results["trgm"] = _trgm_comparison(search, mix, server_pid, fastupdate)
        results["reimport"] = _reimport(search, q_args, n_queries, server_pid, rng)
    results["total_seconds"] = round(time.monotonic() - started, 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench catalogue_search")
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", ""),
        help="PostgreSQL database to use (its public schema is emptied first); default: a "
        "fresh database cs_catalogue_bench",
    )
    parser.add_argument(
        "--fastupdate",
        choices=["on", "off", "both"],
        default="off",
        help="the trigram index's GIN fastupdate on PostgreSQL (the migration builds it off)",
    )
    parser.add_argument("--runs", type=int, default=1, help="fresh databases per setting")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv or [])
    if args.worker:
        result = worker(args.procedures, args.queries, args.fastupdate)
        print(json.dumps(result, ensure_ascii=False))
        return 0
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    settings = ["off", "on"] if args.fastupdate == "both" else [args.fastupdate]
    plan = []
    for run in range(args.runs):
        for engine in engines:
            # Alternate the settings' order from run to run: both see the same load.
            order = settings if run % 2 == 0 else settings[::-1]
            for fastupdate in order if engine == "postgres" else order[:1]:
                plan.append((engine, fastupdate, run + 1))
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = 0
    rows = []
    for engine, fastupdate, run in plan:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "CONGSO_TESTING": "false",
                "DEBUG": "false",
                "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret-" + "x" * 40),
                "CONGSO_SIGNING_DIR": str(Path(tmp) / "signing"),
                "MEDIA_ROOT": str(Path(tmp) / "media"),
            }
            if engine == "postgres" and args.pg_url:
                # A database of one's own on a shared server: empty it rather than drop it.
                subprocess.run(
                    [
                        "psql",
                        "-qc",
                        "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;",
                        args.pg_url,
                    ],
                    check=True,
                    env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
                )
                env["DATABASE_URL"] = args.pg_url
            elif engine == "postgres":
                for sql in (
                    "DROP DATABASE IF EXISTS cs_catalogue_bench WITH (FORCE)",
                    "CREATE DATABASE cs_catalogue_bench",
                ):
                    subprocess.run(
                        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"],
                        check=True,
                    )
                env["DATABASE_URL"] = PG_URL
            else:
                env["DATABASE_URL"] = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "bench.catalogue_search",
                    "--worker",
                    "--engine",
                    engine,
                    "--procedures",
                    str(args.procedures),
                    "--queries",
                    str(args.queries),
                    "--fastupdate",
                    fastupdate,
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        if proc.returncode != 0:
            print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
            failed += 1
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["run"] = run
        suffix = f"-fastupdate-{fastupdate}" if engine == "postgres" else ""
        (RESULTS / f"catalogue_search-{engine}-{args.procedures}{suffix}-run{run}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False)
        )
        print(
            f"run {run} {engine} fastupdate={result.get('fastupdate')}: search "
            f"{result['search']['median_ms']} ms wall, "
            f"{result['search']['cpu_total_median_ms']} ms CPU",
            file=sys.stderr,
        )
        rows.append(result)
    _report(rows)
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["engine"], r.get("fastupdate")), []).append(r)
    for group in groups.values():
        median = statistics.median(
            min(r["search"]["median_ms"], r["search"]["cpu_total_median_ms"]) for r in group
        )
        if median > 20:
            failed += 1
    return 1 if failed else 0


SCENARIOS = ("search_before_vacuum", "search", "intake", "page", "baseline", "ping")


def _report(rows: list[dict[str, Any]]) -> None:
    """One Markdown row per run and scenario, then the medians over the runs of each setting."""
    print(
        "| engine | fastupdate | run | scenario | wall median / p95 ms | client CPU median ms | "
        "server CPU median ms | client+server CPU median / p95 ms | waiting for a core median ms "
        "| × baseline (wall) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        for name in SCENARIOS:
            m = r[name]
            base = r["ping" if name == "page" else "baseline"]["median_ms"] or 0.01
            print(
                f"| {r['engine']} | {r.get('fastupdate') or '—'} | {r.get('run', 1)} | {name} | "
                f"{m['median_ms']} / {m['p95_ms']} | {m['cpu_median_ms']} | "
                f"{m['server_cpu_median_ms']} | {m['cpu_total_median_ms']} / {m['cpu_total_p95_ms']} "
                f"| {m['wait_median_ms']} | {round(m['median_ms'] / base, 1)} |"
            )
    print()
    print(
        "Medians over the runs (of each run's median): | engine | fastupdate | runs | scenario | "
        "wall ms | client+server CPU ms | × baseline (wall) |"
    )
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["engine"], r.get("fastupdate")), []).append(r)
    for (engine, fastupdate), group in groups.items():
        for name in SCENARIOS:
            wall = statistics.median(r[name]["median_ms"] for r in group)
            cpu = statistics.median(r[name]["cpu_total_median_ms"] for r in group)
            base = statistics.median(
                r[name]["median_ms"]
                / (r["ping" if name == "page" else "baseline"]["median_ms"] or 0.01)
                for r in group
            )
            print(
                f"| {engine} | {fastupdate or '—'} | {len(group)} | {name} | {wall:.2f} | "
                f"{cpu:.2f} | {base:.1f} |"
            )
        for r in group:
            extra = [
                f"run {r.get('run', 1)}: insert of {r['procedures']:,} procedures "
                f"{r['insert_procedures_seconds']} s",
                f"GIN pending list after the fill {r.get('gin_pending_after_fill')}",
                f"VACUUM {r.get('vacuum_seconds')} s",
            ]
            if "trgm" in r:
                for label, m in r["trgm"].items():
                    extra.append(
                        f"search {label.replace('_', ' ')} (interleaved): wall {m['median_ms']}, "
                        f"CPU {m['cpu_total_median_ms']} ms"
                    )
            if "reimport" in r:
                ri = r["reimport"]
                extra.append(
                    f"re-import of 240: write {ri['write_240_ms']} ms, pending {ri['gin_pending']}, "
                    f"search after it wall {ri['search']['median_ms']} / CPU "
                    f"{ri['search']['cpu_total_median_ms']} ms"
                )
            print(f"  {engine} fastupdate={fastupdate}: " + "; ".join(extra))
        print(f"  first results: {group[0]['first']}; hits: {group[0]['hits']}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
