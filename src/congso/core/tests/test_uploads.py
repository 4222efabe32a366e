"""The shared upload validator: files are judged by content; each bad upload gets a
Vietnamese error."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.core.uploads import EICAR_SIGNATURE, PDF, safe_filename, validate_upload


def pdf_bytes(text: str = "hello") -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + text.encode()


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes(real: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if real:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document/>")
        else:
            z.writestr("readme.txt", "just a zip")
    return buffer.getvalue()


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
    settings.CONGSO_VIRUS_SCANNER = "congso.core.uploads.EicarScanner"
    with pytest.raises(ValidationError) as exc:
        validate_upload(up("a.pdf", data))
    assert exc.value.code == "virus" and "mã độc" in exc.value.messages[0]


def test_filename_is_sanitised():
    assert safe_filename("../../etc/Giấy khai sinh (bản sao).PDF", PDF) == "giay-khai-sinh-ban-sao.pdf"
    assert safe_filename("C:\\Users\\x\\Đơn đề nghị.pdf", PDF) == "don-de-nghi.pdf"
    assert safe_filename("....pdf", PDF) == "tep.pdf"


def test_result_carries_hash_and_content_type():
    data = docx_bytes()
    checked = validate_upload(up("Tờ khai.docx", data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.content_type.endswith("wordprocessingml.document") and checked.extension == ".docx"
    assert checked.name == "to-khai.docx" and checked.size == len(data)
