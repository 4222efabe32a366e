"""Public catalogue pages and the sysadmin's import/export page. Views parse and render;
reads go through selectors and changes through services/xlsx."""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from congso.core.downloads import XLSX, file_response, generated_response
from congso.core.inputs import ascii_digits_only

from .forms import CatalogueFilterForm, CatalogueUploadForm, DraftReviewForm, NationalUploadForm
from .models import ProcedureVersion
from .national import NationalImportError, national_import, needs_review
from .selectors import catalogue_search, form_paper, procedure_detail, receiving_units
from .services import (
    can_manage_catalogue,
    version_accept_default_steps,
    version_confirm_flags,
    version_publish,
    version_update_draft,
)
from .xlsx import CatalogueImportError, catalogue_export, catalogue_import

PAGE_SIZE = 20
# The online-services app may mount a submission page under one of these names.
ONLINE_SUBMIT_URL_NAMES = ["eservices:start", "eservices:submit"]


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    procedures = catalogue_search(
        filters.get("q") or "",
        field=filters.get("field"),
        level=filters.get("level") or "",
        online_level=filters.get("online_level") or "",
        unit=filters.get("unit"),
    )
    page = Paginator(procedures, PAGE_SIZE).get_page(request.GET.get("trang"))
    kept = {k: v for k, v in request.GET.items() if k != "trang" and v}
    return render(
        request,
        "procedures/catalogue.html",
        {
            "form": form,
            "page": page,
            "query_string": urlencode(kept),
            "rows": [(p, p.current_versions[0]) for p in page.object_list],  # type: ignore[attr-defined]
        },
    )


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
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "version": version,
            "papers": list(version.papers.all()),
            "fees": list(version.fees.all()),
            "internal_steps": list(version.internal_steps.all()),
            "offers": procedure.active_offers,  # type: ignore[attr-defined]
            "submit_url": online_submit_url(slug) if version.via_online else None,
        },
    )


