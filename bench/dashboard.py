"""In-process timing of the leaders' dashboard and the QĐ 766 index (issue 17) on the database
of DATABASE_URL, each beside the bare endpoint (/ping) measured in the same run, interleaved.

    DATABASE_URL=postgres://…/db python -m bench dashboard -- --rounds 15

For the full-stack load run at 1M dossiers use ``bench city`` (its dashboard/index766
scenarios). This one needs no server: Django's test client against the configured database,
the district leader (lanhdao.tx) signed in; reports medians and query counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv or [])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congso.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from congso.dossiers.models import Dossier
    from congso.org.demo import load_org_demo

    org = load_org_demo()
    client = Client()
    client.force_login(org.user("lanhdao.tx"))
    today = dt.date.today()
    month, year = today.replace(day=1), today - dt.timedelta(days=365)
    ward = org.wards["00343"].pk
    urls = {
        "bare /ping": "/ping",
        "dashboard district year (API)": f"/api/v1/dashboard/?tu={year}&den={today}",
        "dashboard district year (page)": f"/bang-dieu-hanh/?tu={year}&den={today}",
        "dashboard ward month (API)": f"/api/v1/dashboard/?don_vi={ward}&tu={month}&den={today}",
        "list district year late": f"/bang-dieu-hanh/ho-so/?chi_so=late&tu={year}&den={today}",
        "list ward month received": (
            f"/bang-dieu-hanh/ho-so/?chi_so=received&don_vi={ward}&tu={month}&den={today}"
        ),
        "index766 district year (live)": f"/api/v1/index766/?ky={today.year}",
        "index766 district last month (frozen)": (
            f"/api/v1/index766/?ky={(month - dt.timedelta(days=1)):%Y-%m}"
        ),
    }
    times: dict[str, list[float]] = {k: [] for k in urls}
    queries: dict[str, int] = {}
    for name, url in urls.items():  # warm-up, and the query count of each
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(url).status_code
        assert status == 200, (name, status)
        queries[name] = len(ctx.captured_queries)
    for _ in range(args.rounds):
        for name, url in urls.items():
            started = time.perf_counter()
            client.get(url)
            times[name].append(1000 * (time.perf_counter() - started))
    total = Dossier.objects.count()
    print(f"\n{total:,} dossiers, {args.rounds} rounds, {os.getloadavg()[0]:.1f} load average\n")
    print("| request | median ms | p90 ms | queries |\n|---|---|---|---|")
    for name, values in times.items():
        values.sort()
        p90 = values[int(0.9 * (len(values) - 1))]
        print(f"| {name} | {statistics.median(values):.1f} | {p90:.1f} | {queries[name]} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
