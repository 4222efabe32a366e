"""A request for a portal site's own host name (production: each site under its own domain)
is answered by that site; every other host goes to CongSo as before (ADR 0110)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from .chrome import generation

# Paths that stay CongSo's own on a portal host (assets, the editors' admin, logins).
OWN_PREFIXES = (
    "/static/",
    "/media/",
    "/bien-tap/",
    "/tai-khoan/",
    "/cong/",
    "/thu-tuc/",
    "/dich-vu-cong/",
)


def _site_by_host() -> dict[str, str]:
    key = f"congso:portal:hosts:{generation()}"
    hosts = cache.get(key)
    if hosts is None:
        from wagtail.models import Site

        hosts = {
            s.hostname.lower(): s.root_page.slug
            for s in Site.objects.select_related("root_page").filter(root_page__depth=2)
        }
        cache.set(key, hosts, 600)
    return hosts


class PortalHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        host = request.get_host().rsplit(":", 1)[0].lower()
        if host not in ("127.0.0.1", "localhost", "testserver", "[::1]") and not (
            request.path.startswith(OWN_PREFIXES)
        ):
            site = _site_by_host().get(host)
            if site is not None:
                from django.http import Http404

                from .views import serve

                try:
                    response = serve(request, site, request.path.lstrip("/"))
                except Http404:
                    pass
                else:
                    # Outside the URL resolver, so the handler does not render it.
                    render = getattr(response, "render", None)
                    return render() if callable(render) else response
        return self.get_response(request)


# The editors' admin (Wagtail) still runs a few inline scripts and style attributes of its own
# and frames its preview: it gets its own policy, set before congso.core.headers (which keeps
# a policy an answer already has). Public portal pages keep the strict nonce policy.
ADMIN_PREFIX = "/bien-tap/"


def admin_policy() -> str:
    from django.conf import settings

    from congso.core.headers import DEFAULT_CSP, build_policy

    directives = {k: list(v) for k, v in getattr(settings, "SECURE_CSP", DEFAULT_CSP).items()}
    directives["script-src"] = ["'self'", "'unsafe-inline'"]
    directives["style-src"] = ["'self'", "'unsafe-inline'"]
    directives["img-src"] = ["'self'", "data:", "blob:"]
    directives["frame-ancestors"] = ["'self'"]
    directives["frame-src"] = ["'self'"]
    return build_policy(directives, "")


class PortalAdminPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = admin_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.path.startswith(ADMIN_PREFIX)
            and "Content-Security-Policy" not in response
            and response.get("Content-Type", "").startswith("text/html")
        ):
            response["Content-Security-Policy"] = self.policy
        return response
