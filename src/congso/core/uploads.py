"""The one upload validator of the project: size, type by content, extension agreement,
active content (HTML behind an image header, PDF scripts), a storage-safe name, a content
hash and the virus scanner (ADR 0036, ADR 0100).

Every upload goes through it: citizens' attachments (e-services drafts, supplement replies),
the scans and result files officers upload in the one-stop app, and the scans, drafts and
signed PDFs of the documents app. The browser's content type and the file name are both chosen
by the sender, so the type is decided from the file's first bytes (its "magic"); the extension
must then agree with it. Each caller names the kinds it accepts (``kinds=``).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from congso.search.normalize import fold

from .models import UploadDay

EICAR_SIGNATURE = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    extensions: tuple[str, ...]
    content_type: str
    binary: bool = True  # judged by its magic bytes; HTML in its first bytes is refused


PDF = FileKind("pdf", "PDF", (".pdf",), "application/pdf")
JPEG = FileKind("jpeg", "JPEG", (".jpg", ".jpeg"), "image/jpeg")
PNG = FileKind("png", "PNG", (".png",), "image/png")
TIFF = FileKind("tiff", "TIFF", (".tif", ".tiff"), "image/tiff")
DOCX = FileKind(
    "docx",
    "DOCX",
    (".docx",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    binary=False,
)
XLSX = FileKind(
    "xlsx",
    "XLSX",
    (".xlsx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    binary=False,
)
ODT = FileKind("odt", "ODT", (".odt",), "application/vnd.oasis.opendocument.text", binary=False)
ODS = FileKind(
    "ods", "ODS", (".ods",), "application/vnd.oasis.opendocument.spreadsheet", binary=False
)
WEBP = FileKind("webp", "WebP", (".webp",), "image/webp")
# What the portal's editors may publish through the Wagtail admin (documents, images).
PORTAL_DOCUMENT_KINDS = (PDF, DOCX, XLSX, ODT, ODS)
PORTAL_IMAGE_KINDS = (JPEG, PNG, WEBP)
# What citizens and the one-stop desk may attach (papers of a dossier, results).
ALLOWED_KINDS = (PDF, JPEG, PNG, DOCX)
# Scans of incoming paper documents (office scanners often write TIFF).
SCAN_KINDS = (PDF, JPEG, PNG, TIFF)
# Drafts of outgoing documents; the signed original is a PDF.
DRAFT_KINDS = (PDF, DOCX)
SIGNED_KINDS = (PDF,)
KINDS = {kind.code: kind for kind in (PDF, JPEG, PNG, TIFF, DOCX, XLSX, ODT, ODS, WEBP)}
ACCEPT_ATTR = ",".join(ext for kind in ALLOWED_KINDS for ext in kind.extensions)


def accept_attr(kinds: Sequence[FileKind]) -> str:
    """The ``accept`` attribute of a file input for these kinds."""
    return ",".join(ext for kind in kinds for ext in kind.extensions)


class ScannerUnavailable(Exception):
    """The virus scanner could not give an answer (daemon down, timeout, error reply)."""


class VirusScanner(Protocol):
    def scan(self, data: bytes, name: str) -> str | None:
        """Return the name of what was found, or None when the file is clean; raise
        ScannerUnavailable when no answer could be had (the upload is then refused)."""


class NoopScanner:
    """No scanner installed: accepts everything. The default for development; `check --deploy`
    warns about it (congso.W100). Production points CONGSO_VIRUS_SCANNER at
    ``congso.core.clamd.ClamdScanner``."""

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
    """The file's real kind from its content, or None if it is not one we know."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04") and data is not None:
        # Any ZIP starts like this; a Word document must carry its content-type map and body.
        # An OpenDocument file names its type in a first, stored member called "mimetype".
        try:
            data.seek(0)
            with zipfile.ZipFile(data) as archive:
                names = set(archive.namelist())
                mimetype = b""
                if "mimetype" in names:
                    with archive.open("mimetype") as member:
                        mimetype = member.read(100)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, zlib.error):
            return None
        finally:
            data.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return XLSX
        for kind in (ODT, ODS):
            if mimetype == kind.content_type.encode() and "content.xml" in names:
                return kind
    return None


