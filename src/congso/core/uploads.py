"""The one upload validator of the project: size, type by content, extension agreement,
a storage-safe name, a content hash and a virus-scan hook.

Used for citizens' attachments (e-services drafts, supplement replies) and for the scans and
result files officers upload in the one-stop app, so a file accepted in one place is accepted
everywhere (PDF, JPEG, PNG, DOCX). The browser's content type and the file name are both chosen
by the sender, so the type is decided from the file's first bytes (its "magic"); the extension
must then agree with it.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from congso.search.normalize import fold

EICAR_SIGNATURE = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("pdf", "PDF", (".pdf",), "application/pdf")
JPEG = FileKind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg")
PNG = FileKind("png", "PNG", (".png",), "image/png")
DOCX = FileKind("docx", "DOCX", (".docx",),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ALLOWED_KINDS = (PDF, JPEG, PNG, DOCX)
ACCEPT_ATTR = ",".join(ext for kind in ALLOWED_KINDS for ext in kind.extensions)


class VirusScanner(Protocol):
    def scan(self, data: bytes, name: str) -> str | None:
        """Return the name of what was found, or None when the file is clean."""


class NoopScanner:
    """The default: no scanner installed (deployments point CONGSO_VIRUS_SCANNER at one)."""

    def scan(self, data: bytes, name: str) -> str | None:
        return None


class EicarScanner:
    """Flags the EICAR anti-virus test string: for tests and for checking a deployment's wiring."""

    def scan(self, data: bytes, name: str) -> str | None:
        return "EICAR-Test-File" if EICAR_SIGNATURE in data else None


def get_scanner() -> VirusScanner:
    path = getattr(settings, "CONGSO_VIRUS_SCANNER", "") or "congso.core.uploads.NoopScanner"
    scanner: VirusScanner = import_string(path)()
    return scanner


def sniff(head: bytes, data: IO[bytes] | None = None) -> FileKind | None:
    """The file's real kind from its content, or None if it is not one we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04") and data is not None:
        # Any ZIP starts like this; a Word document must carry its content-type map and body.
        try:
            data.seek(0)
            with zipfile.ZipFile(data) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            data.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def safe_filename(name: str, kind: FileKind) -> str:
    """A storage-safe name: no path, no diacritics or odd characters, the kind's extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = fold(unicodedata.normalize("NFC", stem))
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:80] or "tep"
    return stem + kind.extensions[0]


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # storage-safe name with the kind's extension
    kind: FileKind
    size: int
    sha256: str

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def extension(self) -> str:
        return self.kind.extensions[0]


def validate_upload(upload: Any) -> CheckedUpload:
    """Check one uploaded file (a Django UploadedFile); raise ValidationError in Vietnamese.

    Order matters: cheap checks first, the scanner last, on the whole content.
    """
    original = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng."), code="empty", params={"name": original})
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn: tối đa %(limit)s MB."), code="too_big",
            params={"name": original, "limit": round(limit / 1024 / 1024, 1)},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    stream = upload.file if hasattr(upload, "file") else upload
    kind = sniff(head, stream)
    if kind is None:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng cho phép (chỉ nhận PDF, JPEG, PNG, DOCX)."),
            code="type", params={"name": original},
        )
    ext = ("." + original.rsplit(".", 1)[-1].lower()) if "." in original else ""
    if ext not in kind.extensions:
        raise ValidationError(
            _("Phần mở rộng của tệp “%(name)s” không khớp với nội dung (nội dung là %(kind)s)."),
            code="extension", params={"name": original, "kind": kind.label},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    found = get_scanner().scan(data, original)
    if found:
        raise ValidationError(
            _("Tệp “%(name)s” bị từ chối vì phát hiện mã độc (%(found)s)."),
            code="virus", params={"name": original, "found": found},
        )
    return CheckedUpload(name=safe_filename(original, kind), kind=kind, size=size,
                         sha256=hashlib.sha256(data).hexdigest())
