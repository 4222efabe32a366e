"""The public router: ``/cong/<site>/<path>`` (and a site's own host name, through
PortalHostMiddleware) to the live page of that site, in a fixed handful of queries (ADR 0110)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.models import Page

from congso.core.downloads import file_response
from congso.core.http import client_ip

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


def consultation_serve(page: Any, request: HttpRequest, render_page: Any) -> HttpResponse:
    """A draft's page: GET shows it with its published comments; POST sends a comment
    (services.comment_submit), then back to the page with a notice (post/redirect/get)."""
    from .services import comment_submit

    if request.method != "POST":
        return render_page(request)  # type: ignore[no-any-return]
    values = {k: (request.POST.get(k) or "") for k in ("name", "email", "body")}
    try:
        comment_submit(
            page=page,
            client=client_ip(request) or "unknown",
            honeypot=request.POST.get("website", ""),
            **values,
        )
    except ValidationError as exc:
        request.comment_errors = exc  # type: ignore[attr-defined]
        request.comment_values = values  # type: ignore[attr-defined]
        response: HttpResponse = render_page(request)
        response.status_code = 429 if getattr(exc, "code", "") == "rate" else 400
        return response
    return redirect((page.url or "/") + "?da-gui=1#gop-y")


def comments_admin(request: HttpRequest) -> HttpResponse:
    """Wagtail admin: the comments waiting for the chief of the drafts' site."""
    from .models import CommentStatus
    from .selectors import comments_to_moderate

    status = request.GET.get("trang-thai", CommentStatus.PENDING)
    if status not in CommentStatus.values:
        status = CommentStatus.PENDING
    return render(
        request,
        "portal/admin/comments.html",
        {
            "comments": comments_to_moderate(request.user, status=status),
            "status": status,
            "statuses": CommentStatus.choices,
        },
    )


def comment_moderate_admin(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: publish (with the answer) or reject one comment (services.comment_moderate)."""
    from .models import ConsultationComment
    from .services import comment_moderate

    if request.method != "POST":
        return redirect("portal_comments")
    comment = get_object_or_404(ConsultationComment.objects.select_related("page"), pk=pk)
    try:
        comment_moderate(
            comment=comment,
            to=request.POST.get("to", ""),
            answer=request.POST.get("answer", ""),
            by=request.user,
        )
    except PermissionDenied:
        raise Http404 from None  # missing and forbidden look the same
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật ý kiến."))
    return redirect("portal_comments")


def site_map(request: HttpRequest, site: str) -> HttpResponse:
    """Sơ đồ cổng: the site's live, public pages except articles (sections list those), as a
    tree, in one query besides the cached chrome."""
    from .selectors import site_map_pages

    chrome = _chrome(site)
    if chrome.moved_to:
        return HttpResponsePermanentRedirect(chrome.moved_to)
    return render(
        request,
        "portal/site_map.html",
        {"portal": chrome, "pages": site_map_pages(chrome), "page": None},
    )