# --- active content (ADR 0100) ----------------------------------------------------------------
# A browser that sniffs (no nosniff, an old viewer, a file saved and opened locally as .html)
# decides "HTML" from the first bytes, so markup there behind an image or PDF header is the
# polyglot trick. Real scans, photos and PDFs never carry these tags in their first 64 KiB
# (PDF text is in compressed streams; XMP metadata is RDF, not HTML). The window is bounded so
# random bytes of compressed image data cannot trip it (≈ 10⁻⁶ per file at 64 KiB).
HTML_WINDOW = 64 * 1024
HTML_MARKERS = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|object|embed|meta\s+http-equiv)[\s>/]",
    re.IGNORECASE,
)

# PDF names that make a document act on its own when opened: JavaScript (every script action
# is "/S /JavaScript", document scripts sit in the "/JavaScript" name tree), launching programs,
# rich media (Flash/3D with scripts) and XFA forms (which carry scripts).
PDF_ACTIVE_NAMES = frozenset({b"JavaScript", b"Launch", b"RichMedia", b"XFA"})
# Names short enough to occur by chance in compressed binary data (a 20 MB scan holds "/XFA)"
# about once in 3,000 files) are looked for only where objects live: outside streams and inside
# object streams. The long ones are looked for everywhere.
PDF_SHORT_NAMES = frozenset({b"XFA"})
PDF_NAME = re.compile(rb"/([^\s/\[\]<>(){}%]+)")
PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
PDF_UNREADABLE_FILTERS = frozenset(
    {
        b"ASCIIHexDecode",
        b"ASCII85Decode",
        b"LZWDecode",
        b"RunLengthDecode",
        b"Crypt",
        b"AHx",
        b"A85",
        b"LZW",
        b"RL",
    }
)
# Inflated bytes of object streams examined per PDF, beyond which it is refused as too complex
# to check; real documents stay far below it.
PDF_INFLATE_BUDGET = 64 * 1024 * 1024


def _pdf_names(chunk: bytes) -> set[bytes]:
    names = set()
    for raw in PDF_NAME.findall(chunk):
        # "/J#61vaScript" is "/JavaScript": names may spell any byte as #xx.
        names.add(
            PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw) if b"#" in raw else raw
        )
    return names


class _TooComplex(Exception):
    pass


def pdf_active_content(data: bytes) -> set[bytes]:
    """The active-content names (JavaScript, Launch …) of a PDF, in its plain objects and in its
    object streams, which hide whole dictionaries behind Flate compression. Raises _TooComplex
    for an object stream it cannot read (encrypted, exotic filters) or too much to inflate."""
    found = _pdf_names(data) & (PDF_ACTIVE_NAMES - PDF_SHORT_NAMES)
    budget = PDF_INFLATE_BUDGET
    plain: list[bytes] = []
    pos = 0
    for match in PDF_STREAM_START.finditer(data):
        if match.start() < pos:
            continue  # the word inside a stream we already stepped over
        plain.append(data[pos : match.start()])
        end = data.find(b"endstream", match.end())
        end = len(data) if end < 0 else end
        window = data[max(0, match.start() - 4096) : match.start()]
        header = window[window.rfind(b"obj") + 1 :] if b"obj" in window else window
        names = _pdf_names(header)
        if b"ObjStm" in names:
            if names & PDF_UNREADABLE_FILTERS:
                raise _TooComplex
            body = data[match.end() : end]
            if b"FlateDecode" in names or b"Fl" in names:
                try:
                    body = zlib.decompressobj().decompress(body, budget + 1)
                except zlib.error:
                    raise _TooComplex from None
                budget -= len(body)
                if budget < 0:
                    raise _TooComplex
            found |= _pdf_names(body) & PDF_ACTIVE_NAMES
        pos = end
    plain.append(data[pos:])
    found |= _pdf_names(b"".join(plain)) & PDF_ACTIVE_NAMES
    return found


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


