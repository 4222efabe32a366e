"""The Wagtail admin's uploads go through the one upload validator (issue #11, finding 9;
ADR 0109): before, a portal editor's document was checked by its extension only (HTML behind
a PDF header, a PDF with JavaScript were stored and published), an image by Pillow only (a
PNG with a script after its header was stored)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from congso.portal.tests.conftest import sites  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    sheet = canvas.Canvas(buffer)
    sheet.drawString(100, 750, "Ke hoach phong chong thien tai 2026")
    sheet.save()
    return buffer.getvalue()


def _png() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (163, 22, 26)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def editor(client, sites):  # noqa: F811
    client.force_login(sites.board["bientap.nc"])
    return Collection.objects.get(name=sites.nc.title, depth=2)


def _add_document(client, collection, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return client.post(
        "/bien-tap/documents/add/",
        {
            "title": "Kế hoạch phòng chống thiên tai",
            "collection": collection.pk,
            "file": SimpleUploadedFile(name, data, "application/pdf"),
        },
    )


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("ke-hoach.pdf", b"%PDF-1.7\n<html><script>alert(1)</script></html>", "mã HTML"),
        ("ke-hoach.pdf", b"<!doctype html><script>alert(1)</script>", "không đúng định dạng"),
        (
            "ke-hoach.pdf",
            _pdf().replace(
                b"/Type /Catalog",
                b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            ),
            "mã lệnh",
        ),
    ],
    ids=["html-behind-pdf", "html", "pdf-javascript"],
)
def test_a_hostile_document_is_refused_in_vietnamese_and_not_stored(
    client, editor, name, data, reason
):
    response = _add_document(client, editor, name, data)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Document.objects.exists()


def test_a_real_pdf_and_spreadsheet_are_stored(client, editor):
    from openpyxl import Workbook

    assert _add_document(client, editor, "ke-hoach.pdf", _pdf()).status_code == 302
    sheet = io.BytesIO()
    Workbook().save(sheet)
    assert _add_document(client, editor, "bang-tong-hop.xlsx", sheet.getvalue()).status_code == 302
    assert Document.objects.count() == 2


def test_an_image_with_a_script_behind_its_header_is_refused(client, editor):
    def add(data: bytes):  # type: ignore[no-untyped-def]
        return client.post(
            "/bien-tap/images/add/",
            {
                "title": "Trụ sở UBND phường",
                "collection": editor.pk,
                "file": SimpleUploadedFile("tru-so.png", data, "image/png"),
            },
        )

    response = add(_png() + b"<script>alert(document.cookie)</script>")
    assert response.status_code == 200
    assert "mã HTML" in response.content.decode()
    assert not Image.objects.exists()
    assert add(_png()).status_code == 302
    assert Image.objects.count() == 1
