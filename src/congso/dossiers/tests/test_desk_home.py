"""The officer's home page (issue #12 §3): a figure per state, alerts, overdue rows highlighted,
arrivals polled by HTMX, the work list and the queues as XLSX (user text as text), and one
registry action on several selected dossiers with a result per row (stale ones refused)."""

from __future__ import annotations

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from congso.dossiers import services as s
from congso.dossiers.models import Dossier, Stage
from congso.dossiers.tests.test_views import receive

from .conftest import all_papers, person
from .factories import local

pytestmark = pytest.mark.django_db

HOME = "/mot-cua/"


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response


def figures(html):
    return {
        label: int(n)
        for n, label in re.findall(r'<span class="n">(\d+)</span><span class="label">([^<]+)', html)
    }


def test_figures_alerts_and_overdue_rows(client, demo_org, district_version):
    late = receive(demo_org, district_version, at=local(2026, 3, 2, 9))  # long overdue
    fresh = receive(demo_org, district_version, at=timezone.now())
    online = s.dossier_submit_online(
        version=district_version, agency=demo_org.district, applicant=person(name="Lê Văn Mới")
    )
    client.force_login(demo_org.user("motcua.tx"))
    html = get(client, HOME).content.decode()
    shown = figures(html)
    assert shown["Hồ sơ trực tuyến mới"] == 1 and shown["Quá hạn"] == 1
    assert shown["Đang giải quyết"] == 2 and shown["Kết quả chờ trả"] == 0
    assert "1 hồ sơ đã quá hạn." in html and "1 hồ sơ trực tuyến mới chờ tiếp nhận." in html
    rows = re.findall(r'<tr class="([^"]*)">\s*<td[^>]*><input[^>]*value="(\d+):', html)
    classes = {int(pk): cls for cls, pk in rows}
    assert classes[late.pk] == "row-late" and classes[fresh.pk] != "row-late"
    assert online.pk in classes
    # A figure links to its rows.
    overdue = get(client, HOME, loc="overdue").content.decode()
    assert late.code in overdue and fresh.code not in overdue
    assert client.get(HOME, {"loc": "x"}).status_code == 404


def test_another_ward_sees_none_of_it(client, demo_org, district_version):
    d = receive(demo_org, district_version)
    client.force_login(demo_org.user("motcua.km"))
    html = get(client, HOME).content.decode()
    assert d.code not in html and set(figures(html).values()) == {0}
    since = int((timezone.now().timestamp() - 3600) * 1_000_000)
    assert d.code not in get(client, reverse("dossiers:arrivals"), tu=since).content.decode()


def test_a_district_leader_is_not_offered_a_wards_dossier(
    client, demo_org, district_version, ward_version
):
    """The district leader's queue reaches down into the wards (he oversees them), but he does
    not sign for a ward (ADR 0059): his home lists only his district's dossiers."""
    ward = demo_org.wards["00343"]
    own = receive(demo_org, district_version)
    theirs = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=ward,
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
    )
    Dossier.objects.filter(pk=own.pk).update(stage=Stage.LEADER, handling_unit=demo_org.district)
    Dossier.objects.filter(pk=theirs.pk).update(stage=Stage.LEADER, handling_unit=ward)
    client.force_login(demo_org.user("lanhdao.tx"))
    html = get(client, HOME).content.decode()
    assert own.code in html and theirs.code not in html
    client.force_login(demo_org.user("lanhdao.nc"))
    html = get(client, HOME).content.decode()
    assert theirs.code in html and own.code not in html


def test_arrivals_fragment_shows_what_came_since_the_page_opened(
    client, demo_org, district_version
):
    receive(demo_org, district_version)
    client.force_login(demo_org.user("motcua.tx"))
    html = get(client, HOME).content.decode()
    stamp = re.search(r'moi-den/\?tu=(\d+)"', html).group(1)
    assert 'hx-trigger="every 15s, refresh"' in html
    url = reverse("dossiers:arrivals")
    assert get(client, url, tu=stamp).content.decode().strip() == ""
    new = s.dossier_submit_online(
        version=district_version, agency=demo_org.district, applicant=person(name="Đỗ Thị Đến")
    )
    part = get(client, url, tu=stamp).content.decode()
    assert "Đỗ Thị Đến" in part and "1 hồ sơ mới đến" in part and f"id-{new.pk}" in part
    assert client.get(url, {"tu": "abc"}).status_code == 404


def _sheet(response):
    assert "spreadsheetml" in response["Content-Type"]
    return load_workbook(io.BytesIO(response.content)).active


