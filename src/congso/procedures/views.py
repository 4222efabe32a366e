"""Public catalogue pages and the sysadmin's import/export page. Views parse and render;
reads go through selectors and changes through services/xlsx."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .forms import CatalogueFilterForm, CatalogueUploadForm
from .selectors import catalogue_search, form_paper, procedure_detail
from .services import can_manage_catalogue
from .xlsx import CatalogueImportError, catalogue_export, catalogue_import

PAGE_SIZE = 20
# The online-services app may mount a submission page under one of these names.
ONLINE_SUBMIT_URL_NAMES = ["eservices:start", "eservices:submit"]


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    procedures = catalogue_search(
        filters.get("q") or "", field=filters.get("field"), level=filters.get("level") or "",
        online_level=filters.get("online_level") or "", unit=filters.get("unit"))
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("trang"))
    kept = {k: v for k, v in request.GET.items() if k != "trang" and v}
    return render(request, "procedures/catalogue.html", {
        "form": form, "page": page, "query_string": urlencode(kept),
        "rows": [(p, p.current_versions[0]) for p in page.object_list],  # type: ignore[attr-defined]
    })


def online_submit_url(slug: str) -> str | None:
    for name in ONLINE_SUBMIT_URL_NAMES:
        try:
            return reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
    return None


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = procedure_detail(slug)
    if procedure is None:
        raise Http404(_("Không tìm thấy thủ tục hoặc thủ tục chưa được công bố."))
    version = procedure.current_versions[0]  # type: ignore[attr-defined]
    return render(request, "procedures/detail.html", {
        "procedure": procedure, "version": version,
        "papers": list(version.papers.all()), "fees": list(version.fees.all()),
        "internal_steps": list(version.internal_steps.all()),
        "offers": procedure.active_offers,  # type: ignore[attr-defined]
        "submit_url": online_submit_url(slug) if version.via_online else None,
    })


@require_GET
def form_download(request: HttpRequest, slug: str, paper_id: int) -> FileResponse:
    paper = form_paper(slug, paper_id)
    if paper is None:
        raise Http404(_("Không tìm thấy biểu mẫu."))
    stored = paper.form_file.name or ""
    extension = stored.rsplit(".", 1)[-1].lower() if "." in stored else "pdf"
    filename = f"{slug}-{paper.order}.{extension}"
    return FileResponse(paper.form_file.open("rb"), as_attachment=True, filename=filename)


def _ensure_admin(request: HttpRequest) -> None:
    if not can_manage_catalogue(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống mới được nhập, xuất danh mục thủ tục."))


@login_required
def catalogue_admin(request: HttpRequest) -> HttpResponse:
    _ensure_admin(request)
    errors: list[str] = []
    if request.method == "POST":
        form = CatalogueUploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = catalogue_import(form.cleaned_data["file"], by=request.user)
            except CatalogueImportError as exc:
                errors = [str(e) for e in exc.errors]
            else:
                messages.success(request, result.summary())
                return redirect("procedures:catalogue_admin")
    else:
        form = CatalogueUploadForm()
    return render(request, "procedures/catalogue_admin.html", {"form": form, "import_errors": errors},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def catalogue_download(request: HttpRequest) -> HttpResponse:
    _ensure_admin(request)
    data = catalogue_export(by=request.user)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-thu-tuc-{stamp}.xlsx"'
    return response
