"""Sites per unit, path routing, the shared design, and what the public may see (issue 15)."""

from __future__ import annotations

import pytest
from django.test import override_settings
from wagtail.models import PageViewRestriction, Site

from congso.documents.models import Secrecy
from congso.documents.tests.factories import OutgoingFactory
from congso.portal.models import ContentPage, HomePage, PublicDocument
from congso.portal.services import document_make_public, portal_site_ensure, site_slug

from .conftest import add, article

pytestmark = pytest.mark.django_db


def test_one_site_per_unit_idempotent(sites):
    assert sites.district.slug == "thanh-xuan"
    assert sites.nc.slug == "nhan-chinh"
    assert portal_site_ensure(unit=sites.org.district).pk == sites.district.pk
    assert HomePage.objects.count() == 3
    site = Site.objects.get(root_page=sites.nc)
    assert site.hostname == "nhan-chinh.localhost"
    assert site_slug(sites.org.wards["00367"]) == "thanh-xuan-bac"


def test_home_pages_show_their_own_site(client, sites):
    article(sites.district_news, "Tin quận Thanh Xuân")
    article(sites.nc_news, "Tin phường Nhân Chính")
    district = client.get("/cong/thanh-xuan/").content.decode()
    ward = client.get("/cong/nhan-chinh/").content.decode()
    assert "Tin quận Thanh Xuân" in district and "Tin phường Nhân Chính" not in district
    assert "Tin phường Nhân Chính" in ward and "Tin quận Thanh Xuân" not in ward
    assert "Cổng thông tin điện tử" in district
    assert "Trang thông tin điện tử" in ward
    assert "9 Khương Đình" in district  # contacts from the unit
    assert 'href="/cong/nhan-chinh/tin-tuc/"' in ward  # the site's menu
    assert "/static/portal/portal.css" in ward  # one shared design, no CDN
    assert "https://" not in ward.split("<body")[0]


def test_unknown_site_and_page_are_404(client, sites):
    assert client.get("/cong/khong-co/").status_code == 404
    assert client.get("/cong/nhan-chinh/khong-co/").status_code == 404
    # A page of another site is not reachable under this site's prefix.
    a = article(sites.district_news, "Chỉ của quận", slug="chi-cua-quan")
    assert client.get(a.url).status_code == 200
    assert client.get("/cong/nhan-chinh/tin-tuc/chi-cua-quan/").status_code == 404


def test_drafts_never_public(client, sites):
    draft = article(sites.nc_news, "Bản nháp bí mật", live=False, slug="ban-nhap")
    assert client.get("/cong/nhan-chinh/tin-tuc/ban-nhap/").status_code == 404
    for url in ("/cong/nhan-chinh/", "/cong/nhan-chinh/tin-tuc/"):
        assert "Bản nháp bí mật" not in client.get(url).content.decode()
    # A live page's newer draft is not shown either.
    live = article(sites.nc_news, "Bản đã đăng", slug="da-dang")
    live.title = "Sửa đổi chưa duyệt"
    live.save_revision()
    body = client.get("/cong/nhan-chinh/tin-tuc/da-dang/").content.decode()
    assert "Bản đã đăng" in body and "Sửa đổi chưa duyệt" not in body
    assert draft.pk


def test_private_pages_not_listed_nor_served(client, sites):
    secret = article(sites.nc_news, "Tin nội bộ hạn chế", slug="noi-bo")
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)
    assert "Tin nội bộ hạn chế" not in client.get("/cong/nhan-chinh/").content.decode()
    assert "Tin nội bộ hạn chế" not in client.get("/cong/nhan-chinh/tin-tuc/").content.decode()
    response = client.get("/cong/nhan-chinh/tin-tuc/noi-bo/")
    assert response.status_code == 302  # Wagtail's login restriction
    assert "Tin nội bộ hạn chế" not in response.content.decode()


