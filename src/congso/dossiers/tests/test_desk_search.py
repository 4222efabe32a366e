"""Issue #12: the desk search (any dossier of the officer's units, any status, by code, name
with or without diacritics, identity number or phone) and the register page by position
(keyset), with query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congso.dossiers import selectors
from congso.dossiers import services as s
from congso.dossiers.models import Dossier, RegisterEntry, Status

from .conftest import all_papers, person
from .factories import local
from .test_views import login, receive

pytestmark = pytest.mark.django_db


def _clone(dossier: Dossier, *, at: dt.datetime, number: int, **values) -> Dossier:
    """A copy of a received dossier, received at ``at`` with register number ``number``
    (the service would take seconds for the hundreds of rows these tests need)."""
    fields = {
        f.attname: getattr(dossier, f.attname)
        for f in Dossier._meta.concrete_fields
        if f.attname != "id"
    }
    fields.update(
        code=f"{dossier.code[:-4]}{number:04d}-{at:%m%d%H%M}",
        received_at=at,
        submitted_at=at,
        idempotency_key=None,
        **values,
    )
    copy = Dossier.objects.create(**fields)
    RegisterEntry.objects.create(
        agency_id=dossier.agency_id, year=at.year, number=number, dossier=copy
    )
    return copy


def _codes(html: str) -> list[str]:
    return re.findall(r"<td>(H[^<]*|\d{3}[^<]*-\d{6}-[^<]*)</td>", html)


# ---------------------------------------------------------------------------------------------
# Folded name


def test_intake_stores_the_folded_name(demo_org, district_version):
    d = receive(demo_org, district_version, applicant=person(name="  Đặng Thị Thuỷ  "))
    assert (
        Dossier.objects.values_list("applicant_name_folded", flat=True).get(pk=d.pk)
        == "dang thi thuy"
    )


# ---------------------------------------------------------------------------------------------
# Desk search


def _search(client, q, **extra):
    return client.get(reverse("dossiers:queue"), {"q": q, **extra}).content.decode()


def test_search_finds_an_unaccented_name_in_any_status(client, demo_org, district_version):
    open_one = receive(demo_org, district_version)  # Nguyễn Văn An, at the desk
    closed = receive(demo_org, district_version, at=local(2026, 3, 3, 9))
    Dossier.objects.filter(pk=closed.pk).update(status=Status.RETURNED, stage="closed")
    other = receive(
        demo_org,
        district_version,
        applicant=person(name="Trần Thị Bình", id_number="001190054321", phone="0987654321"),
    )
    login(client, demo_org, "motcua.tx")
    for q in ("nguyen van an", "Nguyễn Văn An", "NGUYEN VAN", "nguyễn", " Nguyen  van   AN "):
        html = _search(client, q)
        assert open_one.code in html and closed.code in html and other.code not in html, q
        assert "Kết quả tìm" in html
    html = _search(client, "nguyen van an")
    assert html.index(closed.code) < html.index(open_one.code)  # newest first
    assert "Đã trả kết quả" in html  # the closed dossier's status is shown


def test_search_by_code_identity_number_and_phone(client, demo_org, district_version):
    an = receive(demo_org, district_version)
    binh = receive(
        demo_org,
        district_version,
        applicant=person(name="Trần Thị Bình", id_number="001190054321", phone="0987654321"),
    )
    login(client, demo_org, "motcua.tx")
    for q, found, not_found in (
        (binh.code, binh, an),
        (binh.code.lower(), binh, an),
        ("001190054321", binh, an),
        ("0987 654 321", binh, an),
        ("+84987654321", binh, an),
        ("001090012345", an, binh),
    ):
        html = _search(client, q)
        assert found.code in html and not_found.code not in html, q


def test_search_is_scoped_to_the_officers_units(client, demo_org, district_version, ward_version):
    district = receive(demo_org, district_version)
    ward = s.dossier_receive(
        by=demo_org.staff["motcua.nc"],
        receiving_unit=demo_org.wards["00343"],
        version=ward_version,
        applicant=person(),
        papers=all_papers(ward_version),
        at=local(2026, 3, 2, 10),
    )
    login(client, demo_org, "motcua.nc")
    html = _search(client, "nguyen van an")
    assert ward.code in html and district.code not in html
    assert "Không tìm thấy hồ sơ nào" in _search(client, district.code)
    login(client, demo_org, "motcua.tx")  # the district desk does not see the ward's own dossiers
    html = _search(client, "nguyen van an")
    assert district.code in html and ward.code not in html
    login(client, demo_org, "lanhdao.tx")  # the district's leader sees every unit of the district
    html = _search(client, "nguyen van an")
    assert district.code in html and ward.code in html


def test_search_pages_newest_first(client, demo_org, district_version):
    first = receive(demo_org, district_version)
    for i in range(1, 35):
        _clone(first, at=local(2026, 3, 2, 9, i), number=100 + i)
    user = demo_org.user("motcua.tx")
    page1 = selectors.desk_search(user, "nguyen van an")
    assert len(page1.rows) == 30 and page1.next_after is not None
    page2 = selectors.desk_search(user, "nguyen van an", after=str(page1.next_after))
    ids = [r["pk"] for r in page1.rows + page2.rows]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 35 and page2.next_after is None
    login(client, demo_org, "motcua.tx")
    html = _search(client, "nguyen van an")
    assert f"sau={page1.next_after}" in html and "Xem tiếp" in html


@pytest.mark.parametrize("username", ["motcua.tx", "lanhdao.tx"])
@pytest.mark.parametrize("q", ["nguyen van an", "0912345678", "001090012345"])
def test_search_query_count_is_flat(client, demo_org, district_version, username, q):
    first = receive(demo_org, district_version)
    login(client, demo_org, username)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("dossiers:queue"), {"q": q}).status_code == 200
        return len(ctx.captured_queries)

    queries()  # the first request fills the shared cache of roles (ADR 0041)
    n = queries()
    for i in range(1, 40):
        _clone(first, at=local(2026, 3, 3, 9, i), number=200 + i)
    assert queries() == n


# ---------------------------------------------------------------------------------------------
# Register by position


@pytest.fixture
def register_rows(demo_org, district_version):
    """130 dossiers of the district over five days of March 2026 (26 a day), plus one on
    30 April (outside the period), in receipt order = register order."""
    first = receive(demo_org, district_version, at=local(2026, 3, 2, 8, 0))
    rows = [first]
    number = first.register_entry.number
    for day in range(2, 7):
        for i in range(26 if day > 2 else 25):
            number += 1
            rows.append(
                _clone(
                    first,
                    at=local(2026, 3, day, 8, 1 + i * 2),
                    number=number,
                    applicant_name="Lê Văn Bốn" if number % 5 == 0 else "Trần Thị Mai",
                )
            )
    _clone(first, at=local(2026, 4, 30, 9), number=number + 1)
    return rows


def _register(client, org, **params):
    query = {"don_vi": org.district.pk, "tu": "2026-03-01", "den": "2026-03-31", **params}
    return client.get(reverse("dossiers:register"), query)


def _link(html: str, label: str) -> dict[str, str] | None:
    from html import unescape
    from urllib.parse import parse_qsl

    match = re.search(r'<a href="\?([^"]*)"[^>]*>' + re.escape(label), html)
    return dict(parse_qsl(unescape(match.group(1)))) if match else None


def test_register_walks_forward_and_back_by_position(client, demo_org, register_rows):
    login(client, demo_org, "motcua.tx")
    expected = [d.code for d in register_rows]
    seen: list[list[str]] = []
    html = _register(client, demo_org).content.decode()
    assert _link(html, "‹ Trang trước") is None
    while True:
        seen.append([c for c in expected if f">{c}</td>" in html])
        nxt = _link(html, "Trang sau ›")
        if nxt is None:
            break
        assert nxt["don_vi"] == str(demo_org.district.pk) and nxt["tu"] == "2026-03-01"
        html = _register(
            client, demo_org, **{k: v for k, v in nxt.items() if k in ("sau",)}
        ).content.decode()
    assert [len(p) for p in seen] == [50, 50, 30]
    assert [c for p in seen for c in p] == expected  # every row once, in register order
    # Back from the last page gives the middle page again, then the first.
    prev = _link(html, "‹ Trang trước")
    html = _register(client, demo_org, truoc=prev["truoc"]).content.decode()
    assert [c for c in expected if f">{c}</td>" in html] == seen[1]
    prev = _link(html, "‹ Trang trước")
    html = _register(client, demo_org, truoc=prev["truoc"]).content.decode()
    assert [c for c in expected if f">{c}</td>" in html] == seen[0]
    assert _link(html, "‹ Trang trước") is None
    # The last page of the period straight away, and a jump to a day.
    html = _register(client, demo_org, cuoi="1").content.decode()
    assert [c for c in expected if f">{c}</td>" in html] == expected[-50:]
    assert _link(html, "Trang sau ›") is None and _link(html, "‹ Trang trước") is not None
    html = _register(client, demo_org, ngay="2026-03-04").content.decode()
    on_4th = [d.code for d in register_rows if d.received_at.date() >= dt.date(2026, 3, 4)][:50]
    assert [c for c in expected if f">{c}</td>" in html] == on_4th
    assert _link(html, "‹ Trang trước") is not None


def test_register_bad_cursor_gives_the_first_page(client, demo_org, register_rows):
    login(client, demo_org, "motcua.tx")
    first = _register(client, demo_org).content.decode()
    for bad in ("x", "123", "99999999999999999999_1", "1_x", "-5_3"):
        response = _register(client, demo_org, sau=bad, truoc=bad)
        assert response.status_code == 200 and response.content.decode().count(
            "<tr>"
        ) == first.count("<tr>")


def test_register_search_and_field(client, demo_org, register_rows):
    login(client, demo_org, "motcua.tx")
    html = _register(client, demo_org, q="le van bon").content.decode()
    bon = [d.code for d in register_rows if d.applicant_name == "Lê Văn Bốn"]
    assert [c for c in (d.code for d in register_rows) if f">{c}</td>" in html] == bon
    html = _register(client, demo_org, q=register_rows[7].code).content.decode()
    assert html.count("<tr>") == 2


@pytest.mark.parametrize(
    "params", [{}, {"ngay": "2026-03-04"}, {"cuoi": "1"}, {"q": "tran thi mai"}]
)
@pytest.mark.parametrize("username", ["motcua.tx", "lanhdao.tx"])
def test_register_query_count_is_flat(client, demo_org, district_version, params, username):
    first = receive(demo_org, district_version, at=local(2026, 3, 2, 8, 0))
    login(client, demo_org, username)
    number = first.register_entry.number

    def add(n: int) -> None:
        nonlocal number
        for i in range(n):
            number += 1
            _clone(
                first,
                at=local(2026, 3, 2 + i % 5, 9, i % 60),
                number=number,
                applicant_name="Trần Thị Mai",
            )

    def queries(extra: dict[str, str]) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert _register(client, demo_org, **extra).status_code == 200
        return len(ctx.captured_queries)

    add(5)
    queries(params)  # roles reach the shared cache
    n = queries(params)
    add(120)
    assert queries(params) == n
    # A deep page costs what the first one does.
    html = _register(client, demo_org, **params).content.decode()
    nxt = _link(html, "Trang sau ›")
    if nxt:
        assert queries({**params, "sau": nxt["sau"]}) <= n
