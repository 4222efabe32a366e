import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.procedures.models import RequiredPaper
from congso.procedures.views import online_submit_url

from .factories import FeeFactory, PaperFactory, VersionFactory, published_procedure

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_catalogue_page_costs_the_same_for_n_and_n_plus_one(client, demo_org):
    ward = demo_org.wards["00343"]
    for i in range(3):
        published_procedure(f"Thủ tục {i}", unit=ward)
    url = f"/thu-tuc/?q=thu+tuc&unit={ward.pk}"
    first = _queries(client, url)
    published_procedure("Thủ tục 9", unit=ward)
    assert _queries(client, url) == first
    assert "Thủ tục 9" in client.get(url).content.decode()


def test_catalogue_search_without_diacritics_and_pagination(client):
    published_procedure("Đăng ký khai sinh")
    for i in range(25):
        published_procedure(f"Chứng thực bản sao số {i}")
    page = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in page and "Tìm thấy 1 thủ tục" in page
    first = client.get("/thu-tuc/").content.decode()
    assert "Trang 1/2" in first and "trang=2" in first
    second = client.get("/thu-tuc/", {"trang": 2}).content.decode()
    assert "Trang 2/2" in second
    # Garbage filters are ignored, not a server error.
    assert client.get("/thu-tuc/", {"unit": "abc", "level": "moon"}).status_code == 200


def test_detail_page_shows_what_a_citizen_needs(client, demo_org, settings):
    procedure = published_procedure(
        "Cấp giấy phép xây dựng nhà ở",
        unit=demo_org.district,
        duration=Decimal(15),
        via_online=True,
        online_level="partial",
        duration_note="Không kể thời gian bổ sung.",
        legal_basis="Luật Xây dựng năm 2014",
    )
    version = procedure.versions.get()
    FeeFactory(version=version, name="Lệ phí cấp phép", amount=1500000)
    FeeFactory(version=version, name="Lệ phí khai sinh", amount=0)
    paper = version.papers.get()
    paper.originals, paper.copies, paper.form_name = 1, 2, "Đơn đề nghị"
    paper.form_file.save("don.pdf", ContentFile(b"%PDF-1.4 test"))
    page = client.get(f"/thu-tuc/{procedure.slug}/").content.decode()
    for text in [
        "Cấp giấy phép xây dựng nhà ở",
        "15 ngày làm việc",
        "Không kể thời gian bổ sung.",
        "1.500.000 đ",
        "Miễn",
        "Luật Xây dựng năm 2014",
        "UBND quận Thanh Xuân",
        "Nộp trực tuyến",
        "Tải mẫu: Đơn đề nghị",
        "Một phần",
    ]:
        assert text in page, text
    submit = online_submit_url(procedure.slug)
    assert (f'href="{submit}"' in page) if submit else ("sắp mở" in page)
    download = client.get(f"/thu-tuc/{procedure.slug}/bieu-mau/{paper.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in download["Content-Disposition"]


def test_forms_of_drafts_and_other_procedures_are_not_served(client):
    procedure = published_procedure("Thủ tục A")
    other = published_procedure("Thủ tục B")
    draft = VersionFactory(procedure=procedure, number=2, valid_from=dt.date(2015, 6, 1))
    draft_paper = PaperFactory(version=draft, form_file=ContentFile(b"x", name="nhap.pdf"))
    other_paper = other.versions.get().papers.get()
    other_paper.form_file.save("b.pdf", ContentFile(b"b"))
    assert client.get(f"/thu-tuc/{procedure.slug}/bieu-mau/{draft_paper.pk}/").status_code == 404
    assert client.get(f"/thu-tuc/{procedure.slug}/bieu-mau/{other_paper.pk}/").status_code == 404
    assert client.get(f"/thu-tuc/{other.slug}/bieu-mau/{other_paper.pk}/").status_code == 200
    assert RequiredPaper.objects.count() == 3


def test_unpublished_procedure_is_not_found(client):
    version = VersionFactory()
    assert client.get(f"/thu-tuc/{version.procedure.slug}/").status_code == 404
    assert client.get("/thu-tuc/khong-co/").status_code == 404


def test_api_list_query_count_filters_and_detail(client, demo_org):
    ward = demo_org.wards["00343"]
    for i in range(3):
        published_procedure(f"Đăng ký thủ tục {i}", unit=ward)
    url = "/api/v1/procedures/?q=dang+ky&unit=00343"
    first = _queries(client, url)
    published_procedure("Đăng ký thủ tục 9", unit=ward)
    assert _queries(client, url) == first
    body = client.get(url).json()
    assert body["count"] == 4
    assert body["items"][0]["duration_text"] == "3 ngày làm việc"
    assert client.get("/api/v1/procedures/?unit=H26.09.343").json()["count"] == 4
    assert client.get("/api/v1/procedures/?unit=00346").json()["count"] == 0
    bad = client.get("/api/v1/procedures/?level=moon")
    assert bad.status_code == 400 and "Cấp thực hiện không hợp lệ" in bad.json()["detail"]
    assert client.get("/api/v1/procedures/?unit=99999").status_code == 400
    slug = body["items"][0]["slug"]
    detail = client.get(f"/api/v1/procedures/{slug}").json()
    assert detail["papers"][0]["name"] == "Tờ khai"
    assert detail["internal_steps"][0]["budget"] == "3.00"
    assert detail["units"][0]["agency_id"] == "H26.09.343"
    missing = client.get("/api/v1/procedures/khong-co")
    assert missing.status_code == 404 and "Không tìm thấy thủ tục" in missing.json()["detail"]
