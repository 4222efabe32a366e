"""Refusals and missing pages answer in Vietnamese inside the site's layout (Django's bare
"403 Forbidden" page was all a ward officer saw when a page refused them), and the working
home lists the modules a person's roles reach."""

from __future__ import annotations

import pytest
from django.template.loader import get_template

pytestmark = pytest.mark.django_db


def test_a_refusal_says_why_in_vietnamese(client, demo_org):
    client.force_login(demo_org.user("motcua.nc"))  # a ward officer: no hall of counters
    response = client.get("/mot-cua/quay/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Không có quyền truy cập" in page
    assert "Bạn không phục vụ tại sảnh một cửa nào." in page
    assert "Forbidden" not in page


def test_a_missing_page_is_vietnamese(client, demo_org):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_the_server_error_page_renders_without_a_request():
    html = get_template("500.html").render({})
    assert "Hệ thống đang gặp lỗi" in html


@pytest.mark.parametrize(
    ("username", "shown", "hidden"),
    [
        ("lanhdao.tx", ["Bảng điều hành", "Phản ánh, kiến nghị"], ["Quầy một cửa"]),
        ("motcua.tx", ["Quầy một cửa", "Phản ánh, kiến nghị"], ["Bảng điều hành"]),
    ],
)
def test_the_working_home_lists_the_new_modules_by_role(client, demo_org, username, shown, hidden):
    client.force_login(demo_org.user(username))
    page = client.get("/lam-viec/").content.decode()
    for title in shown:
        assert f"<h2>{title}</h2>" in page
    for title in hidden:
        assert f"<h2>{title}</h2>" not in page