@require_GET
def form_download(request: HttpRequest, slug: str, paper_id: int) -> HttpResponseBase:
    paper = form_paper(slug, paper_id)
    if paper is None:
        raise Http404(_("Không tìm thấy biểu mẫu."))
    stored = paper.form_file.name or ""
    extension = stored.rsplit(".", 1)[-1].lower() if "." in stored else "pdf"
    filename = f"{slug}-{paper.order}.{extension}"
    return file_response(paper.form_file, filename=filename)


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
                result = catalogue_import(
                    form.cleaned_data["file"],
                    by=request.user,
                    confirm_field_renames=form.cleaned_data["confirm_field_renames"],
                )
            except CatalogueImportError as exc:
                errors = [str(e) for e in exc.errors]
            else:
                messages.success(request, result.summary())
                return redirect("procedures:catalogue_admin")
    else:
        form = CatalogueUploadForm()
    return render(
        request,
        "procedures/catalogue_admin.html",
        {"form": form, "import_errors": errors},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def catalogue_download(request: HttpRequest) -> HttpResponse:
    _ensure_admin(request)
    data = catalogue_export(by=request.user)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return generated_response(data, filename=f"danh-muc-thu-tuc-{stamp}.xlsx", content_type=XLSX)


# ---------------------------------------------------------------- national import

_PENDING_DIR = "catalogue-imports"
_SESSION_KEY = "procedures_national_pending"


def _pending_path(token: str) -> str:
    return f"{_PENDING_DIR}/{token}.bin"


@login_required
def national_upload(request: HttpRequest) -> HttpResponse:
    """Upload a national listing: the first POST runs a dry run and shows it; the second
    (``apply``) applies the same file, with the administrator's choices for duplicate codes,
    in one transaction. The file waits in storage under a random token bound to the session."""
    _ensure_admin(request)
    report = None
    errors: list[str] = []
    token = ""
    status = 200
    if request.method == "POST" and request.POST.get("apply"):
        pending = request.session.get(_SESSION_KEY) or {}
        token = request.POST.get("token", "")
        form = NationalUploadForm(request.POST)
        if (
            not token
            or pending.get("token") != token
            or not default_storage.exists(_pending_path(token))
        ):
            errors = [_("Phiên chạy thử đã hết hạn; hãy tải tệp lên và chạy thử lại.")]
            status = 400
        else:
            with default_storage.open(_pending_path(token), "rb") as fh:
                data = fh.read()
            choices = {
                k[4:]: int(str(v))
                for k, v in request.POST.items()
                if k.startswith("dup_") and ascii_digits_only(str(v))
            }
            # The ticked units are checked again: one may have been merged since the dry run.
            unit_ids = {int(pk) for pk in pending.get("units", []) if str(pk).isdigit()}
            units = list(receiving_units().filter(pk__in=unit_ids))
            if len(units) != len(pending.get("units", [])):
                errors = [
                    _(
                        "Một đơn vị đã chọn không còn nhận thủ tục (vừa sáp nhập hoặc giải thể); "
                        "hãy tải tệp lên và chạy thử lại."
                    )
                ]
            else:
                try:
                    report = national_import(
                        data,
                        filename=pending["name"],
                        by=request.user,
                        units=units,
                        default_unit=pending.get("default_unit", ""),
                        choices=choices,
                        dry_run=False,
                    )
                except NationalImportError as exc:
                    errors = list(exc.errors)
            if report is not None and report.applied:
                default_storage.delete(_pending_path(token))
                request.session.pop(_SESSION_KEY, None)
                messages.success(request, report.summary())
                return redirect("procedures:national_review")
            status = 400
    elif request.method == "POST":
        form = NationalUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            unit_ids = form.cleaned_data["units"]
            default_unit = form.cleaned_data["default_unit"]
            try:
                report = national_import(
                    data,
                    filename=upload.name,
                    by=request.user,
                    units=list(receiving_units().filter(pk__in=unit_ids)),
                    default_unit=default_unit,
                    dry_run=True,
                )
            except NationalImportError as exc:
                errors = list(exc.errors)
                status = 400
            else:
                token = secrets.token_urlsafe(24)
                old = (request.session.get(_SESSION_KEY) or {}).get("token")
                if old and default_storage.exists(_pending_path(old)):
                    default_storage.delete(_pending_path(old))
                default_storage.save(_pending_path(token), ContentFile(data))
                request.session[_SESSION_KEY] = {
                    "token": token,
                    "name": upload.name[:200],
                    "units": unit_ids,
                    "default_unit": default_unit,
                }
        else:
            status = 400
    else:
        form = NationalUploadForm()
    return render(
        request,
        "procedures/national_upload.html",
        {
            "form": form,
            "report": report,
            "errors": errors,
            "token": token,
        },
        status=status,
    )


@login_required
def national_review(request: HttpRequest) -> HttpResponse:
    """Drafts an import left: confirm what was flagged, accept the default step plan, publish."""
    _ensure_admin(request)
    if request.method == "POST":
        version = get_object_or_404(
            ProcedureVersion, pk=request.POST.get("version"), is_published=False
        )
        form = DraftReviewForm(request.POST)
        action = request.POST.get("action")
        try:
            if not form.is_valid():
                raise ValidationError(_("Yêu cầu không hợp lệ."))
            if action == "confirm":
                kind = form.cleaned_data.get("duration_kind")
                if kind:
                    version_update_draft(by=request.user, version=version, duration_kind=kind)
                version_confirm_flags(by=request.user, version=version)
                messages.success(request, _("Đã xác nhận: %(v)s.") % {"v": version.name})
            elif action == "default_steps":
                version_accept_default_steps(by=request.user, version=version)
                messages.success(
                    request, _("Đã dùng quy trình mặc định cho: %(v)s.") % {"v": version.name}
                )
            elif action == "publish":
                version_publish(by=request.user, version=version)
                messages.success(request, _("Đã công bố: %(v)s.") % {"v": version.name})
            else:
                raise ValidationError(_("Yêu cầu không hợp lệ."))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, f"{version.name}: {message}")
        return redirect(f"{reverse('procedures:national_review')}#v{version.pk}")
    drafts = needs_review()
    return render(
        request,
        "procedures/national_review.html",
        {"drafts": drafts, "kinds": DraftReviewForm.base_fields["duration_kind"].choices},  # type: ignore[attr-defined]
    )
