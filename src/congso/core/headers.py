"""Security headers on every answer (issue #11, finding 11; ADR 0101).

- ``Content-Security-Policy``: HTML pages get ``settings.SECURE_CSP`` with a fresh nonce per
  request (``request.csp_nonce``, ``{{ csp_nonce }}`` in templates); there is no
  'unsafe-inline', so an injected ``<script>``, ``style=""`` or ``onclick=`` does not run.
  Other answers (JSON, files) get ``default-src 'none'``: nothing in them may load or run,
  and nothing may frame them. An answer that set its own policy keeps it (file downloads,
  ``congso.core.downloads``).
- ``Permissions-Policy``: the powerful browser features CongSo never uses are off.
- ``Cache-Control: no-store, private`` on every dynamic answer: pages and API answers carry
  personal data, the account menu or a CSRF token. A view may declare itself cacheable
  (``cache_control(public=True, …)``) for anonymous callers only; a signed-in caller's answer
  or one to an ``Authorization`` header is never stored.

The settings and the template variable are named as in Django 6.0's built-in CSP
(``SECURE_CSP``, ``csp_nonce``) so that the move to it is a change of middleware.
Static files are served by WhiteNoise ahead of this middleware and stay cacheable.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The placeholder in SECURE_CSP replaced by ``'nonce-<value>'`` (Django 6.0: ``CSP.NONCE``).
NONCE = "'nonce'"

DEFAULT_CSP: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'", NONCE],
    "style-src": ["'self'", NONCE],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Answers that are not pages: nothing may load, run or frame them.
NON_HTML_CSP = "default-src 'none'; frame-ancestors 'none'"

DEFAULT_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), serial=(), hid=()"
)


def build_policy(directives: Mapping[str, Sequence[str]], nonce: str) -> str:
    """The header value of a policy given as ``{directive: [sources]}``."""
    parts = []
    for name, sources in directives.items():
        values = [f"'nonce-{nonce}'" if s == NONCE else s for s in sources]
        parts.append(" ".join([name, *values]))
    return "; ".join(parts)


def _is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() in ("text/html", "")


def _signed_in(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False)) or "HTTP_AUTHORIZATION" in request.META


class SecurityHeadersMiddleware:
    """CSP with a per-request nonce, Permissions-Policy and no-store (see the module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            if _is_html(response):
                policy = build_policy(getattr(settings, "SECURE_CSP", DEFAULT_CSP), nonce)
            else:
                policy = NON_HTML_CSP
            response["Content-Security-Policy"] = policy
        permissions = getattr(settings, "PERMISSIONS_POLICY", DEFAULT_PERMISSIONS_POLICY)
        if permissions:
            response.setdefault("Permissions-Policy", permissions)
        response.setdefault("X-Content-Type-Options", "nosniff")
        if _signed_in(request) or "Cache-Control" not in response:
            response["Cache-Control"] = "no-store, private"
            if "Expires" in response:
                del response["Expires"]
        return response


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """Template context: ``csp_nonce`` for the rare inline ``<script nonce>``/``<style nonce>``."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