def test_public_documents_only_issued_public_non_secret(client, sites):
    org = sites.org
    clerk, leader = org.user("vanthu.tx"), org.user("lanhdao.tx")
    public = OutgoingFactory(
        agency=org.district, signer=leader, issued=True, abstract="Kế hoạch công khai Alpha"
    )
    OutgoingFactory(
        agency=org.district, signer=leader, issued=True, abstract="Văn bản chưa công khai Beta"
    )
    secret = OutgoingFactory(
        agency=org.district,
        signer=leader,
        issued=True,
        abstract="Tối mật Gamma",
        secrecy=Secrecy.SECRET,
    )
    draft = OutgoingFactory(agency=org.district, signer=leader, abstract="Dự thảo Delta")
    document_make_public(outgoing=public, by=clerk)
    with pytest.raises(Exception):
        document_make_public(outgoing=secret, by=clerk)
    with pytest.raises(Exception):
        document_make_public(outgoing=draft, by=clerk)
    # A ward clerk cannot publish the district's documents.
    with pytest.raises(Exception):
        document_make_public(outgoing=public, by=org.user("vanthu.nc"))
    body = client.get("/cong/thanh-xuan/van-ban/").content.decode()
    assert "Kế hoạch công khai Alpha" in body
    for hidden in ("Beta", "Gamma", "Delta"):
        assert hidden not in body
    assert "Alpha" not in client.get("/cong/nhan-chinh/van-ban/").content.decode()
    # Recalled later: gone from the portal although the register row stays.
    public.status = "recalled"
    public.save()
    assert "Alpha" not in client.get("/cong/thanh-xuan/van-ban/").content.decode()
    assert PublicDocument.objects.count() == 1


def test_document_search(client, sites):
    org = sites.org
    leader = org.user("lanhdao.tx")
    for abstract in ("Kế hoạch phòng chống lụt bão", "Quyết định kiện toàn ban chỉ đạo"):
        doc = OutgoingFactory(agency=org.district, signer=leader, issued=True, abstract=abstract)
        document_make_public(outgoing=doc, by=org.user("vanthu.tx"))
    body = client.get("/cong/thanh-xuan/van-ban/", {"q": "lụt bão"}).content.decode()
    assert "phòng chống lụt bão" in body and "kiện toàn" not in body


