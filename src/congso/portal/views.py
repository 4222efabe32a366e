"""The public router: ``/cong/<site>/<path>`` (and a site's own host name, through
PortalHostMiddleware) to the live page of that site, in a fixed handful of queries (ADR 0110)."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from wagtail import hooks
from wagtail.models import Page

from congso.core.downloads import file_response

from .chrome import Chrome, chrome_for_slug
from .models import PublicDocument
from .selectors import _public_documents


def _chrome(site: str) -> Chrome:
    chrome = chrome_for_slug(site)
    if chrome is None:
        raise Http404
    return chrome


def serve(request: HttpRequest, site: str, path: str = "") -> HttpResponse:
    """The live page at ``path`` of the site ``site``. Private pages (a Wagtail view
    restriction on them or above) go through Wagtail's own checks (login or password)."""
    chrome = _chrome(site)
    if chrome.moved_to:
        return HttpResponsePermanentRedirect(chrome.moved_to)
    components = [c for c in path.split("/") if c]
    url_path = chrome.url_path + "".join(f"{c}/" for c in components)
    page = Page.objects.live().filter(url_path=url_path).specific().first()
    if page is None:
        raise Http404
    request.portal_chrome = chrome  # type: ignore[attr-defined]
    if chrome.is_private(page.path):
        for fn in hooks.get_hooks("before_serve_page"):
            result = fn(page, request, (), {})
            if isinstance(result, HttpResponse):
                return result
        chain = _serve_chain
        for fn in reversed(hooks.get_hooks("on_serve_page")):
            chain = fn(chain)
        response: HttpResponse = chain(page, request, (), {})
        response["Cache-Control"] = "private, no-store"
        return response
    return page.serve(request)


def _serve_chain(page: Page, request: HttpRequest, args: tuple, kwargs: dict) -> HttpResponse:  # type: ignore[type-arg]
    return page.serve(request, *args, **kwargs)


def document_file(request: HttpRequest, site: str, pk: int) -> HttpResponseBase:
    """The signed PDF of a document the site's agency made public (404 otherwise), as an
    attachment like every stored file (congso.core.downloads)."""
    chrome = _chrome(site)
    public: PublicDocument | None = _public_documents(chrome.unit_id).filter(pk=pk).first()
    if public is None or not public.outgoing.final_pdf:
        raise Http404
    doc = public.outgoing
    name = f"{doc.number_symbol or doc.pk}.pdf".replace("/", "-")
    return file_response(doc.final_pdf.open("rb"), filename=name, content_type="application/pdf")


def admin_login(request: HttpRequest) -> HttpResponse:
    """Where Wagtail sends a request for its admin without access: a visitor goes to CongSo's
    login; a signed-in officer who is on no editorial board is told so (CongSo's login would
    send them straight back, in a loop)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.GET.get("next", "/bien-tap/"))
    return render(request, "portal/no_board.html", status=403)
