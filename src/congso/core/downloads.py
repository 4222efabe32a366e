"""Every file CongSo sends to a browser goes out through here (issue #11, finding 9; ADR 0102).

An uploaded file is the sender's content on CongSo's origin: served inline as HTML, SVG or a
PDF with scripts it would run with the officer's session. So:

- PDFs and images viewed in the browser are inline under a sandboxing policy
  (``sandbox; default-src 'none'``: no script, a unique origin, nothing loaded; Chromium's PDF
  viewer still shows the document, tests/test_csp_browser.py);
- everything else is an attachment (the browser saves it, it never renders on our origin), with
  the content type the validator decided, never the one the sender claimed;
- always ``X-Content-Type-Options: nosniff`` and ``Cache-Control: no-store, private``.

A stored file is given as its ``FieldFile``: streamed by the app (opened here), or with
``FILE_DOWNLOADS=signed`` on S3 storage a redirect to a signed URL of the private bucket that
lives ``FILE_URL_SECONDS`` and makes the store answer with the same disposition and type
(ADR 0084). Either way only after the view's permission check.

Files CongSo builds itself (receipts, forms, registers, exports) use ``generated_response``:
inline or attachment as the caller asks, with nosniff and no-store, under the non-HTML policy
of ``congso.core.headers``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"

# Content types shown in the browser (under the sandbox); anything else downloads.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _secure(response: HttpResponseBase) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"


def _signs_urls(storage: Any) -> bool:
    """Storage that hands out signed, expiring URLs (django-storages' S3 backend)."""
    return bool(getattr(storage, "querystring_auth", False)) and hasattr(storage, "bucket_name")


def file_response(
    handle: Any,
    *,
    filename: str,
    content_type: str = "application/octet-stream",
    inline: bool = False,
) -> HttpResponseBase:
    """An uploaded (untrusted) file: inline only for PDFs and images, under the sandbox;
    otherwise an attachment. ``handle``: a stored file (``FieldFile``) or an open file."""
    show = inline and content_type in INLINE_TYPES
    storage = getattr(handle, "storage", None)
    if storage is not None and settings.FILE_DOWNLOADS == "signed" and _signs_urls(storage):
        url = storage.url(
            handle.name,
            parameters={
                "ResponseContentDisposition": content_disposition_header(not show, filename)
                or "attachment",
                "ResponseContentType": content_type,
            },
            expire=settings.FILE_URL_SECONDS,
        )
        redirect = HttpResponseRedirect(url)
        redirect["Referrer-Policy"] = "no-referrer"
        _secure(redirect)
        return redirect
    if storage is not None:
        handle = handle.open("rb")
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
