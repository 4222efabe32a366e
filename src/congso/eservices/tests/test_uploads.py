"""Attachments are judged by content: each bad upload gets a Vietnamese error."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.eservices.uploads import EICAR_SIGNATURE, PDF, safe_filename, validate_upload

from .factories import docx_bytes, pdf_bytes, png_bytes

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + EICAR_SIGNATURE + b"!$H+H*"


def up(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


@pytest.mark.parametrize("name,data,kind", [
    ("don.pdf", pdf_bytes(), "pdf"), ("anh.JPG", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"),
    ("anh.jpeg", b"\xff\xd8\xff\xdb" + b"0" * 20, "jpeg"), ("scan.png", png_bytes(), "png"),
    ("to-khai.docx", docx_bytes(), "docx"),
])
def test_allowed_kinds_pass(name, data, kind):
    assert validate_upload(up(name, data)).kind.code == kind


@pytest.mark.parametrize("name,data,code", [
    ("virus.pdf", b"MZ\x90\x00\x03 this is an exe", "type"),        # wrong type renamed to .pdf
    ("trang.pdf", b"", "empty"),
    ("chi-la-zip.docx", docx_bytes(real=False), "type"),             # a zip is not a Word file
    ("anh.pdf", png_bytes(), "extension"),                           # content and name disagree
    ("noext", pdf_bytes(), "extension"),
    ("script.html", b"<html><script>alert(1)</script>", "type"),
])
def test_bad_uploads_are_refused(name, data, code):
    with pytest.raises(ValidationError) as exc:
        validate_upload(up(name, data))
    assert exc.value.code == code
    assert name in exc.value.messages[0]  # the message names the file, in Vietnamese


def test_too_big(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        validate_upload(up("lon.pdf", pdf_bytes("x" * 2000)))
    assert exc.value.code == "too_big" and "quá lớn" in exc.value.messages[0]


def test_eicar_flagged_by_test_scanner(settings):
    data = pdf_bytes() + EICAR
    assert validate_upload(up("a.pdf", data))  # the default scanner is a no-op
    settings.CONGSO_VIRUS_SCANNER = "congso.eservices.uploads.EicarScanner"
    with pytest.raises(ValidationError) as exc:
        validate_upload(up("a.pdf", data))
    assert exc.value.code == "virus" and "mã độc" in exc.value.messages[0]


def test_filename_is_sanitised():
    assert safe_filename("../../etc/Giấy khai sinh (bản sao).PDF", PDF) == "giay-khai-sinh-ban-sao.pdf"
    assert safe_filename("C:\\Users\\x\\Đơn đề nghị.pdf", PDF) == "don-de-nghi.pdf"
    assert safe_filename("....pdf", PDF) == "tep.pdf"
