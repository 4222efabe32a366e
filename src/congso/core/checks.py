"""Deployment checks (``manage.py check --deploy``): development conveniences that must never
reach production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning

SANDBOX_SECRET = "sandbox-secret-not-for-production"  # noqa: S105 - the known value we refuse


@register(Tags.security, deploy=True)
def production_secrets(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if getattr(settings, "CONGSO_PAYMENT_SECRET", "") in ("", SANDBOX_SECRET):
        errors.append(
            Error(
                "CONGSO_PAYMENT_SECRET is the public sandbox value: anyone could forge payment confirmations.",
                hint="Set CONGSO_PAYMENT_SECRET to the merchant secret issued by the payment gateway.",
                id="congso.E001",
            )
        )
    if getattr(settings, "CONGSO_PAYMENT_SANDBOX", False):
        errors.append(
            Error(
                "The local payment sandbox (/sandbox-thanh-toan/) is enabled.",
                hint="Unset CONGSO_PAYMENT_SANDBOX in production.",
                id="congso.E002",
            )
        )
    if getattr(settings, "CONGSO_EID_TEST_PROVIDER", False):
        errors.append(
            Error(
                "The local test e-ID provider (/eid-thu-nghiem/) is enabled.",
                hint="Unset CONGSO_EID_TEST_PROVIDER in production.",
                id="congso.E003",
            )
        )
    return errors


def _demo_usernames() -> list[str]:
    from congso.eservices.demo import EMAIL
    from congso.org.demo import STAFF

    return [row[0] for row in STAFF] + [EMAIL]


@register(Tags.security, deploy=True)
def demo_accounts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Accounts ``demo_load`` creates: an error while one still has the published demo password
    (anyone can log in as it, ``quantri`` is a superuser), a warning while the names exist."""
    from django.contrib.auth import get_user_model
    from django.db import DatabaseError

    from congso.org.demo import DEMO_PASSWORD

    try:
        users = list(
            get_user_model().objects.filter(username__in=_demo_usernames()).order_by("username")
        )
    except DatabaseError:  # not migrated yet: there are no accounts to report
        return []
    if not users:
        return []
    known = [user.username for user in users if user.check_password(DEMO_PASSWORD)]
    messages: list[CheckMessage] = []
    if known:
        messages.append(
            Error(
                f"Demo accounts with the published demo password exist: {', '.join(known)}.",
                hint="Delete them (or at least change their passwords); demo data is never loaded in production.",
                id="congso.E010",
            )
        )
    renamed = [user.username for user in users if user.username not in known]
    if renamed:
        messages.append(
            CheckWarning(
                f"Accounts with the demo usernames exist: {', '.join(renamed)}.",
                hint="Delete the demo accounts on a production server; their names are public.",
                id="congso.W010",
            )
        )
    return messages


# --- sec-web (ADR 0100, 0101): uploads scanner and security headers ------------------------
NOOP_SCANNERS = {"", "congso.core.uploads.NoopScanner", "congso.core.uploads.EicarScanner"}


@register(Tags.security, deploy=True)
def upload_scanner(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """Warn while uploads are not scanned for malware (the default no-op or the test scanner)."""
    path = getattr(settings, "CONGSO_VIRUS_SCANNER", "") or ""
    if path in NOOP_SCANNERS:
        return [
            CheckWarning(
                f"Uploaded files are not scanned for malware (CONGSO_VIRUS_SCANNER={path or 'unset'}).",
                hint="Install Debian's clamav-daemon and set CONGSO_VIRUS_SCANNER=congso.core.clamd."
                "ClamdScanner (CONGSO_CLAMD_ADDRESS points at its socket); see docs/deployment.md.",
                id="congso.W100",
            )
        ]
    return []


# --- sec-input (ADR 0097): the cache the rate limits count in --------------------------------
# Backends whose data lives in one process (or one machine's files): rate limits and lookups
# counted there are per gunicorn worker, so each worker grants its own allowance (issue #11).
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    "django.core.cache.backends.filebased.FileBasedCache",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """The default cache must be shared by every worker (Redis): the rate limits
    (congso.core.ratelimit) and the organisation cache count on it (ADR 0097)."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            CheckWarning(
                f"The default cache ({backend.rsplit('.', 1)[-1]}) is not shared between worker processes: "
                "every gunicorn worker counts rate limits (dossier lookup, login, codes) on its own.",
                hint="Set CACHE_URL=redis://127.0.0.1:6379/1 (or another Redis) in production.",
                id="congso.W096",
            )
        ]
    return []


# --- sec-web (ADR 0101): security headers -----------------------------------------------------
HEADERS_MIDDLEWARE = "congso.core.headers.SecurityHeadersMiddleware"
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:", "data:")


@register(Tags.security, deploy=True)
def security_headers(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    """Warn when pages would go out without the CSP / Permissions-Policy / no-store middleware,
    or when the policy lets inline or foreign scripts and styles run."""
    if HEADERS_MIDDLEWARE not in settings.MIDDLEWARE:
        return [
            CheckWarning(
                "The security headers middleware is not installed: pages go out without a "
                "Content-Security-Policy, Permissions-Policy and Cache-Control: no-store.",
                hint=f"Add {HEADERS_MIDDLEWARE!r} to MIDDLEWARE, after WhiteNoise.",
                id="congso.W101",
            )
        ]
    warnings = []
    policy = getattr(settings, "SECURE_CSP", {}) or {}
    for directive in ("script-src", "style-src", "object-src", "base-uri", "frame-ancestors"):
        sources = policy.get(directive, policy.get("default-src"))
        if sources is None or any(s in UNSAFE_SOURCES for s in sources):
            warnings.append(
                CheckWarning(
                    f"SECURE_CSP {directive} is missing or allows {sources!r}: injected markup "
                    "could run scripts or load styles.",
                    hint="Keep 'self' and the nonce only (congso.core.headers.DEFAULT_CSP).",
                    id="congso.W102",
                )
            )
    if not getattr(settings, "PERMISSIONS_POLICY", ""):
        warnings.append(
            CheckWarning(
                "PERMISSIONS_POLICY is empty: pages may use the camera, microphone, location …",
                hint="Unset CONGSO_PERMISSIONS_POLICY to get the default.",
                id="congso.W103",
            )
        )
    return warnings
