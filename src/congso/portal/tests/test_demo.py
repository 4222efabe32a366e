"""The portal demo: the district's site and the 11 ward sites with seed content, the board's
logins printed; loading twice adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from congso.audit.models import AuditEvent
from congso.portal import demo
from congso.portal.models import ArticlePage, HomePage

pytestmark = pytest.mark.django_db


def test_demo_sites_content_and_logins(demo_org, client):
    demo.load()
    counts = (HomePage.objects.count(), ArticlePage.objects.count(), AuditEvent.objects.count())
    assert counts[0] == 12
    assert ArticlePage.objects.filter(url_path__startswith="/thanh-xuan/").count() >= 12
    demo.load()
    assert (
        HomePage.objects.count(),
        ArticlePage.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    body = client.get("/cong/thanh-xuan/").content.decode()
    assert "75.928 hồ sơ" in body
    chart = client.get("/cong/nhan-chinh/gioi-thieu/co-cau-to-chuc/").content.decode()
    assert "Nguyễn Thị Bích" in chart
    english = client.get("/cong/thanh-xuan/english/organisation-and-contacts/").content.decode()
    assert "Departments and contacts" in english and "Phòng Tư pháp" in english
    draft = client.get("/cong/thanh-xuan/lay-y-kien-du-thao/du-thao-quy-dinh-quan-ly-via-he/")
    assert draft.status_code == 200 and "Gửi góp ý" in draft.content.decode()
    assert client.get("/cong/kim-giang/gioi-thieu/").status_code == 200
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for login in ("bientap.tx", "tongbientap.tx", "bientap.nc", "lanhdao.nc", "/cong/nhan-chinh/"):
        assert login in text
