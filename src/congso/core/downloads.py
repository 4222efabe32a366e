"""Every file CongSo sends to a browser goes out through here (issue #11, finding 9; ADR 0102).

An uploaded file is the sender's content on CongSo's origin: served inline as HTML, SVG or a
PDF with scripts it would run with the officer's session. So:

- images viewed in the browser (JPEG, PNG) are inline under a sandboxing policy
  (``sandbox; default-src 'none'``: no script, no plug-in, a unique origin, nothing loaded);
- everything else, PDFs included, is an attachment (the browser saves it, it never renders on
  our origin), with the content type the validator decided, never the one the sender claimed;
- always ``X-Content-Type-Options: nosniff`` and ``Cache-Control: no-store, private``.

Files CongSo builds itself (receipts, forms, registers, exports) use ``generated_response``:
inline or attachment as the caller asks, with nosniff and no-store, under the non-HTML policy
of ``congso.core.headers``.
"""

from __future__ import annotations

from typing import IO

from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

# Content types a browser shows by itself without running anything from the file.
INLINE_TYPES = {"image/jpeg", "image/png"}


def _secure(response: HttpResponseBase) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"


def file_response(
    handle: IO[bytes],
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    inline: bool = False,
) -> FileResponse:
    """An uploaded (untrusted) file: inline only for images, under the sandbox; otherwise an
    attachment."""
    show = inline and content_type in INLINE_TYPES
    response = FileResponse(
        handle, as_attachment=not show, filename=filename, content_type=content_type
    )
    if show:
        response["Content-Security-Policy"] = SANDBOX_CSP
    _secure(response)
    return response


def generated_response(
    data: bytes, *, filename: str, content_type: str, inline: bool = False
) -> HttpResponse:
    """A file CongSo built (PDF receipt or form, XLSX register or export)."""
    response = HttpResponse(data, content_type=content_type)
    # Quoted, and RFC 5987-encoded for non-ASCII names, as FileResponse does.
    response["Content-Disposition"] = content_disposition_header(not inline, filename) or ""
    _secure(response)
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
