"""Checks on scanned attachments: size, and the type sniffed from the first bytes (the file
name and the browser's content type are not trusted)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAGIC = [
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
]


def sniff(upload: UploadedFile) -> tuple[str, str, str]:
    """Validate one upload; return (content type, extension, sha256)."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("Tệp “%(name)s” rỗng.") % {"name": upload.name})
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(_("Tệp “%(name)s” vượt quá dung lượng cho phép (%(mb)s MB).")
                              % {"name": upload.name, "mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024)})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, ext in MAGIC:
        if head.startswith(magic):
            digest = hashlib.sha256()
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
            return content_type, ext, digest.hexdigest()
    raise ValidationError(_("Tệp “%(name)s” không phải PDF, JPEG hoặc PNG.") % {"name": upload.name})
