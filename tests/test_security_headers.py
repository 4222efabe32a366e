"""Security headers (issue #11, finding 11; downloads of finding 9; ADR 0101, 0102).

Every HTML page carries a nonce-based Content-Security-Policy without 'unsafe-inline', a
Permissions-Policy, Referrer-Policy and nosniff; answers to a signed-in user or an API call
are ``no-store``; every uploaded file goes out through ``congso.core.downloads`` as an
attachment or, viewed in the browser, under a sandboxing policy. Templates hold no inline
style, script or event handler without the nonce (a nonce cannot cover an attribute).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from congso.dossiers import services as s
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import local, offered_procedure

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "congso"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def _policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy", "")
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def _nonce(response) -> str:
    match = re.search(r"'nonce-([A-Za-z0-9+/=_-]+)'", response.get("Content-Security-Policy", ""))
    assert match, response.get("Content-Security-Policy")
    return match.group(1)


def test_page_has_nonce_csp_without_unsafe_inline(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    policy = _policy(response)
    nonce = _nonce(response)
    for directive in ("script-src", "style-src"):
        assert f"'nonce-{nonce}'" in policy[directive]
        assert "'unsafe-inline'" not in policy[directive]
        assert "'unsafe-eval'" not in policy[directive]
        assert "*" not in policy[directive]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"][0] == "'self'"
    # A fresh nonce for every answer.
    assert _nonce(client.get(reverse("accounts:login"))) != nonce
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in permissions
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    # htmx is told not to inject its indicator <style> (blocked by the policy otherwise).
    html = response.content.decode()
    assert '"includeIndicatorStyles":false' in html.replace(" ", "")


def test_signed_in_pages_and_api_answers_are_not_stored(client, demo_org):
    client.force_login(demo_org.user("motcua.tx"))
    for url in (reverse("dossiers:queue"), "/api/v1/dossiers/"):
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url
    # An API answer has the policy too (nothing in it may run or be framed).
    assert _policy(response)["default-src"] == ["'none'"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_anonymous_lookup_answer_is_not_stored(client):
    # The public lookup answers with a dossier's status and the applicant's masked name.
    response = client.get(reverse("dossiers:lookup"))
    assert "no-store" in response["Cache-Control"]


def test_dossier_attachment_downloads_under_sandbox(client, demo_org):
    version = offered_procedure(demo_org.desk)
    dossier = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=version,
        applicant=person(),
        papers=all_papers(version),
        attachments=[SimpleUploadedFile("to-khai.pdf", PDF_BYTES, "application/pdf")],
        at=local(2026, 3, 2, 9),
    )
    att = dossier.attachments.get()
    client.force_login(demo_org.user("motcua.tx"))
    response = client.get(reverse("dossiers:attachment", args=[dossier.code, att.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    disposition = response["Content-Disposition"]
    policy = _policy(response)
    assert disposition.startswith("inline")  # a PDF scan is viewed in the browser
    if disposition.startswith("inline"):
        assert "sandbox" in policy and policy["sandbox"] == []
        assert policy["default-src"] == ["'none'"]
        assert "script-src" not in policy
    else:
        assert disposition.startswith("attachment")


def test_every_file_answer_goes_through_the_download_helper():
    """FileResponse and hand-written Content-Disposition only in congso.core.downloads."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or path.name == "downloads.py":
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"\bFileResponse\b|Content-Disposition", text):
            offenders.append(str(path.relative_to(SRC)))
    assert offenders == []


INLINE_PATTERNS = {
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "<style> without the nonce": re.compile(r"<style(?![^>]*nonce=)[^>]*>", re.I),
    "inline <script> without the nonce": re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*nonce=)(?![^>]*type=\"application/json\")[^>]*>", re.I
    ),
}


def test_templates_hold_nothing_inline_the_policy_would_block():
    found = []
    for path in SRC.rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE_PATTERNS.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(SRC)}:{line}: {what}")
    assert found == []


def test_check_deploy_warns_without_the_headers_middleware(settings, capsys):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "SecurityHeaders" not in m]
    from congso.core.checks import security_headers

    ids = [m.id for m in security_headers()]
    assert "congso.W101" in ids
    settings.SECURE_CSP = {**settings.SECURE_CSP, "script-src": ["'self'", "'unsafe-inline'"]}
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "congso.core.headers.SecurityHeadersMiddleware"]
    ids = [m.id for m in security_headers()]
    assert ids == ["congso.W102"]


def test_check_deploy_is_quiet_on_the_shipped_headers():
    from congso.core.checks import security_headers

    assert security_headers() == []
    call_command("check", deploy=True, tags=["security"], fail_level="CRITICAL")


def test_api_docs_use_the_vendored_swagger_ui_under_the_page_policy(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower() and "https://" not in html
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    policy = _policy(response)
    assert "'unsafe-inline'" not in policy["script-src"]
    for what, pattern in INLINE_PATTERNS.items():
        assert not pattern.search(html), what
