"""/api/v1/documents/: scoped lists and reads, search, edXML import with clear errors."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.documents.models import IncomingDocument

from .factories import IncomingFactory
from .test_edxml import package  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_lists_are_scoped(org, client):
    mine = IncomingFactory(unit=org.district, abstract="Về việc hòa giải")
    other = IncomingFactory(unit=org.wards["00343"])
    assert client.get("/api/v1/documents/incoming").status_code == 401
    client.force_login(org.user("vanthu.tx"))
    body = client.get("/api/v1/documents/incoming").json()
    assert [i["id"] for i in body["items"]] == [mine.pk]
    assert (
        client.get(f"/api/v1/documents/incoming/{mine.pk}").json()["abstract"] == "Về việc hòa giải"
    )
    missing = client.get(f"/api/v1/documents/incoming/{other.pk}")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.json()["detail"]
    assert client.get("/api/v1/documents/outgoing").json()["count"] == 0
    from congso.documents.services import index_incoming

    index_incoming(mine.pk)
    index_incoming(other.pk)
    found = client.get("/api/v1/documents/incoming", {"q": "HOA GIAI"}).json()
    assert [i["id"] for i in found["items"]] == [mine.pk]


def test_edxml_import(org, client, package):  # noqa: F811
    _doc, data = package
    client.force_login(org.user("vanthu.nc"))
    ok = client.post(
        "/api/v1/documents/incoming/edxml",
        {"unit": "H26.09.343", "package": SimpleUploadedFile("p.xml", data, "application/xml")},
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["number_symbol"] == "01/QĐ-UBND"
    bad = client.post(
        "/api/v1/documents/incoming/edxml",
        {"unit": "H26.09.343", "package": SimpleUploadedFile("p.xml", b"<x>", "application/xml")},
    )
    assert bad.status_code == 400 and "XML" in bad.json()["detail"]
    forbidden = client.post(
        "/api/v1/documents/incoming/edxml",
        {"unit": "H26.09", "package": SimpleUploadedFile("p.xml", data, "application/xml")},
    )
    assert forbidden.status_code == 403
    assert IncomingDocument.objects.filter(unit=org.wards["00343"]).count() == 1