def test_xlsx_of_home_and_queue_writes_names_as_text(client, demo_org, district_version):
    formula = '=HYPERLINK("http://x.example";"Bấm")'
    receive(demo_org, district_version, applicant=person(name=formula))
    receive(demo_org, district_version, applicant=person(name="Nguyễn Thị Hai"))
    client.force_login(demo_org.user("motcua.tx"))
    for response in (
        get(client, HOME, dinh_dang="xlsx"),
        get(client, reverse("dossiers:queue"), tab="receive", dinh_dang="xlsx"),
    ):
        ws = _sheet(response)
        names = [c for c in ws["C"][3:] if c.value]
        assert {c.value for c in names} == {formula, "Nguyễn Thị Hai"}
        assert all(c.data_type == "s" for c in names)
        assert ws["A3"].value == "Mã hồ sơ" and ws["F3"].value == "Hạn trả"


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (HOME, {}),
        (HOME, {"loc": "overdue"}),
        (HOME, {"dinh_dang": "xlsx"}),
        ("/mot-cua/moi-den/", {"tu": "1000000"}),
        ("/mot-cua/hang-doi/", {"tab": "receive", "dinh_dang": "xlsx"}),
    ],
)
def test_query_count_constant(client, demo_org, district_version, url, params):
    for _i in range(2):
        receive(demo_org, district_version)
    client.force_login(demo_org.user("motcua.tx"))
    _queries(client, url, params)
    n = _queries(client, url, params)
    receive(demo_org, district_version)
    assert _queries(client, url, params) == n


# ---------------------------------------------------------------------------------------------
# Several dossiers at once


def test_hand_over_several_with_a_result_per_row(client, demo_org, district_version):
    a, b, stale = (receive(demo_org, district_version) for _i in range(3))
    other_ward = demo_org.wards["00352"]
    from .factories import offered_procedure

    ward_version = offered_procedure(other_ward, name="Chứng thực chữ ký")
    foreign = s.dossier_receive(
        by=demo_org.staff["motcua.km"],
        receiving_unit=other_ward,
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
    )
    shown_version = stale.version
    # Another tab changed it after this page showed it.
    Dossier.objects.filter(pk=stale.pk).update(version=stale.version + 1)
    client.force_login(demo_org.user("motcua.tx"))
    tp = demo_org.departments["TP"]
    response = client.post(
        reverse("dossiers:bulk"),
        {
            "thao_tac": "hand_over",
            "to_unit_id": tp.pk,
            "ho_so": [
                f"{a.pk}:{a.version}",
                f"{b.pk}:{b.version}",
                f"{stale.pk}:{shown_version}",
                f"{foreign.pk}:{foreign.version}",
            ],
        },
    )
    assert response.status_code == 302
    html = get(client, HOME).content.decode()
    assert "2 hồ sơ đã thực hiện, 2 hồ sơ không thực hiện được" in html
    assert "đã được cập nhật sau khi bạn mở trang" in html and "Không tìm thấy hồ sơ." in html
    for d in (a, b):
        d.refresh_from_db()
        assert d.handling_unit == tp and d.stage == Stage.DEPARTMENT
        assert d.handovers.filter(action="hand_over").count() == 1
    stale.refresh_from_db()
    assert stale.stage == Stage.DESK and not stale.handovers.exists()
    foreign.refresh_from_db()
    assert foreign.stage == Stage.DESK
    # The results are shown once.
    assert "hồ sơ đã thực hiện" not in get(client, HOME).content.decode()


def test_assign_several_and_refusals_change_nothing(client, demo_org, district_version):
    tp = demo_org.departments["TP"]
    ds = [receive(demo_org, district_version) for _i in range(2)]
    for d in ds:
        s.dossier_hand_over(dossier=d, by=demo_org.staff["motcua.tx"], to_unit=tp)
        d.refresh_from_db()
    client.force_login(demo_org.user("truongphong.tp"))
    html = get(client, HOME).content.decode()
    assert "Vũ Thị Lan" in html  # the specialists of the head's department are offered
    specialist = demo_org.staff["chuyenvien.tp"]
    client.post(
        reverse("dossiers:bulk"),
        {
            "thao_tac": "assign",
            "specialist_id": specialist.pk,
            "ho_so": [f"{d.pk}:{d.version}" for d in ds],
        },
    )
    for d in ds:
        d.refresh_from_db()
        assert d.handler == specialist and d.stage == Stage.SPECIALIST
    # The desk officer may not assign: each row says so, nothing changes.
    client.force_login(demo_org.user("motcua.tx"))
    client.post(
        reverse("dossiers:bulk"),
        {
            "thao_tac": "assign",
            "specialist_id": specialist.pk,
            "ho_so": [f"{d.pk}:{d.version}" for d in ds],
        },
    )
    html = get(client, HOME).content.decode()
    assert "0 hồ sơ đã thực hiện, 2 hồ sơ không thực hiện được" in html
    assert client.post(reverse("dossiers:bulk"), {"thao_tac": "x"}).status_code == 302
    assert client.get(reverse("dossiers:bulk")).status_code == 405
