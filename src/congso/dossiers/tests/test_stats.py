"""The desk's statistics page (issue #12 §3, leader's statistics): the XLSX download has the
page's figures, every figure links to the dossiers behind it, a reversed period is refused
with a Vietnamese message, and the page, the download and the list cost the same number of
queries for N and N+1 dossiers."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Status

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db

PERIOD = {"tu": "2026-03-01", "den": "2026-03-31"}
# The linked figures, in the page's column order.
FIGURES = [
    "backlog",
    "received_counter",
    "received_online",
    "received_post",
    "to_handle",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "withdrawn",
    "progress_late",
    "progress_soon",
    "progress_not_due",
]


def receive(org, version, at, **kw):
    return s.dossier_receive(
        by=org.staff["motcua.tx"],
        receiving_unit=org.desk,
        version=version,
        applicant=kw.pop("applicant", person()),
        papers=all_papers(version),
        at=at,
        **kw,
    )


def march(org, version) -> dict[str, Dossier]:
    """A backlog from February, an early and a late finish, an open one, one by post."""
    out = {
        "backlog": receive(org, version, local(2026, 2, 20, 9)),
        "early": receive(org, version, local(2026, 3, 2, 9)),
        "late": receive(org, version, local(2026, 3, 2, 10)),
        "open": receive(org, version, local(2026, 3, 30, 9)),
        "post": receive(org, version, local(2026, 3, 10, 9), channel=3),
    }
    Dossier.objects.filter(pk=out["early"].pk).update(
        finished_at=local(2026, 3, 3, 9), timeliness="early", status=Status.RESULT_READY
    )
    Dossier.objects.filter(pk=out["late"].pk).update(
        finished_at=local(2026, 3, 20, 9), timeliness="late", status=Status.RESULT_READY
    )
    return out


def login(client, org, username="lanhdao.tx"):
    client.force_login(org.user(username))
    return client


def _links(html: str) -> dict[str, str]:
    """figure key → drill-down URL of the agency row (the first row of the table)."""
    found: dict[str, str] = {}
    for href in re.findall(r'href="([^"]*thong-ke/ho-so/[^"]*)"', html):
        href = unescape(href)
        key = re.search(r"chi_so=(\w+)", href).group(1)
        if "don_vi=" in href:
            found.setdefault(key, href)
    return found


def test_reversed_period_is_refused_with_a_message_not_swapped(client, demo_org, district_version):
    march(demo_org, district_version)
    login(client, demo_org)
    reversed_period = {"tu": "2026-03-31", "den": "2026-03-01"}
    page = client.get(reverse("dossiers:stats"), reversed_period)
    html = page.content.decode()
    assert page.status_code == 400
    assert "Ngày bắt đầu (31/03/2026) sau ngày kết thúc (01/03/2026)" in html
    assert "thong-ke/ho-so/" not in html  # no figures for a period that does not exist
    # The form keeps what was typed, so the officer corrects it.
    assert 'value="2026-03-31"' in html and 'value="2026-03-01"' in html
    xlsx = client.get(reverse("dossiers:stats"), {**reversed_period, "dinh_dang": "xlsx"})
    assert xlsx.status_code == 400 and "sau ngày kết thúc" in xlsx.content.decode()
    api = client.get("/api/v1/dossiers/stats", reversed_period)
    assert api.status_code == 400 and "sau ngày kết thúc" in api.json()["detail"]
    # The register shares the period: the same refusal.
    register = client.get(
        reverse("dossiers:register"), {"don_vi": demo_org.district.pk, **reversed_period}
    )
    assert register.status_code == 400 and "sau ngày kết thúc" in register.content.decode()
    # One day (from == to) is a period.
    one_day = client.get(reverse("dossiers:stats"), {"tu": "2026-03-02", "den": "2026-03-02"})
    assert one_day.status_code == 200


def test_xlsx_has_the_figures_of_the_page(client, demo_org, district_version):
    march(demo_org, district_version)
    login(client, demo_org)
    page = client.get(reverse("dossiers:stats"), PERIOD)
    (row,) = page.context["rows"]
    total = page.context["total"]
    response = client.get(reverse("dossiers:stats"), {**PERIOD, "dinh_dang": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "thong-ke-2026-03-01-2026-03-31.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][0] == "TÌNH HÌNH GIẢI QUYẾT HỒ SƠ"
    assert values[1][0] == "Từ ngày 01/03/2026 đến ngày 31/03/2026"
    header = values[3]
    assert header[0] == "Cơ quan" and header[1] == "Tồn kỳ trước"
    assert header[-2:] == ["Tỷ lệ trễ hạn (%)", "Tỷ lệ đúng hạn (%)"]
    agency_row, total_row = values[4], values[5]
    assert agency_row[0] == demo_org.district.name and total_row[0] == "Tổng cộng"
    for i, key in enumerate(FIGURES, start=1):
        assert agency_row[i] == row[key], key
        assert total_row[i] == total[key], key
    assert agency_row[-2:] == [row["late_rate"], row["on_time_rate"]]
    # The figures themselves (DOMAIN §4): backlog 1, received 4 (one by post), to handle 5.
    assert (row["backlog"], row["received_counter"], row["received_post"]) == (1, 3, 1)
    assert (row["to_handle"], row["finished_early"], row["finished_late"]) == (5, 1, 1)
    assert row["late_rate"] == 60.0  # late: the late finish, the backlog, the post one: 3 / 5


def test_every_figure_links_to_the_dossiers_behind_it(client, demo_org, district_version):
    made = march(demo_org, district_version)
    login(client, demo_org)
    page = client.get(reverse("dossiers:stats"), PERIOD)
    (row,) = page.context["rows"]
    links = _links(page.content.decode())
    # A figure of 0 is not a link (nothing behind it); every other one is.
    assert set(links) == {k for k in FIGURES if row[k]}
    for key, url in links.items():
        listed = client.get(url)
        assert listed.status_code == 200, key
        codes = {d.code for d in listed.context["rows"]}
        assert len(codes) == row[key], key
        assert listed.context["count"] == row[key], key
    listed = client.get(links["finished_late"]).content.decode()
    assert made["late"].code in listed and made["early"].code not in listed
    assert "Đã giải quyết quá hạn" in listed and "01/03/2026" in listed
    backlog = [d.code for d in client.get(links["backlog"]).context["rows"]]
    assert backlog == [made["backlog"].code]
    # The total row links to the same figures over all of the officer's agencies.
    total_link = (
        reverse("dossiers:stats_dossiers") + "?chi_so=to_handle&tu=2026-03-01&den=2026-03-31"
    )
    assert total_link.replace("&", "&amp;") in page.content.decode()
    assert client.get(total_link).context["count"] == 5


def test_drill_down_refuses_other_agencies_unknown_figures_and_reversed_periods(
    client, demo_org, district_version
):
    march(demo_org, district_version)
    login(client, demo_org)
    url = reverse("dossiers:stats_dossiers")
    # The district leader oversees the district and its wards; a department is no agency.
    ward = demo_org.wards["00343"]
    assert client.get(url, {**PERIOD, "chi_so": "backlog", "don_vi": ward.pk}).status_code == 200
    department = demo_org.departments["TP"]
    assert (
        client.get(url, {**PERIOD, "chi_so": "backlog", "don_vi": department.pk}).status_code == 404
    )
    assert client.get(url, {**PERIOD, "chi_so": "late_rate"}).status_code == 404
    assert client.get(url, {**PERIOD, "chi_so": "nothing"}).status_code == 404
    wrong = client.get(url, {"tu": "2026-03-31", "den": "2026-03-01", "chi_so": "backlog"})
    assert wrong.status_code == 400 and "sau ngày kết thúc" in wrong.content.decode()
    # A ward officer sees the ward's figures only.
    login(client, demo_org, "motcua.nc")
    district = client.get(url, {**PERIOD, "chi_so": "backlog", "don_vi": demo_org.district.pk})
    assert district.status_code == 404


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_page_download_and_list_cost_the_same_for_n_and_n_plus_one(
    client, demo_org, district_version
):
    march(demo_org, district_version)
    login(client, demo_org)
    stats = reverse("dossiers:stats")
    listing = reverse("dossiers:stats_dossiers")
    requests = [
        (stats, PERIOD),
        (stats, {**PERIOD, "dinh_dang": "xlsx"}),
        (listing, {**PERIOD, "chi_so": "to_handle", "don_vi": demo_org.district.pk}),
        (listing, {**PERIOD, "chi_so": "received_counter"}),
    ]
    client.get(stats, PERIOD)  # the officer's roles reach the shared cache (ADR 0041)
    before = [_queries(client, url, params) for url, params in requests]
    receive(demo_org, district_version, local(2026, 3, 11, 9))
    receive(demo_org, district_version, local(2026, 3, 12, 9))
    after = [_queries(client, url, params) for url, params in requests]
    assert after == before


def test_a_withdrawn_dossier_is_neither_on_time_nor_late(client, demo_org, district_version):
    """Withdrawn by the applicant: no result was given, so it is not counted as finished (early,
    on time or late) but in its own column; to handle = finished + withdrawn + in progress
    (docs/dossiers.md, "Withdrawn dossiers"; ADR 0062)."""
    from congso.dossiers import stats

    march(demo_org, district_version)
    gone = receive(demo_org, district_version, local(2026, 3, 5, 9))
    s.dossier_withdraw(
        dossier=gone, by=demo_org.staff["motcua.tx"], reason="Xin rút", at=local(2026, 3, 6, 9)
    )
    gone.refresh_from_db()
    assert gone.timeliness == "early"  # still judged once (ADR 0034), but not counted so
    login(client, demo_org)
    page = client.get(reverse("dossiers:stats"), PERIOD)
    (row,) = page.context["rows"]
    assert row["withdrawn"] == 1
    assert (row["finished"], row["finished_early"], row["finished_late"]) == (2, 1, 1)
    assert row["to_handle"] == row["finished"] + row["withdrawn"] + row["in_progress"]
    # The late rate's denominator still holds it: a withdrawal does not hide lateness.
    late = row["progress_late"] + row["finished_late"]
    assert row["late_rate"] == round(100 * late / row["to_handle"], 1)
    link = _links(page.content.decode())["withdrawn"]
    listed = client.get(link)
    assert gone.code in listed.content.decode()
    w = stats.window(local(2026, 3, 1, 0), local(2026, 4, 1, 0))
    assert not Dossier.objects.filter(stats.conditions(w)["finished"], pk=gone.pk).exists()
    api = client.get("/api/v1/dossiers/stats", PERIOD).json()
    assert api["rows"][0]["withdrawn"] == 1