def safe_filename(name: str, kind: FileKind) -> str:
    """A storage-safe name: no path, no diacritics or odd characters, the kind's extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = fold(unicodedata.normalize("NFC", stem))
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:80] or "tep"
    return stem + kind.extensions[0]


def _kinds_label(kinds: Sequence[FileKind]) -> str:
    return ", ".join(kind.label for kind in kinds)


def validate_upload(upload: Any, *, kinds: Sequence[FileKind] = ALLOWED_KINDS) -> CheckedUpload:
    """Check one uploaded file (a Django UploadedFile or any file object with a name); raise
    ValidationError in Vietnamese. The file is read whole (it is at most UPLOAD_MAX_BYTES)."""
    original = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    _check_size(original, size)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return validate_content(original, data, kinds=kinds)


@deconstructible
class UploadValidator:
    """``validate_upload`` as a model field validator, for files uploaded through forms this
    project does not write itself — the admin (/quan-tri/), ModelForms (issue #11, finding 9).
    A file already stored (committed) was checked when it came in and is not read again."""

    def __init__(self, kinds: Sequence[str] = ("pdf", "docx")) -> None:
        # Kind codes, not FileKind objects: they go into migrations.
        self.kinds = tuple(kinds)

    def __call__(self, value: Any) -> None:
        if not value or getattr(value, "_committed", True):
            return
        upload = getattr(value, "file", value)
        if getattr(upload, "name", None) is None:
            upload.name = value.name
        validate_upload(upload, kinds=[KINDS[code] for code in self.kinds])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, UploadValidator) and other.kinds == self.kinds

    def __hash__(self) -> int:
        return hash(self.kinds)


def _check_size(original: str, size: int) -> None:
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng."), code="empty", params={"name": original})
    limit = settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn: tối đa %(limit)s MB."),
            code="too_big",
            params={"name": original, "limit": round(limit / 1024 / 1024, 1)},
        )


def validate_content(
    original: str, data: bytes, *, kinds: Sequence[FileKind] = ALLOWED_KINDS
) -> CheckedUpload:
    """Check a file given as its name and bytes (edXML attachments, files built in memory).

    Order matters: cheap checks first, the scanner last, on the whole content.
    """
    _check_size(original, len(data))
    kind = sniff(data[:16], io.BytesIO(data))
    if kind is None or kind not in kinds:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng cho phép (chỉ nhận %(kinds)s)."),
            code="type",
            params={"name": original, "kinds": _kinds_label(kinds)},
        )
    ext = ("." + original.rsplit(".", 1)[-1].lower()) if "." in original else ""
    if ext not in kind.extensions:
        raise ValidationError(
            _("Phần mở rộng của tệp “%(name)s” không khớp với nội dung (nội dung là %(kind)s)."),
            code="extension",
            params={"name": original, "kind": kind.label},
        )
    if kind.binary and HTML_MARKERS.search(data, 0, HTML_WINDOW):
        raise ValidationError(
            _("Tệp “%(name)s” bị từ chối: có mã HTML hoặc mã lệnh ẩn sau phần đầu tệp %(kind)s."),
            code="html",
            params={"name": original, "kind": kind.label},
        )
    if kind is PDF:
        try:
            active = pdf_active_content(data)
        except _TooComplex:
            raise ValidationError(
                _(
                    "Tệp “%(name)s” không kiểm tra an toàn được (PDF có mã hoá hoặc cấu trúc quá phức "
                    "tạp); hãy in lại ra PDF thông thường hoặc quét lại bản giấy."
                ),
                code="pdf_complex",
                params={"name": original},
            ) from None
        if active:
            raise ValidationError(
                _(
                    "Tệp “%(name)s” bị từ chối: tệp PDF chứa mã lệnh tự chạy (%(what)s). Hãy in lại "
                    "ra PDF thông thường hoặc quét lại bản giấy."
                ),
                code="pdf_active",
                params={"name": original, "what": ", ".join(sorted(n.decode() for n in active))},
            )
    try:
        found = get_scanner().scan(data, original)
    except ScannerUnavailable:
        raise ValidationError(
            _(
                "Chưa kiểm tra được mã độc cho tệp “%(name)s” (dịch vụ quét không phản hồi). "
                "Vui lòng thử lại sau ít phút."
            ),
            code="scanner",
            params={"name": original},
        ) from None
    if found:
        raise ValidationError(
            _("Tệp “%(name)s” bị từ chối vì phát hiện mã độc (%(found)s)."),
            code="virus",
            params={"name": original, "found": found},
        )
    return CheckedUpload(
        name=safe_filename(original, kind),
        kind=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


# --- per-user quota (issue #11, finding 9; ADR 0104) -------------------------------------------


@dataclass(frozen=True)
class Quota:
    max_bytes: int  # 0 = no limit
    max_files: int  # 0 = no limit


def quota_for(user: Any) -> Quota:
    """The daily allowance of an account: officers scan all day at the desk; citizens and
    organisations send a few dossiers (settings CONGSO_UPLOAD_DAILY_*)."""
    mib = 1024 * 1024
    if getattr(user, "is_officer", False):
        return Quota(
            settings.CONGSO_UPLOAD_DAILY_MB_STAFF * mib, settings.CONGSO_UPLOAD_DAILY_FILES_STAFF
        )
    return Quota(
        settings.CONGSO_UPLOAD_DAILY_MB_CITIZEN * mib, settings.CONGSO_UPLOAD_DAILY_FILES_CITIZEN
    )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def charge_upload_quota(user: Any, sizes: Sequence[int]) -> None:
    """Count a batch of checked files (their sizes) against ``user``'s allowance for today, all
    or none;
    raise ValidationError (nothing counted) when the batch does not fit. One conditional
    UPDATE, so two requests at once cannot both take the last bytes. Inside the caller's
    transaction the charge is given back if the operation rolls back. No user (a system
    delivery, a management command) is not counted."""
    if not sizes or user is None or not getattr(user, "is_authenticated", False):
        return
    quota = quota_for(user)
    size, count = sum(sizes), len(sizes)
    day = timezone.localdate()
    with transaction.atomic():
        UploadDay.objects.get_or_create(user=user, day=day)
        rows = UploadDay.objects.filter(user=user, day=day)
        if quota.max_bytes:
            rows = rows.filter(size__lte=quota.max_bytes - size)
        if quota.max_files:
            rows = rows.filter(files__lte=quota.max_files - count)
        if rows.update(size=F("size") + size, files=F("files") + count):
            return
    used = UploadDay.objects.get(user=user, day=day)
    raise ValidationError(
        _(
            "Vượt hạn mức tải tệp trong ngày: hôm nay tài khoản đã tải %(files)s tệp "
            "(%(used)s MB); mỗi ngày được tối đa %(max_files)s tệp và %(max_mb)s MB, lần này "
            "thêm %(count)s tệp (%(size)s MB). Chưa tệp nào được lưu; vui lòng thử lại vào "
            "ngày mai hoặc bớt tệp."
        ),
        code="quota",
        params={
            "files": used.files,
            "used": _mb(used.size),
            "max_files": quota.max_files or "∞",
            "max_mb": _mb(quota.max_bytes) if quota.max_bytes else "∞",
            "count": count,
            "size": _mb(size),
        },
    )


def validate_uploads(
    files: Sequence[Any], *, uploader: Any, kinds: Sequence[FileKind] = ALLOWED_KINDS
) -> list[CheckedUpload]:
    """Check every file (``validate_upload``), then charge the batch to ``uploader``'s daily
    quota: the entry point for a service receiving files from a person."""
    checked = [validate_upload(f, kinds=kinds) for f in files]
    charge_upload_quota(uploader, [c.size for c in checked])
    return checked
