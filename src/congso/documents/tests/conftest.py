"""Fixtures of the documents tests: the demo organisation, a signing dir per session and
helpers to build PDFs and uploads."""

from __future__ import annotations

import io
import zipfile

import pytest

from congso.core import pdf
from congso.documents.models import DocumentKind
from congso.documents.services import Upload


@pytest.fixture(autouse=True)
def _document_kinds(request):
    """Kinds come from a data migration; a transactional test elsewhere may have flushed them."""
    if not request.node.get_closest_marker("django_db"):
        if not {"db", "transactional_db"} & set(request.fixturenames):
            return
        request.getfixturevalue(
            "transactional_db" if "transactional_db" in request.fixturenames else "db"
        )
    from congso.documents.kinds import document_kinds_ensure

    document_kinds_ensure()


@pytest.fixture(autouse=True)
def _signing_dir(settings, tmp_path_factory):
    settings.SIGNING_DIR = tmp_path_factory.getbasetemp() / "signing"


# Every demo officer's signing PIN in these tests (the second factor of outgoing_sign).
PIN = "246813"


@pytest.fixture(autouse=True)
def _signing_pins(request):
    if "org" not in request.fixturenames:
        return
    from django.contrib.auth.hashers import make_password

    from congso.signing.models import SignerPin

    org = request.getfixturevalue("org")
    hashed = make_password(PIN)
    for staff in org.staff.values():
        SignerPin.objects.get_or_create(user=staff.user, defaults={"pin_hash": hashed})


def make_pdf(text: str = "Nội dung văn bản") -> bytes:
    return pdf.build([pdf.p(text)], title="Văn bản")


def docx_bytes() -> bytes:
    """A minimal Word file: the validator wants its content-type map and body."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def scan(text: str = "Bản quét công văn") -> Upload:
    return Upload("scan.pdf", make_pdf(text), "application/pdf")


@pytest.fixture
def org(demo_org):
    return demo_org


@pytest.fixture
def kinds(db):
    return {k.abbreviation or k.name: k for k in DocumentKind.objects.all()}
