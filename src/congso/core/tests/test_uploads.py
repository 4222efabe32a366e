"""The shared upload validator: files are judged by content; each bad upload gets a
Vietnamese error."""

from __future__ import annotations

import hashlib
import io
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from congso.core.uploads import (
    EICAR_SIGNATURE,
    PDF,
    SCAN_KINDS,
    TIFF,
    ScannerUnavailable,
    safe_filename,
    validate_content,
    validate_upload,
)


def pdf_bytes(text: str = "hello") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + text.encode()
    )


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


@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("don.pdf", pdf_bytes(), "pdf"),
        ("anh.JPG", b"\xff\xd8\xff\xe0" + b"0" * 20, "jpeg"),
        ("anh.jpeg", b"\xff\xd8\xff\xdb" + b"0" * 20, "jpeg"),
        ("scan.png", png_bytes(), "png"),
        ("to-khai.docx", docx_bytes(), "docx"),
    ],
)
def test_allowed_kinds_pass(name, data, kind):
    assert validate_upload(up(name, data)).kind.code == kind


@pytest.mark.parametrize(
    "name,data,code",
    [
        ("virus.pdf", b"MZ\x90\x00\x03 this is an exe", "type"),  # wrong type renamed to .pdf
        ("trang.pdf", b"", "empty"),
        ("chi-la-zip.docx", docx_bytes(real=False), "type"),  # a zip is not a Word file
        ("anh.pdf", png_bytes(), "extension"),  # content and name disagree
        ("noext", pdf_bytes(), "extension"),
        ("script.html", b"<html><script>alert(1)</script>", "type"),
    ],
)
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
    assert (
        safe_filename("../../etc/Giấy khai sinh (bản sao).PDF", PDF) == "giay-khai-sinh-ban-sao.pdf"
    )
    assert safe_filename("C:\\Users\\x\\Đơn đề nghị.pdf", PDF) == "don-de-nghi.pdf"
    assert safe_filename("....pdf", PDF) == "tep.pdf"


def test_result_carries_hash_and_content_type():
    data = docx_bytes()
    checked = validate_upload(up("Tờ khai.docx", data))
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert (
        checked.content_type.endswith("wordprocessingml.document") and checked.extension == ".docx"
    )
    assert checked.name == "to-khai.docx" and checked.size == len(data)


# --- active content (ADR 0100) -------------------------------------------------------------

TIFF_HEAD = b"II*\x00\x08\x00\x00\x00"


@pytest.mark.parametrize(
    "name,data",
    [
        ("scan.tif", TIFF_HEAD + b"<html><script>alert(document.cookie)</script></html>"),
        ("scan.tiff", b"MM\x00*" + b"\x00" * 100 + b"<!DOCTYPE html><p>x"),
        ("anh.png", png_bytes() + b"<SCRIPT src=//evil.example/x.js></SCRIPT>"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 500 + b"<iframe src=x>"),
        ("don.pdf", pdf_bytes() + b"<html><body onload=alert(1)>"),
    ],
)
def test_html_behind_a_binary_header_is_refused(name, data):
    with pytest.raises(ValidationError) as exc:
        validate_content(name, data, kinds=SCAN_KINDS)
    assert exc.value.code == "html" and "mã HTML" in exc.value.messages[0]


def test_tiff_only_where_scans_are_taken():
    data = TIFF_HEAD + b"\x00" * 64
    assert validate_content("scan.tif", data, kinds=SCAN_KINDS).kind is TIFF
    with pytest.raises(ValidationError) as exc:
        validate_content("scan.tif", data)  # citizens' attachments: PDF, JPEG, PNG, DOCX
    assert exc.value.code == "type" and "PDF, JPEG, PNG, DOCX" in exc.value.messages[0]


def test_markup_deep_inside_is_not_looked_for():
    # Compressed image data is random bytes; only the first 64 KiB (what sniffers read) count.
    assert validate_content("anh.png", png_bytes() + b"\x00" * (70 * 1024) + b"<html>")


def _pdf_with(objects: bytes) -> bytes:
    return b"%PDF-1.7\n" + objects + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _object_stream(body: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    packed = zlib.compress(body) if filters == b"/FlateDecode" else body.hex().encode()
    return (
        b"5 0 obj\n<</Type/ObjStm/N 1/First 4/Filter "
        + filters
        + b"/Length "
        + str(len(packed)).encode()
        + b">>\nstream\n"
        + packed
        + b"\nendstream\nendobj\n"
    )


@pytest.mark.parametrize(
    "data,what",
    [
        (
            _pdf_with(
                b"1 0 obj<</Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj"
            ),
            "JavaScript",
        ),
        (
            _pdf_with(b"1 0 obj<</Type/Catalog/OpenAction<</S/J#61va#53cript/JS(x)>>>>endobj"),
            "JavaScript",
        ),
        (_pdf_with(b"1 0 obj<</Type/Catalog/OpenAction<</S/Launch/F(cmd.exe)>>>>endobj"), "Launch"),
        (
            _pdf_with(b"1 0 obj<</Type/Catalog/AcroForm 2 0 R>>endobj 2 0 obj<</XFA 3 0 R>>endobj"),
            "XFA",
        ),
        # The action hidden in a compressed object stream, as PDF 1.5+ writers store objects.
        (
            _pdf_with(
                b"1 0 obj<</Type/Catalog/OpenAction 6 0 R>>endobj\n"
                + _object_stream(b"6 0 <</S/JavaScript/JS(app.launchURL('https://x'))>>")
            ),
            "JavaScript",
        ),
    ],
)
def test_pdf_with_active_content_is_refused(data, what):
    with pytest.raises(ValidationError) as exc:
        validate_content("don.pdf", data)
    assert exc.value.code == "pdf_active" and what in exc.value.messages[0]


def test_pdf_object_stream_we_cannot_read_is_refused():
    data = _pdf_with(
        b"1 0 obj<</Type/Catalog>>endobj\n" + _object_stream(b"6 0 <<>>", b"/ASCIIHexDecode")
    )
    with pytest.raises(ValidationError) as exc:
        validate_content("don.pdf", data)
    assert exc.value.code == "pdf_complex"


def test_real_pdfs_pass():
    from congso.core import pdf

    generated = pdf.build([pdf.p("Đơn đề nghị cấp giấy khai sinh")], title="Đơn")
    assert validate_content("don.pdf", generated).kind is PDF
    # Image data may hold "/JS" or "/XFA" by chance: only objects are read for the short names.
    image = (
        b"4 0 obj<</Type/XObject/Subtype/Image/Filter/DCTDecode/Length 12>>\nstream\n"
        b"\xff\xd8/XFA)/JS \xff\xd9\nendstream\nendobj"
    )
    assert validate_content("scan.pdf", _pdf_with(b"1 0 obj<</Type/Catalog>>endobj\n" + image))


def test_scanner_without_an_answer_refuses(settings):
    settings.CONGSO_VIRUS_SCANNER = "congso.core.tests.test_uploads.DownScanner"
    with pytest.raises(ValidationError) as exc:
        validate_upload(up("a.pdf", pdf_bytes()))
    assert exc.value.code == "scanner"


class DownScanner:
    def scan(self, data: bytes, name: str) -> str | None:
        raise ScannerUnavailable("down")
