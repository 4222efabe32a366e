"""The pages of large exports (congso.core.export_jobs): the caller's list, one job's progress
(polled by htmx while it runs), the download and "start again". Someone else's job answers 404
like a missing one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import export_jobs
from .downloads import file_response
from .models import ExportJob, ExportStatus

LIST_SIZE = 30


def _own(request: HttpRequest, pk: str) -> ExportJob:
    export = export_jobs.get_for(request.user, pk)
    if export is None:
        raise Http404
    return export


def _context(export: ExportJob) -> dict[str, object]:
    expired = export_jobs.is_expired(export)
    return {
        "export": export,
        "expired": expired,
        "running": export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING),
        "ready": export.status == ExportStatus.DONE and not expired,
    }


@login_required
def export_list(request: HttpRequest) -> HttpResponse:
    exports = list(ExportJob.objects.filter(requested_by_id=request.user.pk)[:LIST_SIZE])
    return render(
        request,
        "core/exports.html",
        {"rows": [_context(e) for e in exports]},
    )


@login_required
def export_detail(request: HttpRequest, pk: str) -> HttpResponse:
    export = _own(request, pk)
    context = _context(export)
    # htmx polls the status part alone while the job runs.
    template = (
        "core/export_status.html" if request.headers.get("HX-Request") else "core/export.html"
    )
    return render(request, template, context)


@login_required
def export_download(request: HttpRequest, pk: str) -> HttpResponseBase:
    export = _own(request, pk)
    if export_jobs.is_expired(export):
        return render(request, "core/export.html", _context(export), status=410)
    if not export_jobs.may_download(request.user, export):
        raise Http404
    return file_response(
        export.file, filename=export.filename, content_type=export_jobs.content_type(export)
    )


@login_required
@require_POST
def export_restart(request: HttpRequest, pk: str) -> HttpResponse:
    export = _own(request, pk)
    if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return redirect("core:export", pk=export.pk)
    again = export_jobs.restart(export)
    messages.success(request, _("Đã yêu cầu tạo lại tệp."))
    return redirect("core:export", pk=again.pk)
