"""Security events on the ``congso.security`` logger (issue 11.16): staff logins, refusals,
reads of secret documents."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from congso.documents import services as ds
from congso.documents.models import Secrecy
from congso.documents.tests.conftest import scan
from congso.org.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

LOGGER = "congso.security"
LOGIN = "/tai-khoan/dang-nhap/"


def _secret(demo_org):  # type: ignore[no-untyped-def]
    return ds.incoming_register(
        by=demo_org.user("vanthu.tx"),
        unit=demo_org.district,
        sender_name="Sở Nội vụ",
        abstract="Tài liệu mật",
        files=[scan()],
        secrecy=Secrecy.SECRET,
    )


def test_staff_login_success_and_failure_are_logged(demo_org, caplog):
    user = demo_org.user("motcua.tx")
    with caplog.at_level("INFO", logger=LOGGER):
        Client().post(LOGIN, {"username": "MOTCUA.TX", "password": "sai-mat-khau"})
        Client().post(LOGIN, {"username": "motcua.tx", "password": DEMO_PASSWORD})
    failed = [r for r in caplog.records if r.getMessage().startswith("login.failed")]
    ok = [r for r in caplog.records if r.getMessage().startswith("login.ok")]
    assert failed and f"account=#{user.pk}" in failed[0].getMessage()
    assert "sai-mat-khau" not in caplog.text and "MOTCUA" not in caplog.text
    assert ok and f"user={user.pk} kind=staff" in ok[0].getMessage()


def test_reading_a_secret_document_is_logged_with_reader_and_id(demo_org, caplog):
    doc = _secret(demo_org)
    clerk = demo_org.user("vanthu.tx")
    client = Client()
    client.force_login(clerk)
    with caplog.at_level("INFO", logger=LOGGER):
        assert client.get(reverse("documents:incoming_detail", args=[doc.pk])).status_code == 200
    lines = [r.getMessage() for r in caplog.records if "document.secret_read" in r.getMessage()]
    assert lines == [f"document.secret_read user={clerk.pk} doc=incoming:{doc.pk} secrecy=secret"]


def test_an_ordinary_document_read_is_not_logged(demo_org, caplog):
    doc = ds.incoming_register(
        by=demo_org.user("vanthu.tx"),
        unit=demo_org.district,
        sender_name="Sở Nội vụ",
        abstract="Thường",
        files=[scan()],
    )
    client = Client()
    client.force_login(demo_org.user("vanthu.tx"))
    with caplog.at_level("INFO", logger=LOGGER):
        client.get(reverse("documents:incoming_detail", args=[doc.pk]))
    assert "document.secret_read" not in caplog.text


def test_refusals_are_logged_pages_and_api(demo_org, caplog):
    doc = _secret(demo_org)
    outsider = demo_org.user("chuyenvien.tp")
    client = Client()
    client.force_login(outsider)
    with caplog.at_level("INFO", logger=LOGGER):
        assert client.get(reverse("documents:incoming_detail", args=[doc.pk])).status_code == 404
        assert client.get("/quan-ly/danh-muc-thu-tuc/").status_code == 403
        assert client.get("/api/v1/dossiers/KHONG-CO-MA").status_code == 404
    refused = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("access.refused")
    ]
    assert any(
        f"status=404 user={outsider.pk} method=GET path=/van-ban-den/{doc.pk}/" in m
        for m in refused
    )
    assert any("status=403" in m and "/quan-ly/danh-muc-thu-tuc/" in m for m in refused)
    assert any("path=/api/v1/dossiers/KHONG-CO-MA" in m for m in refused)
    assert "document.secret_read" not in caplog.text
    # Anonymous not-founds (crawlers) are not refusals.
    caplog.clear()
    with caplog.at_level("INFO", logger=LOGGER):
        Client().get("/khong-co-trang-nay/")
    assert "access.refused" not in caplog.text
