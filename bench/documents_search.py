"""Full-text search of documents at 100,000 incoming documents (issue #5).

    python -m bench documents_search -- --documents 100000 --engine both
    python -m bench documents_search -- --documents 20000 --engine sqlite --queries 100

For each engine a fresh database is created (SQLite file in a temporary folder; PostgreSQL
database ``cs_documents_bench``), migrated, filled with bulk_create (documents spread over the
district and its 11 wards, abstracts from realistic Vietnamese administrative vocabulary) and
indexed with the search backend's bulk_index. Then 200 queries of realistic words are timed:

- ``backend``: ``get_backend().search(q, doc_type="incoming", filters=unit)`` → ids (limit 50);
- ``page``: what the list page does: search ids (limit 1000) + the caller's scoped queryset
  (district leader) for the first 50 rows with their related objects;
- ``baseline``: a trivial indexed lookup (one document by unit and number), same run.

Results go to bench/results/documents_search-<engine>-<n>.json and a Markdown table.
Target: median of ``backend`` < 100 ms at 100,000 documents.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgres://postgres@127.0.0.1:5432/cs_documents_bench"

SUBJECTS = [
    "cải cách hành chính",
    "đăng ký hộ tịch",
    "khai sinh trực tuyến",
    "cấp giấy chứng nhận quyền sử dụng đất",
    "trật tự xây dựng",
    "phòng chống dịch sốt xuất huyết",
    "tuyển sinh lớp 1",
    "bảo hiểm y tế hộ gia đình",
    "an toàn thực phẩm",
    "phòng cháy chữa cháy",
    "giải phóng mặt bằng",
    "chuyển đổi số",
    "thu ngân sách",
    "hòa giải ở cơ sở",
    "thủy lợi và phòng chống lụt bão",
    "vệ sinh môi trường",
    "chỉnh trang đô thị",
    "trợ cấp xã hội",
    "người có công",
    "kiểm tra hộ kinh doanh",
    "cấp phép xây dựng",
    "quản lý nhà chung cư",
    "tiếp công dân",
    "khiếu nại tố cáo",
    "bầu cử đại biểu Hội đồng nhân dân",
    "diễn tập phòng thủ",
    "tuyển quân năm 2026",
    "hiến máu tình nguyện",
    "phổ biến giáo dục pháp luật",
    "thống kê dân số",
]
HEADS = [
    "Về việc",
    "Kế hoạch",
    "Báo cáo kết quả",
    "Thông báo",
    "Hướng dẫn",
    "Đề nghị phối hợp",
    "Về việc tăng cường",
    "Về việc triển khai",
    "Về việc rà soát",
    "Về việc đôn đốc",
]
PLACES = [
    "trên địa bàn quận",
    "tại phường Nhân Chính",
    "tại phường Khương Đình",
    "tại phường Hạ Đình",
    "trên địa bàn Thành phố",
    "tại các trường học",
    "tại khu đô thị Royal City",
    "năm 2026",
    "quý IV",
    "tháng 11",
]
SENDERS = [
    "UBND Thành phố Hà Nội",
    "Sở Tư pháp Hà Nội",
    "Sở Tài nguyên và Môi trường",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Công an quận Thanh Xuân",
    "Bảo hiểm xã hội quận",
    "Sở Nội vụ",
    "Cục Thuế Hà Nội",
    "Thanh tra Thành phố",
    "Sở Lao động - Thương binh và Xã hội",
]
QUERIES = [
    "hộ tịch",
    "khai sinh",
    "đất đai",
    "giấy chứng nhận",
    "xây dựng",
    "sốt xuất huyết",
    "tuyển sinh",
    "bảo hiểm",
    "thực phẩm",
    "cháy nổ",
    "mặt bằng",
    "chuyển đổi số",
    "ngân sách",
    "hoà giải",
    "hòa giải",
    "thuỷ lợi",
    "THỦY LỢI",
    "môi trường",
    "đô thị",
    "trợ cấp",
    "người có công",
    "hộ kinh doanh",
    "cấp phép",
    "chung cư",
    "tiếp công dân",
    "khiếu nại",
    "bầu cử",
    "phòng thủ",
    "tuyển quân",
    "hiến máu",
    "pháp luật",
    "dân số",
    "nhan chinh",
    "khuong dinh",
    "royal city",
    "ke hoach",
    "báo cáo kết quả",
    "tăng cường",
    "rà soát",
    "đôn đốc",
    "triển khai",
    "sở tư pháp",
    "quý IV",
]


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def _timed(fn: Any, n: int, rng: random.Random, make_args: Any) -> dict[str, float]:
    times = []
    for _ in range(n):
        args = make_args(rng)
        started = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "n": n,
    }


def worker(n_docs: int, n_queries: int, engine: str) -> dict[str, Any]:
    """Runs inside the engine's environment (DATABASE_URL set by the parent)."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from congso.documents.models import DocumentKind, IncomingDocument, IncomingStatus
    from congso.documents.selectors import incoming_list
    from congso.org.demo import load_org_demo
    from congso.search.backends import Filters, IndexItem, get_backend

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    org = load_org_demo()
    units = [org.district, *org.wards.values()]
    kinds = list(DocumentKind.objects.all())
    rng = random.Random(20261126)
    now = timezone.now()
    statuses = [
        IncomingStatus.REGISTERED,
        IncomingStatus.DIRECTED,
        IncomingStatus.IN_PROGRESS,
        IncomingStatus.DONE,
    ]
    numbers: dict[int, int] = {}
    batch: list[IncomingDocument] = []
    fill_started = time.monotonic()
    backend = get_backend()

    def flush() -> None:
        created = IncomingDocument.objects.bulk_create(batch)
        if created and created[0].pk is None:  # no RETURNING: read the ids back
            last = IncomingDocument.objects.order_by("-pk").values_list("pk", flat=True)[
                : len(batch)
            ]
            for doc, pk in zip(created, sorted(last), strict=True):
                doc.pk = pk
        backend.bulk_index(
            [
                IndexItem(
                    "incoming",
                    d.pk,
                    d.holder_id,
                    [d.abstract, d.number_symbol, d.sender_name],
                    kind=str(d.kind_id),
                    status=d.status,
                    sender=d.sender_name,
                    date=timezone.localdate(d.received_at),
                )
                for d in created
            ]
        )
        batch.clear()

    for i in range(n_docs):
        # Half of the documents belong to the district, the rest to the wards.
        unit = org.district if i % 2 == 0 else units[1 + (i // 2) % (len(units) - 1)]
        numbers[unit.pk] = numbers.get(unit.pk, 0) + 1
        subject = rng.choice(SUBJECTS)
        sender = rng.choice(SENDERS)
        batch.append(
            IncomingDocument(
                unit=unit,
                holder=unit,
                year=now.year,
                number=numbers[unit.pk],
                received_at=now - dt.timedelta(minutes=n_docs - i),
                sender_name=sender,
                number_symbol=f"{rng.randint(1, 9999)}/{rng.choice(['UBND', 'STP', 'SXD', 'SYT'])}-VP",
                kind=rng.choice(kinds),
                abstract=f"{rng.choice(HEADS)} {subject} {rng.choice(PLACES)}",
                status=rng.choice(statuses),
            )
        )
        if len(batch) >= 5000:
            flush()
    if batch:
        flush()
    fill_seconds = time.monotonic() - fill_started
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    leader = org.user("lanhdao.tx")
    district_only = Filters(unit_ids=[org.district.pk])

    def q_args(r: random.Random) -> tuple[str]:
        return (r.choice(QUERIES),)

    def backend_search(q: str) -> None:
        backend.search(q, doc_type="incoming", filters=district_only, limit=50)

    def page_query(q: str) -> None:
        ids = backend.search(q, doc_type="incoming", filters=district_only, limit=1000)
        list(incoming_list(leader).filter(pk__in=ids)[:50])

    def baseline(unit_pk: int, number: int) -> None:
        IncomingDocument.objects.filter(unit_id=unit_pk, year=now.year, number=number).first()

    page_query("hộ tịch")  # warm the caller's scope cache and the database caches
    hits = {
        q: len(backend.search(q, doc_type="incoming", filters=district_only, limit=100000))
        for q in ("hòa giải", "hoà giải", "THỦY LỢI", "thuỷ lợi", "nhan chinh")
    }
    results = {
        "engine": connection.vendor,
        "documents": IncomingDocument.objects.count(),
        "fill_seconds": round(fill_seconds, 1),
        "total_seconds": None,
        "hits_district": hits,
        "backend": _timed(backend_search, n_queries, rng, q_args),
        "page": _timed(page_query, n_queries, rng, q_args),
        "baseline": _timed(
            baseline,
            n_queries,
            rng,
            lambda r: (org.district.pk, r.randint(1, max(1, numbers[org.district.pk]))),
        ),
    }
    results["total_seconds"] = round(time.monotonic() - started, 1)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench documents_search")
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv or [])
    if args.worker:
        print(json.dumps(worker(args.documents, args.queries, args.engine)))
        return 0
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    RESULTS.mkdir(parents=True, exist_ok=True)
    failed = 0
    rows = []
    for engine in engines:
        with tempfile.TemporaryDirectory() as tmp:
            env = {
                **os.environ,
                "CONGSO_TESTING": "false",
                "DEBUG": "false",
                "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret-" + "x" * 40),
                "CONGSO_SIGNING_DIR": str(Path(tmp) / "signing"),
                "MEDIA_ROOT": str(Path(tmp) / "media"),
            }
            if engine == "postgres":
                for sql in (
                    "DROP DATABASE IF EXISTS cs_documents_bench WITH (FORCE)",
                    "CREATE DATABASE cs_documents_bench",
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
                    "bench.documents_search",
                    "--worker",
                    "--engine",
                    engine,
                    "--documents",
                    str(args.documents),
                    "--queries",
                    str(args.queries),
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
        (RESULTS / f"documents_search-{engine}-{args.documents}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False)
        )
        rows.append(result)
        if result["backend"]["median_ms"] >= 100:
            failed += 1
    print(
        "| engine | documents | fill s | search median / p95 ms | page median / p95 ms | baseline median / p95 ms |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['engine']} | {r['documents']:,} | {r['fill_seconds']} | "
            f"{r['backend']['median_ms']} / {r['backend']['p95_ms']} | {r['page']['median_ms']} / {r['page']['p95_ms']} | "
            f"{r['baseline']['median_ms']} / {r['baseline']['p95_ms']} |"
        )
        print(f"  hits in the district for normalisation pairs: {r['hits_district']}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
