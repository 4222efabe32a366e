"""Pages, registers and their query counts (same number of queries for N and N+1 rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congso.documents import registers
from congso.documents import services as s
from congso.documents.models import IncomingDocument, OutgoingDocument

from .conftest import PIN, make_pdf, scan
from .factories import IncomingFactory, OutgoingFactory

pytestmark = pytest.mark.django_db


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _incoming(org, n):
    for _i in range(n):
        doc = IncomingFactory(unit=org.district)
        s.incoming_direct(
            doc=doc,
            by=org.user("lanhdao.tx"),
            instruction="Giao xử lý",
            receiver=org.user("chuyenvien.tp"),
            lead_unit=org.departments["TP"],
            supporting_units=[org.departments["VP"]],
        )


def _outgoing(org, n):
    for _i in range(n):
        doc = OutgoingFactory(agency=org.district, signer=org.user("lanhdao.tx"), issued=True)
        doc.recipients.create(name="Sở Tư pháp")
        doc.recipients.create(name="UBND phường Nhân Chính", unit=org.wards["00343"])


def _work_files(org, n):
    from .factories import WorkFileFactory

    for _i in range(n):
        WorkFileFactory(unit=org.district, owner=org.user("vanthu.tx"))
        WorkFileFactory(
            unit=org.district,
            owner=org.user("vanthu.tx"),
            state="closed",
            ended_on=dt.date(2025, 12, 31),
        )


@pytest.mark.parametrize(
    "url, make",
    [("/van-ban-den/", _incoming), ("/van-ban-di/", _outgoing), ("/ho-so-cong-viec/", _work_files)],
)
def test_list_query_count_is_flat(org, client, url, make):
    client.force_login(org.user("lanhdao.tx"))
    make(org, 2)
    client.get(url)  # warm caches (session, content types)
    before = _count(lambda: client.get(url))
    make(org, 1)
    response = client.get(url)
    assert response.status_code == 200
    assert _count(lambda: client.get(url)) == before
    if url.startswith("/van-ban"):
        partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "<table" in partial and "<html" not in partial  # HTMX refreshes only the rows


@pytest.mark.parametrize("kind", ["den", "di", "theo-doi"])
def test_register_query_count_is_flat(org, kind):
    leader = org.user("lanhdao.tx")
    today = timezone.localdate()
    make = _outgoing if kind == "di" else _incoming

    def run():
        reg = registers.build(kind, leader, org.district, dt.date(today.year, 1, 1), today)
        registers.to_xlsx(reg)
        return reg

    make(org, 2)
    run()  # the caller's scope is computed once and cached on the user
    before = _count(run)
    make(org, 1)
    assert _count(run) == before
    reg = run()
    assert len(reg.rows) == 3 and len(reg.columns) in (10, 11)


def test_register_pdf_and_xlsx_downloads(org, client):
    _incoming(org, 2)
    client.force_login(org.user("vanthu.tx"))
    today = timezone.localdate()
    params = {
        "kind": "den",
        "unit": org.district.pk,
        "date_from": f"{today.year}-01-01",
        "date_to": today.isoformat(),
        "series": "normal",
    }
    pdf = client.get("/so-van-ban/", {**params, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get("/so-van-ban/", {**params, "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    html = client.get("/so-van-ban/", {**params, "format": "html"})
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in html.content.decode()
    bad = client.get("/so-van-ban/", {**params, "date_from": "2030-01-01", "format": "pdf"})
    assert bad.status_code == 200 and "Từ ngày" in bad.content.decode()


def test_register_form_page_flow(org, client, django_capture_on_commit_callbacks):
    client.force_login(org.user("vanthu.tx"))
    assert client.get("/van-ban-den/vao-so/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {
        "unit": org.district.pk,
        "sender_name": "Sở Xây dựng",
        "abstract": "Về việc cấp phép xây dựng",
        "urgency": "urgent",
        "secrecy": "normal",
        "channel": "paper",
        "page_count": 2,
        "scans": SimpleUploadedFile("scan.pdf", scan().data, "application/pdf"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/van-ban-den/vao-so/", data)
    doc = IncomingDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/van-ban-den/{doc.pk}/"
    assert (
        client.get("/van-ban-den/", {"q": "cap phep xay dung"})
        .content.decode()
        .count(f"/van-ban-den/{doc.pk}/")
        >= 1
    )
    assert (
        f"/van-ban-den/{doc.pk}/"
        not in client.get("/van-ban-den/", {"q": "hỏa táng"}).content.decode()
    )
    # Missing scan for a paper letter: a Vietnamese error, nothing registered.
    data.pop("scans")
    response = client.post("/van-ban-den/vao-so/", data)
    assert "bản quét" in response.content.decode() and IncomingDocument.objects.count() == 1


def test_outgoing_pages(org, client):
    client.force_login(org.user("chuyenvien.tp"))
    assert client.get("/van-ban-di/du-thao/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    from congso.documents.models import DocumentKind

    response = client.post(
        "/van-ban-di/du-thao/",
        {
            "drafting_unit": org.departments["TP"].pk,
            "kind": DocumentKind.objects.get(abbreviation="TB").pk,
            "abstract": "Thông báo lịch tiếp dân",
            "urgency": "normal",
            "secrecy": "normal",
            "signer": org.user("lanhdao.tx").pk,
            "copies": 1,
            "draft": SimpleUploadedFile("tb.pdf", make_pdf(), "application/pdf"),
        },
    )
    doc = OutgoingDocument.objects.get()
    assert response.status_code == 302
    client.post(f"/van-ban-di/{doc.pk}/trinh-duyet/")
    client.force_login(org.user("lanhdao.tx"))
    client.post(f"/van-ban-di/{doc.pk}/ky-so/", {"pin": PIN})
    doc.refresh_from_db()
    assert doc.number_symbol == "01/TB-UBND"
    client.force_login(org.user("vanthu.tx"))
    client.post(
        f"/van-ban-di/{doc.pk}/phat-hanh/",
        {"units": [org.wards["00343"].pk], "external": "Sở Tư pháp | G01.30"},
    )
    page = client.get(f"/van-ban-di/{doc.pk}/").content.decode()
    assert "Tải gói edXML" in page and "01 — Đã đến" in page
    assert client.get(f"/van-ban-di/{doc.pk}/tep/ban-ky/").status_code == 200


def test_work_files(org, client):
    client.force_login(org.user("vanthu.tx"))
    client.post(
        "/ho-so-cong-viec/",
        {
            "unit": org.district.pk,
            "year": 2026,
            "code": "01.VP",
            "title": "Hồ sơ tiếp công dân năm 2026",
            "retention_years": "",
        },
    )
    from congso.documents.models import WorkFile

    wf = WorkFile.objects.get()
    assert wf.retention_years is None and wf.retention_label == "Vĩnh viễn"
    # A dossier code is filed only if it names a dossier the user may see (issue 11, item 2).
    refused = client.post(
        f"/ho-so-cong-viec/{wf.pk}/", {"dossier_code": "H26.09-260101-0001"}, follow=True
    ).content.decode()
    assert "Không tìm thấy hồ sơ một cửa có mã H26.09-260101-0001" in refused
    doc = IncomingFactory(unit=org.district)
    client.post(f"/van-ban-den/{doc.pk}/luu-ho-so/", {"file-work_file": wf.pk})
    assert wf.items.count() == 1
    client.post(f"/ho-so-cong-viec/{wf.pk}/", {"action": "close"})
    page = client.get("/ho-so-cong-viec/").content.decode()
    assert "đến hạn nộp lưu" in page and "01.VP" in page
    client.post(f"/ho-so-cong-viec/{wf.pk}/", {"action": "archive"})
    wf.refresh_from_db()
    assert wf.state == "archived"
