"""The dashboard page, its lists, its XLSX and the index page (issue 17): every number links
to the dossiers that make it and the list has as many rows as the number; filters narrow both;
a ward leader sees only their ward (the district is 404, as a unit that does not exist); an
officer without a leader's role is refused; the page costs the same queries for N and N+1
dossiers; bad input is refused in Vietnamese."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from congso.dossiers.models import Dossier, Status
from congso.dossiers.tests.factories import local

from .test_counters import month, receive  # noqa: F401  (the hand-built March)

pytestmark = pytest.mark.django_db
MARCH = {"tu": "2026-03-01", "den": "2026-03-31"}


def login(client, org, username="lanhdao.tx"):
    client.force_login(org.user(username))
    return client


def links(html: str, key: str) -> list[str]:
    return [
        unescape(h)
        for h in re.findall(r'href="([^"]*bang-dieu-hanh/ho-so/[^"]*)"', html)
        if f"chi_so={key}&" in unescape(h) or unescape(h).endswith(f"chi_so={key}")
    ]


def test_every_number_links_to_as_many_dossiers(client, demo_org, month):  # noqa: F811
    login(client, demo_org)
    page = client.get(reverse("dashboard:dashboard"), MARCH)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bảng điều hành giải quyết thủ tục hành chính" in html
    total = page.context["total_row"]["row"]
    assert (total["received"], total["finished_early"], total["finished_late"]) == (5, 1, 1)
    assert total["progress_late"] == 3 and total["paid_online"] == 1 and total["unsatisfied"] == 1
    district = next(t for t in page.context["table"] if t["row"]["unit_id"] == demo_org.district.pk)
    for cell in district["cells"]:
        if not cell["value"]:
            assert not cell["url"]
            continue
        listed = client.get(cell["url"])
        assert listed.status_code == 200, cell["key"]
        assert listed.context["count"] == cell["value"], cell["key"]
    # ... and each list to its dossiers.
    late = client.get(next(c["url"] for c in district["cells"] if c["key"] == "progress_late"))
    assert reverse("dossiers:detail", args=[month["open_late"].code]) in late.content.decode()


def test_filters_narrow_the_numbers_and_the_lists(client, demo_org, month):  # noqa: F811
    login(client, demo_org)
    page = client.get(reverse("dashboard:dashboard"), {**MARCH, "kenh": "2"})
    assert page.context["total_row"]["row"]["received"] == 1
    (url,) = {u for u in links(page.content.decode(), "received") if "co_quan=" in u}
    assert "kenh=2" in url and client.get(url).context["count"] == 1
    bad = client.get(reverse("dashboard:dashboard"), {**MARCH, "kenh": "9"})
    assert bad.status_code == 400 and "Kênh nộp không hợp lệ" in bad.content.decode()
    reversed_ = client.get(
        reverse("dashboard:dashboard"), {"tu": "2026-03-31", "den": "2026-03-01"}
    )
    assert reversed_.status_code == 400 and "sau ngày kết thúc" in reversed_.content.decode()


def test_scoping(client, demo_org, month):  # noqa: F811
    ward = demo_org.wards["00343"]
    login(client, demo_org, "lanhdao.nc")
    page = client.get(reverse("dashboard:dashboard"), MARCH)
    assert page.status_code == 200
    assert [u.pk for u in page.context["units"]] == [ward.pk]
    assert page.context["total_row"]["row"]["received"] == 0  # the district's are not theirs
    for path in ("dashboard:dashboard", "dashboard:index766"):
        assert client.get(reverse(path), {"don_vi": demo_org.district.pk}).status_code == 404
    listed = client.get(
        reverse("dashboard:dossiers"),
        {**MARCH, "chi_so": "received", "co_quan": demo_org.district.pk},
    )
    assert listed.status_code == 404
    # A one-stop officer is not a leader: refused, whatever the unit.
    login(client, demo_org, "motcua.tx")
    assert client.get(reverse("dashboard:dashboard")).status_code == 403
    client.logout()
    assert client.get(reverse("dashboard:dashboard")).status_code == 302


def test_xlsx_has_the_page_table(client, demo_org, month):  # noqa: F811
    login(client, demo_org)
    page = client.get(reverse("dashboard:dashboard"), MARCH)
    xlsx = client.get(reverse("dashboard:dashboard"), {**MARCH, "dinh_dang": "xlsx"})
    assert (
        xlsx.status_code == 200
        and "bang-dieu-hanh-2026-03-01-2026-03-31" in xlsx["Content-Disposition"]
    )
    rows = [
        [c.value for c in r] for r in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
    ]
    assert rows[0][0].startswith("TÌNH HÌNH GIẢI QUYẾT HỒ SƠ — UBND quận Thanh Xuân")
    assert rows[3][0] == "Cơ quan" and rows[3][2] == "Tiếp nhận trong kỳ"
    total = page.context["total_row"]["row"]
    assert rows[-1][0] == "Tổng cộng" and rows[-1][2] == total["received"] == 5


def test_index_page_links_lost_points_to_dossiers(client, demo_org, month):  # noqa: F811
    login(client, demo_org)
    page = client.get(reverse("dashboard:index766"), {"ky": "2026-03"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Tiến độ giải quyết" in html and "min(6, 6 × A / 0.5)" in html
    assert "thiếu dữ liệu" in html  # PAKN, entered counters
    lost = links(html, "late")
    assert lost, "the progress sub-indicator lost points: a link to its late dossiers"
    listed = client.get(lost[0])
    assert listed.status_code == 200 and listed.context["count"] == 4  # 1 late + 3 overdue
    bad = client.get(reverse("dashboard:index766"), {"ky": "2026-13"})
    assert bad.status_code == 400 and "Kỳ đánh giá không hợp lệ" in bad.content.decode()


def test_page_queries_do_not_grow_with_dossiers(client, demo_org, month):  # noqa: F811
    login(client, demo_org)
    paper = month["early"].procedure_version

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dashboard:dashboard"), MARCH).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for day in (10, 11, 12):
        d = receive(demo_org, paper, local(2026, 3, day, 9))
        Dossier.objects.filter(pk=d.pk).update(
            finished_at=local(2026, 3, day + 5, 9), timeliness="late", status=Status.RESULT_READY
        )
    assert count() == before


def test_api_answers_as_the_page(client, demo_org, month):  # noqa: F811
    login(client, demo_org)
    page = client.get(reverse("dashboard:dashboard"), MARCH)
    api = client.get("/api/v1/dashboard/", MARCH)
    assert api.status_code == 200
    body = api.json()
    assert body["total"]["received"] == page.context["total_row"]["row"]["received"] == 5
    assert body["unit_id"] == demo_org.district.pk
    index = client.get("/api/v1/index766/", {"ky": "2026-03"}).json()
    progress = next(g for g in index["groups"] if g["key"] == "progress")
    (sub,) = progress["sub_indicators"]
    assert sub["value"] == "4.00" and sub["maximum"] == "20" and sub["formula"] == "20 × A"
    assert {i["key"]: i["value"] for i in sub["inputs"]}["progress_late"] == 3
    satisfaction = next(g for g in index["groups"] if g["key"] == "satisfaction")
    tthc = next(x for x in satisfaction["sub_indicators"] if x["key"] == "satisfaction_tthc")
    assert tthc["value"] is None and tthc["missing"] == ["finished_complained"]  # not 0
    assert client.get("/api/v1/index766/", {"ky": "x"}).status_code == 400
    login(client, demo_org, "lanhdao.nc")
    assert client.get("/api/v1/dashboard/", {"don_vi": demo_org.district.pk}).status_code == 404


def test_periodic_report_by_field(client, demo_org, month):  # noqa: F811
    login(client, demo_org)
    got = client.get(reverse("dashboard:periodic_report"), MARCH)
    assert got.status_code == 200
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(got.content)).active.iter_rows()]
    assert rows[0][0] == "Biểu mẫu 06a/VPCP/KSTT"
    assert rows[1][0] == "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    header = rows[6]
    assert header[2] == "Tổng số hồ sơ nhận giải quyết"
    total = rows[-1]
    # to handle 5 (no backlog), online 1, offline 4; resolved 2 (1 early, 1 late); 3 overdue.
    assert total[1] == "Tổng số" and total[2:] == [5, 0, 1, 4, 2, 1, 0, 1, 3, 0, 3]
    pdf = client.get(reverse("dashboard:periodic_report"), {**MARCH, "dinh_dang": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    bad = client.get(reverse("dashboard:periodic_report"), {"tu": "x"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
