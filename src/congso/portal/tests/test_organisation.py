"""Giới thiệu → Cơ cấu tổ chức and the English page of the organisation and contacts, live from
``org`` (issue 15): each site shows its own agency only, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.org.models import Role, RoleAssignment, Staff, Unit, UnitKind
from congso.portal.models import ContentPage, OrganisationPage

from .conftest import add

pytestmark = pytest.mark.django_db


def _org_pages(home):
    about = add(home, ContentPage(title="Giới thiệu", slug="gioi-thieu", body="<p>…</p>"))
    add(about, OrganisationPage(title="Cơ cấu tổ chức", slug="co-cau-to-chuc"))
    english = add(
        home, ContentPage(title="English", slug="english", language="en", body="<p>Welcome</p>")
    )
    add(
        english,
        OrganisationPage(title="Organisation and contacts", slug="organisation", language="en"),
    )


def test_district_chart_its_leaders_and_departments_not_the_wards(client, sites):
    _org_pages(sites.district)
    body = client.get("/cong/thanh-xuan/gioi-thieu/co-cau-to-chuc/").content.decode()
    assert "Nguyễn Văn Hùng" in body and "Phó Chủ tịch UBND quận" in body  # the leader
    assert "Phòng Tư pháp" in body and "Phạm Minh Đức" in body  # a department and its head
    assert "Các phòng, ban và đầu mối liên hệ" in body
    # A specialist is no contact; the wards (agencies of their own) are not departments.
    assert "Vũ Thị Lan" not in body
    assert "Nguyễn Thị Bích" not in body and "phường Nhân Chính" not in body


def test_ward_chart_is_the_wards_own(client, sites):
    _org_pages(sites.nc)
    body = client.get("/cong/nhan-chinh/gioi-thieu/co-cau-to-chuc/").content.decode()
    assert "Nguyễn Thị Bích" in body and "Chủ tịch UBND phường Nhân Chính" in body
    assert body.count("Nguyễn Thị Bích") == 1  # leader and head at once: listed once
    assert "Nguyễn Văn Hùng" not in body and "Phòng Tư pháp" not in body
    assert "Lâm Văn Phúc" not in body  # Khương Mai's chairman


def test_english_page_marked_english_with_english_labels(client, sites):
    _org_pages(sites.district)
    body = client.get("/cong/thanh-xuan/english/organisation/").content.decode()
    assert (
        '<html lang="vi">' in body
        and '<main id="noi-dung" class="p-wrap p-main" lang="en">' in body
    )
    assert "Departments and contacts" in body and "Leaders of UBND quận Thanh Xuân" in body
    assert "Các phòng, ban" not in body
    intro = client.get("/cong/thanh-xuan/english/").content.decode()
    assert 'lang="en"' in intro and "Welcome" in intro
    # A Vietnamese page carries no language of its own (the document's is vi).
    vi = client.get("/cong/thanh-xuan/gioi-thieu/").content.decode()
    assert '<main id="noi-dung" class="p-wrap p-main">' in vi


def test_dissolved_department_and_inactive_head_not_shown(client, sites):
    _org_pages(sites.district)
    tp = Unit.objects.get(parent=sites.org.district, name="Phòng Tư pháp")
    head = Staff.objects.get(user__username="truongphong.tp")
    head.is_active = False
    head.save()
    qldt = Unit.objects.get(parent=sites.org.district, name="Phòng Quản lý đô thị")
    from django.utils import timezone

    Unit.objects.filter(pk=qldt.pk).update(dissolved_at=timezone.now())
    body = client.get("/cong/thanh-xuan/gioi-thieu/co-cau-to-chuc/").content.decode()
    assert tp.name in body and "Phạm Minh Đức" not in body
    assert "Phòng Quản lý đô thị" not in body


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_chart_queries_constant(client, sites):
    from congso.accounts.models import User

    _org_pages(sites.district)
    url = "/cong/thanh-xuan/gioi-thieu/co-cau-to-chuc/"
    before = _count(client, url)
    for i in range(4):
        dept = Unit.objects.create(
            parent=sites.org.district, kind=UnitKind.DEPARTMENT, name=f"Phòng mới {i}"
        )
        user = User.objects.create_user(username=f"tp.moi{i}", full_name=f"Trưởng phòng {i}")
        staff = Staff.objects.create(user=user, unit=dept, position="Trưởng phòng")
        RoleAssignment.objects.create(staff=staff, unit=dept, role=Role.DEPARTMENT_HEAD)
    after = _count(client, url)
    assert after == before <= 6
    assert "Trưởng phòng 3" in client.get(url).content.decode()
