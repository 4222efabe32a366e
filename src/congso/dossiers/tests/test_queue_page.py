"""The work-queue page after its tuning for issue #6: tab counts in one query of scalar
subqueries, pages chosen on the ids before the rows are joined, the page count taken from the
tab count when no filter applies. Each must give the same answers as the plain queue()."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congso.dossiers import selectors
from congso.dossiers import services as s
from congso.dossiers.models import Dossier

from .test_views import login, receive

pytestmark = pytest.mark.django_db


def _spread(org, version):
    """Dossiers at every stage of the district's flow, so that every queue has rows."""
    staff = org.staff
    at_desk = receive(org, version)
    assigned, submitted, to_sign, signed, returned = (receive(org, version) for _ in range(5))
    for d in (assigned, submitted, to_sign, signed, returned):
        s.dossier_hand_over(dossier=d, by=staff["motcua.tx"], to_unit=org.departments["TP"])
    for d in (submitted, to_sign, signed, returned):
        s.dossier_assign(dossier=d, by=staff["truongphong.tp"], specialist=staff["chuyenvien.tp"])
    for d in (to_sign, signed, returned):
        s.dossier_submit(dossier=d, by=staff["chuyenvien.tp"])
    for d in (signed, returned):
        s.dossier_approve(dossier=d, by=staff["lanhdao.tx"])
    s.dossier_record_result(dossier=returned, by=staff["vanthu.tx"])
    s.dossier_return_to_desk(dossier=returned, by=staff["vanthu.tx"])
    return at_desk


@pytest.mark.parametrize(
    "username",
    [
        "motcua.tx",
        "truongphong.tp",
        "chuyenvien.tp",
        "lanhdao.tx",
        "vanthu.tx",
        "motcua.nc",
        "lanhdao.nc",
        "quantri",
    ],
)
def test_tab_counts_match_the_queues(demo_org, district_version, username):
    _spread(demo_org, district_version)
    user = demo_org.user(username)
    counts = selectors.queue_counts(user)
    assert counts == {q.key: selectors.queue(user, q.key).count() for q in selectors.QUEUES}
    if username in {"motcua.nc", "lanhdao.nc"}:  # another agency's officers see none of these
        assert not any(counts.values())
    else:
        assert any(counts.values())


def test_pages_in_due_order_with_and_without_filters(client, demo_org, district_version):
    first = receive(demo_org, district_version)
    # 35 open dossiers at the desk, cloned from one received through the service.
    clones = []
    for i in range(34):
        first.pk = None
        first.code = f"{first.code[:-4]}{9000 + i}"
        first.applicant_name = "Lê Văn Bốn" if i % 2 else "Trần Thị Mai"
        clones.append(
            Dossier.objects.create(
                **{
                    f.attname: getattr(first, f.attname)
                    for f in Dossier._meta.concrete_fields
                    if f.attname != "id"
                }
            )
        )
    expected = list(
        selectors.queue(demo_org.user("motcua.tx"), "receive").values_list("code", flat=True)
    )
    assert len(expected) == 35
    login(client, demo_org, "motcua.tx")
    url = reverse("dossiers:queue")

    page1 = client.get(url, {"tab": "receive"}).content.decode()
    page2 = client.get(url, {"tab": "receive", "trang": 2}).content.decode()
    assert [c for c in expected if c in page1] == expected[:30]
    assert [c for c in expected if c in page2] == expected[30:]
    assert "1/2" in page1 and "2/2" in page2
    assert page1.index(expected[0]) < page1.index(expected[29])
    # A row links to its dossier; the URL is built without a reversal per row.
    assert f'href="{reverse("dossiers:detail", args=[expected[0]])}"' in page1

    # Filtered: the page count is counted, not taken from the tab.
    filtered = client.get(url, {"tab": "receive", "q": "Lê Văn Bốn"}).content.decode()
    assert (
        filtered.count("<tr>") - 1 == 17 and "1/1" not in filtered and "pagination" not in filtered
    )
    out_of_range = client.get(url, {"tab": "receive", "trang": 99}).content.decode()
    assert [c for c in expected if c in out_of_range] == expected[30:]


def test_unfiltered_page_needs_no_count_query(client, demo_org, district_version):
    receive(demo_org, district_version)
    login(client, demo_org, "motcua.tx")
    url = reverse("dossiers:queue")
    client.get(url, {"tab": "receive"})  # fills the shared cache of roles (ADR 0041)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, {"tab": "receive"})
    plain = [q["sql"] for q in ctx.captured_queries]
    with CaptureQueriesContext(connection) as ctx:
        client.get(
            url, {"tab": "receive", "field": "ho-tich"}
        )  # a filter (a text goes to the desk search)
    filtered = [q["sql"] for q in ctx.captured_queries]
    assert len(filtered) == len(plain) + 1
    assert not any(sql.startswith("SELECT COUNT(*)") for sql in plain)


def test_row_shows_handler_and_lien_thong(client, demo_org, district_version):
    _spread(demo_org, district_version)
    Dossier.objects.filter(stage="specialist").update(forwarded=True)
    login(client, demo_org, "chuyenvien.tp")
    html = client.get(reverse("dossiers:queue"), {"tab": "process"}).content.decode()
    assert html.count("<tr>") - 1 == 1
    assert "Đang xử lý · liên thông</td>" in html
    assert "Tư pháp — Vũ Thị Lan</td>" in html
    assert 'data-label="Đang ở"' in html and "badge-" in html
