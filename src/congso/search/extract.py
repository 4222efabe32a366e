"""Text of attached files for the search index: the PDF text layer through pypdf, and OCR of
scans (images, or the images inside a PDF without a text layer) with Tesseract's Vietnamese
model, called as the ``tesseract`` binary so no Python binding is needed."""

from __future__ import annotations

import io
import logging
import shutil
import subprocess

from pypdf import PdfReader

log = logging.getLogger(__name__)

IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp")
MAX_OCR_IMAGES = 20


def tesseract_available() -> bool:
    """Whether OCR can run: the binary and its Vietnamese model are installed."""
    binary = shutil.which("tesseract")
    if not binary:
        return False
    try:
        out = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return "vie" in out.stdout.split()


def ocr_image(data: bytes) -> str:
    """Vietnamese OCR of one image; empty when Tesseract is missing or fails."""
    binary = shutil.which("tesseract")
    if not binary:
        return ""
    try:
        out = subprocess.run(
            [binary, "stdin", "stdout", "-l", "vie"],
            input=data,
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("OCR failed: %s", exc)
        return ""
    return out.stdout.decode("utf-8", "replace")


def pdf_text(data: bytes, *, ocr: bool = True) -> str:
    """The text layer of a PDF; pages without one are read by OCR from their images."""
    try:
        reader = PdfReader(io.BytesIO(data))
        parts: list[str] = []
        images = 0
        for page in reader.pages:
            text = (page.extract_text() or "").strip()
            if text:
                parts.append(text)
            elif ocr and images < MAX_OCR_IMAGES:
                for image in page.images:
                    images += 1
                    parts.append(ocr_image(image.data))
                    if images >= MAX_OCR_IMAGES:
                        break
        return "\n".join(parts)
    except Exception as exc:  # a broken file must not break registration
        log.warning("PDF text extraction failed: %s", exc)
        return ""


def file_text(name: str, data: bytes, *, ocr: bool = True) -> str:
    """Searchable text of an uploaded file, by its name's extension."""
    lower = name.lower()
    if lower.endswith(".pdf") or data[:5] == b"%PDF-":
        return pdf_text(data, ocr=ocr)
    if lower.endswith(IMAGE_TYPES):
        return ocr_image(data) if ocr else ""
    if lower.endswith(".txt"):
        return data.decode("utf-8", "replace")
    return ""
