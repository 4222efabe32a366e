"""edXML (QCVN 102:2016): export then import gives the same document; malformed packages
are refused with the element named and nothing imported."""

from __future__ import annotations

import base64
import re

import pytest
from django.core.exceptions import ValidationError

from congso.documents import services as s
from congso.documents.edxml import NS, parse_package
from congso.documents.models import IncomingDocument, Urgency

from .conftest import PIN
from .test_flows import draft

pytestmark = pytest.mark.django_db

PAD = b"<!--" + b" " * (70 * 1024) + b"-->"  # past the first 64 KiB
DOCTYPE_SUBJECT = '<!DOCTYPE edXMLEnvelope [<!ENTITY a "Nội dung chèn từ DTD">]>'.encode()
LAUGHS = (
    b'<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">'.encode() for i in range(1, 10))
    + b"]>"
)  # a billion "lol"s from a few hundred bytes
EXTERNAL = b'<!DOCTYPE x [<!ENTITY ext SYSTEM "file:///etc/passwd">]>'


@pytest.fixture
def package(org, kinds, django_capture_on_commit_callbacks):
    doc = draft(org, kinds, urgency=Urgency.VERY_URGENT, signer_position="Phó Chủ tịch UBND quận")
    s.outgoing_submit_review(doc=doc, by=org.user("chuyenvien.tp"))
    s.outgoing_sign(pin=PIN, doc=doc, by=org.user("lanhdao.tx"))
    with django_capture_on_commit_callbacks(execute=True):
        s.outgoing_issue(
            doc=doc,
            by=org.user("vanthu.tx"),
            external=[s.ExternalRecipient("UBND phường Cầu Dền", "H26.05.01")],
        )
    doc.refresh_from_db()
    recipient = doc.recipients.get()
    with recipient.package.open("rb") as fh:
        return doc, fh.read()


def test_round_trip(org, package, settings):
    doc, data = package
    assert (settings.OUTBOX_DIR / "edxml").exists()
    assert NS.encode() in data
    copy = s.edxml_import(by=org.user("vanthu.nc"), unit=org.wards["00343"], data=data)
    assert copy.number_symbol == doc.number_symbol == "01/QĐ-UBND"
    assert copy.document_date == doc.signed_at.astimezone().date()
    assert copy.abstract == doc.abstract
    assert copy.signer_name == "Nguyễn Văn Hùng"
    assert copy.kind == doc.kind and copy.urgency == Urgency.VERY_URGENT
    assert copy.sender_unit == org.district and copy.sender_name == org.district.name
    with copy.attachments.get().file.open("rb") as a, doc.final_pdf.open("rb") as b:
        assert a.read() == b.read()


def _break(data: bytes, pattern: bytes, replacement: bytes) -> bytes:
    broken, n = re.subn(pattern, replacement, data, count=1)
    assert n == 1
    return broken


@pytest.mark.parametrize(
    "mutation, message",
    [
        (lambda d: d[: len(d) // 2], "không phải XML hợp lệ"),
        (lambda d: d.replace(NS.encode(), b"http://example.org/other"), "sai không gian tên"),
        (lambda d: _break(d, rb"<edXML:Subject>.*?</edXML:Subject>", b""), "Subject"),
        (lambda d: _break(d, rb"<edXML:From>.*?</edXML:From>", b""), "From/OrganId"),
        (
            lambda d: _break(
                d, rb"<edXML:CodeNumber>[^<]*</edXML:CodeNumber>", b"<edXML:CodeNumber />"
            ),
            "Code/CodeNumber",
        ),
        (
            lambda d: _break(
                d, rb"<edXML:PromulgationDate>[^<]*<", b"<edXML:PromulgationDate>26/11/2026<"
            ),
            "PromulgationDate",
        ),
        (
            lambda d: _break(d, rb"<edXML:Value>[^<]{10}", b"<edXML:Value>@@@not-b64!"),
            "Value không phải base64",
        ),
        (
            lambda d: _break(d, rb"<edXML:AttachmentEncoded>.*</edXML:AttachmentEncoded>", b""),
            "AttachmentEncoded",
        ),
        (
            lambda d: _break(
                d, rb"<edXML:Priority>\d</edXML:Priority>", b"<edXML:Priority>9</edXML:Priority>"
            ),
            "Priority",
        ),
        (lambda d: d.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "b">]>', 1), "DOCTYPE"),
        # Issue #11, finding 7: the old filter read only the first 64 KiB; a comment pushes the
        # declaration past it, and the parser expanded the entity.
        (
            lambda d: d.replace(b"?>", b"?>" + PAD + DOCTYPE_SUBJECT, 1).replace(
                b"<edXML:Subject>", b"<edXML:Subject>&a;", 1
            ),
            "DOCTYPE",
        ),
        (
            lambda d: d.replace(b"?>", b"?>" + PAD + LAUGHS, 1).replace(
                b"<edXML:Subject>", b"<edXML:Subject>&lol9;", 1
            ),
            "DOCTYPE",
        ),
        (
            lambda d: d.replace(b"?>", b"?>" + PAD + EXTERNAL, 1).replace(
                b"<edXML:Subject>", b"<edXML:Subject>&ext;", 1
            ),
            "DOCTYPE",
        ),
        (lambda d: d.replace(b"<edXML:Subject>", b"<edXML:Subject>&a;", 1), "không phải XML"),
    ],
)
def test_malformed_packages_import_nothing(org, package, mutation, message):
    _doc, data = package
    before = IncomingDocument.objects.count()
    with pytest.raises(ValidationError) as info:
        s.edxml_import(by=org.user("vanthu.nc"), unit=org.wards["00343"], data=mutation(data))
    assert message in " ".join(info.value.messages)
    assert IncomingDocument.objects.count() == before


def test_pdf_content_must_match_its_type(org, package):
    _doc, data = package
    fake = base64.b64encode(b"MZ this is not a pdf").decode()
    broken = re.sub(
        rb"<edXML:Value>[^<]*</edXML:Value>", f"<edXML:Value>{fake}</edXML:Value>".encode(), data
    )
    with pytest.raises(ValidationError, match="không đúng định dạng"):
        s.edxml_import(by=org.user("vanthu.nc"), unit=org.wards["00343"], data=broken)


def test_parse_reads_recipient(package):
    _doc, data = package
    assert parse_package(data).to == [("H26.05.01", "UBND phường Cầu Dền")]