def test_procedures_page_lists_units_catalogue(client, sites):
    from congso.procedures.models import UnitProcedure
    from congso.procedures.tests.factories import VersionFactory

    online = VersionFactory(
        published=True, via_online=True, online_level="full", procedure__name="Đăng ký khai sinh"
    )
    counter = VersionFactory(published=True, procedure__name="Chứng thực bản sao")
    for version in (online, counter):
        UnitProcedure.objects.create(unit=sites.org.wards["00343"], procedure=version.procedure)
    response = client.get("/cong/nhan-chinh/thu-tuc-hanh-chinh/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "thủ tục hành chính đang tiếp nhận" in body
    assert "Đăng ký khai sinh" in body and "Chứng thực bản sao" in body
    # Only the procedure offered online links to its online submission.
    assert f'href="/dich-vu-cong/nop/{online.procedure.slug}/"' in body
    assert f"/dich-vu-cong/nop/{counter.procedure.slug}/" not in body
    # Every site's menu leads to the online services.
    assert 'href="/dich-vu-cong/">Dịch vụ công</a>' in body
    assert (
        "Chứng thực bản sao"
        not in client.get("/cong/khuong-mai/thu-tuc-hanh-chinh/").content.decode()
    )


def test_rich_text_sanitised(sites):
    page = add(
        sites.nc,
        ContentPage(
            title="Giới thiệu",
            slug="gioi-thieu",
            body='<p onclick="x()">Xin chào<script>alert(1)</script></p>'
            '<a href="javascript:alert(1)">x</a><iframe src="https://evil"></iframe>'
            '<embed embedtype="image" id="1" format="left" alt="Ảnh"/>',
        ),
    )
    page.refresh_from_db()
    assert "script" not in page.body and "onclick" not in page.body
    assert "javascript:" not in page.body and "iframe" not in page.body
    assert '<embed embedtype="image" id="1" format="left" alt="Ảnh"/>' in page.body


def test_image_needs_alt_text(sites):
    from django.core.exceptions import ValidationError
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Ảnh", file=get_test_image_file())
    a = article(sites.nc_news, "Có ảnh", image=image, image_alt="Lễ khai trương")
    a.image_alt = " "
    with pytest.raises(ValidationError):
        a.full_clean()


@override_settings(ALLOWED_HOSTS=[".localhost", "testserver"])
def test_site_host_name_routing(client, sites):
    article(sites.nc_news, "Tin theo tên miền", slug="ten-mien")
    response = client.get("/tin-tuc/ten-mien/", HTTP_HOST="nhan-chinh.localhost")
    assert response.status_code == 200
    assert "Tin theo tên miền" in response.content.decode()


def test_public_pages_strict_policy_admin_its_own(client, sites):
    public = client.get("/cong/nhan-chinh/")["Content-Security-Policy"]
    assert "'nonce-" in public and "unsafe-inline" not in public
    client.force_login(sites.board["bientap.nc"])
    admin = client.get("/bien-tap/")["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in admin


def test_section_rss_and_sitemap_public_only(client, sites):
    article(sites.nc_news, "Tin có trong RSS", slug="co-rss")
    article(sites.nc_news, "Nháp không có trong RSS", slug="nhap-rss", live=False)
    page = client.get("/cong/nhan-chinh/tin-tuc/").content.decode()
    assert 'href="/cong/nhan-chinh/rss/tin-tuc/"' in page
    feed = client.get("/cong/nhan-chinh/rss/tin-tuc/")
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/rss+xml")
    body = feed.content.decode()
    assert "Tin có trong RSS" in body and "Nháp không có" not in body
    assert client.get("/cong/nhan-chinh/rss/van-ban/").status_code == 404  # not a section
    sitemap = client.get("/cong/nhan-chinh/sitemap.xml").content.decode()
    assert "/cong/nhan-chinh/tin-tuc/co-rss/" in sitemap
    assert "nhap-rss" not in sitemap and "/cong/thanh-xuan/" not in sitemap


def test_merged_units_site_redirects_to_successor(client, sites):
    """The 2025 reform: Nhân Chính merges into a new ward 'Thanh Xuân' (the district's name);
    the new ward gets a site with a slug of its own, the old addresses redirect to it."""
    from congso.org.models import Unit, UnitKind
    from congso.org.services import unit_merge

    new_ward = Unit.objects.create(
        parent=sites.org.city,
        kind=UnitKind.WARD,
        name="UBND phường Thanh Xuân",
        short_name="Thanh Xuân",
    )
    unit_merge(source=sites.org.wards["00343"], successor=new_ward)
    home = HomePage.objects.get(unit=new_ward)
    assert home.slug == "phuong-thanh-xuan"
    for old in ("/cong/nhan-chinh/", "/cong/nhan-chinh/tin-tuc/"):
        response = client.get(old)
        assert response.status_code == 301 and response.url == "/cong/phuong-thanh-xuan/"
    assert client.get("/cong/phuong-thanh-xuan/").status_code == 200
    assert client.get("/cong/thanh-xuan/").status_code == 200  # the district's own site


def test_site_map_page_public_pages_of_its_site_only(client, sites):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article(sites.nc_news, "Tin không vào sơ đồ", slug="tin-so-do")
    add(sites.nc, ContentPage(title="Giới thiệu phường", slug="gioi-thieu", body="<p>…</p>"))
    add(sites.nc, ContentPage(title="Trang nháp ZQY", slug="nhap"), live=False)
    private = add(sites.nc, ContentPage(title="Nội bộ ZQP", slug="noi-bo"))
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    url = "/cong/nhan-chinh/so-do-cong/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200 and len(ctx.captured_queries) <= 2
    body = response.content.decode()
    assert 'href="/cong/nhan-chinh/gioi-thieu/">Giới thiệu phường' in body
    assert 'href="/cong/nhan-chinh/tin-tuc/">Tin tức, sự kiện' in body
    assert "Tin không vào sơ đồ" not in body  # articles: the sections list them
    assert "ZQY" not in body and "ZQP" not in body  # drafts, private pages
    assert "/cong/thanh-xuan/" not in body.split("<main")[1].split("</main>")[0]
    assert 'href="/cong/nhan-chinh/so-do-cong/"' in client.get("/cong/nhan-chinh/").content.decode()
    assert client.get("/cong/khong-co/so-do-cong/").status_code == 404
