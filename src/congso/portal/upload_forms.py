"""The Wagtail admin's upload forms through the project's one upload validator (ADR 0036,
0100, 0109): a portal document or image is judged by its content (type by magic bytes, the
extension agreeing, HTML behind a binary header, scripted PDFs, the virus scanner) before
Wagtail stores it — the form's own check looks only at the extension. Set as
``WAGTAILDOCS_DOCUMENT_FORM_BASE`` and ``WAGTAILIMAGES_IMAGE_FORM_BASE``, so the single,
multiple and chooser uploads all use them."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from congso.core.uploads import PORTAL_DOCUMENT_KINDS, PORTAL_IMAGE_KINDS, FileKind, validate_upload


def _checked(value: Any, kinds: tuple[FileKind, ...]) -> Any:
    if isinstance(value, UploadedFile):  # a new file; an unchanged one was checked before
        validate_upload(value, kinds=kinds)
        value.seek(0)
    return value


class CheckedDocumentForm(BaseDocumentForm):  # type: ignore[misc]
    def clean_file(self) -> Any:
        return _checked(self.cleaned_data.get("file"), PORTAL_DOCUMENT_KINDS)


class CheckedImageForm(BaseImageForm):  # type: ignore[misc]
    def clean_file(self) -> Any:
        return _checked(self.cleaned_data.get("file"), PORTAL_IMAGE_KINDS)
