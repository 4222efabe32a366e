"""Pages of incoming and outgoing documents, work files and registers. Views parse input and
call services; reads go through the scoped selectors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.core.downloads import XLSX, file_response, generated_response
from congso.core.inputs import ascii_digits_only, refusal
from congso.core.pdf import PdfTooLong
from congso.org.models import Unit
from congso.search.backends import Filters, get_backend

from . import forms as f
from . import registers
from . import services as s
from .models import (
    Assignment,
    Attachment,
    OutgoingStatus,
    ReviewStep,
    StatusPacket,
    WorkFileState,
)
from .selectors import (
    agencies_for_clerk,
    incoming_get_for,
    incoming_ids_visible,
    incoming_list,
    outgoing_get_for,
    outgoing_ids_visible,
    outgoing_list,
    scope_for,
    work_file_get_for,
    work_file_items_for,
    work_files_visible,
)
from .transitions import INCOMING_OPEN

PAGE_SIZE = 50


def _uploads(files: Any) -> list[s.Upload]:
    return [s.Upload(u.name, u.read(), getattr(u, "content_type", "") or "") for u in files if u]


def _member_agencies(user: Any) -> QuerySet[Unit]:
    scope = scope_for(user)
    if scope.superuser:
        return Unit.objects.active().agencies()
    return Unit.objects.filter(pk__in=scope.member_of)


def _act(request: HttpRequest, back: str, action: Callable[[], Any], success: str) -> HttpResponse:
    """Run a service; its Vietnamese errors become messages on the page we return to."""
    try:
        action()
    except (ValidationError, PermissionDenied) as exc:
        text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("Bạn không có quyền thực hiện thao tác này."))
    else:
        messages.success(request, success)
    return redirect(back)


def _search_ids(request: HttpRequest, doc_type: str, form: Any) -> list[int] | None:
    q = form.cleaned_data.get("q") if form.is_valid() else ""
    if not q:
        return None
    scope = scope_for(request.user)
    unit_ids = None if scope.superuser else scope.member_of
    data = form.cleaned_data
    return get_backend().search(
        q,
        doc_type=doc_type,
        limit=1000,
        filters=Filters(
            unit_ids=unit_ids,
            kind=str(data["kind"].pk) if data.get("kind") else "",
            status=data.get("status") or "",
            sender=data.get("sender") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        ),
    )


def _filter_list(qs: Any, d: dict[str, Any], *, sender_field: str, date_field: str) -> Any:
    """The filters both registers' lists share: kind, status, sender, period."""
    if d["kind"]:
        qs = qs.filter(kind=d["kind"])
    if d["status"]:
        qs = qs.filter(status=d["status"])
    if d["sender"]:
        qs = qs.filter(**{f"{sender_field}__icontains": d["sender"]})
    if d["date_from"]:
        qs = qs.filter(**{f"{date_field}__date__gte": d["date_from"]})
    if d["date_to"]:
        qs = qs.filter(**{f"{date_field}__date__lte": d["date_to"]})
    return qs


# ---------------------------------------------------------------- incoming


@login_required
def incoming_list_view(request: HttpRequest) -> HttpResponse:
    form = f.IncomingFilterForm(request.GET or None)
    qs = incoming_list(request.user)
    ids = _search_ids(request, "incoming", form)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if form.is_valid():
        d = form.cleaned_data
        qs = _filter_list(qs, d, sender_field="sender_name", date_field="received_at")
        if d["overdue"]:
            qs = qs.filter(status__in=INCOMING_OPEN, handling_due_at__lt=timezone.now())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    template = (
        "documents/_incoming_rows.html"
        if request.headers.get("HX-Request")
        else "documents/incoming_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "now": timezone.now(),
            "can_register": agencies_for_clerk(request.user).exists(),
        },
    )


@login_required
def incoming_register_view(request: HttpRequest) -> HttpResponse:
    agencies = agencies_for_clerk(request.user)
    if not agencies.exists():
        raise PermissionDenied(_("Chỉ văn thư được vào sổ văn bản đến."))
    form = f.IncomingRegisterForm(request.POST or None, request.FILES or None, agencies=agencies)
    import_form = f.EdxmlImportForm(agencies=agencies)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            doc = s.incoming_register(
                by=request.user,
                unit=d["unit"],
                sender_name=d["sender_name"],
                abstract=d["abstract"],
                kind=d["kind"],
                number_symbol=d["number_symbol"],
                document_date=d["document_date"],
                received_at=d["received_at"],
                signer_name=d["signer_name"],
                urgency=d["urgency"],
                secrecy=d["secrecy"],
                channel=d["channel"],
                page_count=d["page_count"],
                due_date=d["due_date"],
                note=d["note"],
                files=_uploads(d["scans"]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã vào sổ văn bản đến số %(n)s.") % {"n": doc.number})
            return redirect("documents:incoming_detail", pk=doc.pk)
    return render(
        request, "documents/incoming_register.html", {"form": form, "import_form": import_form}
    )


@login_required
@require_POST
def edxml_import_view(request: HttpRequest) -> HttpResponse:
    agencies = agencies_for_clerk(request.user)
    form = f.EdxmlImportForm(request.POST, request.FILES, agencies=agencies)
    if not form.is_valid():
        messages.error(request, _("Chọn cơ quan nhận và gói edXML."))
        return redirect("documents:incoming_register")
    try:
        doc = s.edxml_import(
            by=request.user,
            unit=form.cleaned_data["unit"],
            data=form.cleaned_data["package"].read(),
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("documents:incoming_register")
    messages.success(request, _("Đã nhận gói edXML vào sổ, số đến %(n)s.") % {"n": doc.number})
    return redirect("documents:incoming_detail", pk=doc.pk)


@login_required
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = incoming_get_for(user=request.user, pk=pk)
    agency = doc.holder
    scope = scope_for(request.user)
    directions = (
        Assignment.objects.filter(incoming=doc)
        .select_related("by", "receiver", "lead_unit")
        .prefetch_related("supporting_units")
    )
    ctx = {
        "doc": doc,
        "now": timezone.now(),
        "attachments": Attachment.objects.filter(incoming=doc),
        "directions": directions,
        "notes": doc.notes.select_related("by"),
        "is_clerk": scope.superuser or agency.pk in scope.clerk_of,
        "is_leader": scope.superuser
        or agency.pk in scope.leader_of
        or doc.presented_to_id == request.user.pk,
        "can_handle": s._can_handle(request.user, doc),
        "present_form": f.PresentForm(agency=agency, prefix="present"),
        "direct_form": f.DirectForm(agency=agency, prefix="direct"),
        "note_form": f.NoteForm(prefix="progress"),
        "complete_form": f.CompleteForm(agency=agency, user=request.user, prefix="complete"),
        "reason_form": f.ReasonForm(prefix="refuse"),
        "recall_form": f.RecallAnswerForm(prefix="recall"),
        "file_form": f.FileIntoForm(agency=agency, prefix="file"),
        "source": doc.source,
        # The reply is named only if its own page would open for the user (issue 11, item 2).
        "reply": doc.reply
        if doc.reply_id and outgoing_ids_visible(request.user, {doc.reply_id})
        else None,
    }
    return render(request, "documents/incoming_detail.html", ctx)


def _incoming_action(
    request: HttpRequest,
    pk: int,
    form_class: Any,
    run: Callable[[Any, Any], Any],
    success: str,
    prefix: str,
    **form_kwargs: Any,
) -> HttpResponse:
    doc = incoming_get_for(user=request.user, pk=pk)
    if "agency" in form_kwargs:
        form_kwargs["agency"] = doc.holder
    if form_class is f.CompleteForm:
        form_kwargs["user"] = request.user
    form = form_class(request.POST, prefix=prefix, **form_kwargs)
    back = f"/van-ban-den/{doc.pk}/"
    if not form.is_valid():
        messages.error(
            request,
            _("Thông tin chưa hợp lệ: %(e)s")
            % {"e": "; ".join(str(m) for errs in form.errors.values() for m in errs)},
        )
        return redirect(back)
    return _act(request, back, lambda: run(doc, form.cleaned_data), success)


@login_required
@require_POST
def incoming_present_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_action(
        request,
        pk,
        f.PresentForm,
        lambda doc, d: s.incoming_present(doc=doc, by=request.user, leader=d["leader"]),
        _("Đã trình lãnh đạo."),
        "present",
        agency=None,
    )


@login_required
@require_POST
def incoming_direct_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_action(
        request,
        pk,
        f.DirectForm,
        lambda doc, d: s.incoming_direct(
            doc=doc,
            by=request.user,
            instruction=d["instruction"],
            receiver=d["receiver"],
            lead_unit=d["lead_unit"],
            supporting_units=list(d["supporting_units"]),
            deadline_days=d["deadline_days"],
        ),
        _("Đã ghi ý kiến chỉ đạo."),
        "direct",
        agency=None,
    )


@login_required
@require_POST
def incoming_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_action(
        request,
        pk,
        f.NoteForm,
        lambda doc, d: s.incoming_progress(doc=doc, by=request.user, text=d["text"]),
        _("Đã cập nhật tiến độ."),
        "progress",
    )


@login_required
@require_POST
def incoming_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_action(
        request,
        pk,
        f.CompleteForm,
        lambda doc, d: s.incoming_complete(
            doc=doc, by=request.user, text=d["text"], reply=d["reply"]
        ),
        _("Đã hoàn thành xử lý."),
        "complete",
        agency=None,
    )


@login_required
@require_POST
def incoming_refuse_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_action(
        request,
        pk,
        f.ReasonForm,
        lambda doc, d: s.incoming_refuse(doc=doc, by=request.user, reason=d["reason"]),
        _("Đã từ chối nhận văn bản."),
        "refuse",
    )


@login_required
@require_POST
def incoming_recall_answer_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_action(
        request,
        pk,
        f.RecallAnswerForm,
        lambda doc, d: s.incoming_answer_recall(
            doc=doc, by=request.user, accept=d["accept"], reason=d["reason"]
        ),
        _("Đã trả lời đề nghị thu hồi."),
        "recall",
    )


@login_required
@require_POST
def incoming_file_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _incoming_action(
        request,
        pk,
        f.FileIntoForm,
        lambda doc, d: s.work_file_add(wf=d["work_file"], by=request.user, incoming=doc),
        _("Đã đưa văn bản vào hồ sơ."),
        "file",
        agency=None,
    )


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    att = Attachment.objects.filter(pk=pk).first()
    if att is None:
        raise Http404
    # Access follows the document the file belongs to.
    if att.incoming_id:
        incoming_get_for(user=request.user, pk=att.incoming_id)
    else:
        outgoing_get_for(user=request.user, pk=att.outgoing_id or 0)
    return file_response(att.file, filename=att.name, content_type=att.content_type)


# ---------------------------------------------------------------- outgoing


@login_required
def outgoing_list_view(request: HttpRequest) -> HttpResponse:
    form = f.OutgoingFilterForm(request.GET or None)
    qs = outgoing_list(request.user)
    ids = _search_ids(request, "outgoing", form)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    if form.is_valid():
        qs = _filter_list(
            qs, form.cleaned_data, sender_field="drafting_unit__name", date_field="created_at"
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    template = (
        "documents/_outgoing_rows.html"
        if request.headers.get("HX-Request")
        else "documents/outgoing_list.html"
    )
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "can_draft": bool(scope_for(request.user).member_of) or request.user.is_superuser,
        },
    )


@login_required
def outgoing_create_view(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    units = (
        Unit.objects.filter(pk__in=scope.unit_ids) if not scope.superuser else Unit.objects.active()
    )
    agencies = _member_agencies(request.user)
    agency = agencies.first() if agencies.count() == 1 else None
    unit_id = request.POST.get("drafting_unit")
    if unit_id and ascii_digits_only(str(unit_id)):
        chosen = units.filter(pk=unit_id).first()
        agency = chosen.agency() if chosen else agency
    form = f.OutgoingDraftForm(
        request.POST or None, request.FILES or None, units=units, agency=agency
    )
    reply_to = None
    reply_id = request.GET.get("tra-loi") or request.POST.get("reply_to")
    if reply_id and ascii_digits_only(str(reply_id)):
        reply_to = incoming_get_for(user=request.user, pk=int(reply_id))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        upload = d["draft"]
        try:
            doc = s.outgoing_create_draft(
                by=request.user,
                drafting_unit=d["drafting_unit"],
                kind=d["kind"],
                abstract=d["abstract"],
                signer=d["signer"],
                draft=s.Upload(upload.name, upload.read()),
                urgency=d["urgency"],
                secrecy=d["secrecy"],
                signer_position=d["signer_position"],
                reviewers=list(d["reviewers"]),
                due_date=d["due_date"],
                reply_to=reply_to,
                copies=d["copies"],
                keeping_unit=d["keeping_unit"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Đã tạo dự thảo."))
            return redirect("documents:outgoing_detail", pk=doc.pk)
    return render(request, "documents/outgoing_create.html", {"form": form, "reply_to": reply_to})


@login_required
def outgoing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = outgoing_get_for(user=request.user, pk=pk)
    scope = scope_for(request.user)
    recipients = doc.recipients.prefetch_related(
        Prefetch("packets", queryset=StatusPacket.objects.order_by("at", "pk"))
    )
    reviews = ReviewStep.objects.filter(outgoing=doc).select_related("reviewer")
    pending = s._pending_step(doc) if doc.status == OutgoingStatus.IN_REVIEW else None
    ctx = {
        "doc": doc,
        "recipients": recipients,
        "reviews": reviews,
        "my_review": pending is not None and pending.reviewer_id == request.user.pk,
        "is_drafter": doc.created_by_id == request.user.pk,
        "is_signer": doc.signer_id == request.user.pk,
        "is_clerk": scope.superuser or doc.agency_id in scope.clerk_of,
        "can_recall": scope.superuser
        or doc.agency_id in scope.agency_wide
        or doc.signer_id == request.user.pk,
        "sign_form": f.SignForm(),
        "issue_form": f.IssueForm(agency=doc.agency),
        "reason_form": f.ReasonForm(),
        "note_form": f.NoteForm(),
        "reply_to": doc.reply_to
        if doc.reply_to_id and incoming_ids_visible(request.user, {doc.reply_to_id})
        else None,
    }
    return render(request, "documents/outgoing_detail.html", ctx)


def _outgoing_action(
    request: HttpRequest, pk: int, run: Callable[[Any], Any], success: str
) -> HttpResponse:
    doc = outgoing_get_for(user=request.user, pk=pk)
    return _act(request, f"/van-ban-di/{doc.pk}/", lambda: run(doc), success)


@login_required
@require_POST
def outgoing_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _outgoing_action(
        request,
        pk,
        lambda doc: s.outgoing_submit_review(doc=doc, by=request.user),
        _("Đã trình duyệt dự thảo."),
    )


@login_required
@require_POST
def outgoing_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    approve = request.POST.get("decision") == "approve"
    note = request.POST.get("text", "")
    return _outgoing_action(
        request,
        pk,
        lambda doc: s.outgoing_review(doc=doc, by=request.user, approve=approve, note=note),
        _("Đã duyệt dự thảo.") if approve else _("Đã trả lại dự thảo để sửa."),
    )


@login_required
@require_POST
def outgoing_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("pdf")
    pdf = s.Upload(upload.name or "final.pdf", upload.read()) if upload else None
    pin = request.POST.get("pin", "").strip()
    return _outgoing_action(
        request,
        pk,
        lambda doc: s.outgoing_sign(doc=doc, by=request.user, pdf=pdf, pin=pin),
        _("Đã ký số và cấp số văn bản."),
    )


@login_required
@require_POST
def outgoing_issue_view(request: HttpRequest, pk: int) -> HttpResponse:
    doc = outgoing_get_for(user=request.user, pk=pk)
    form = f.IssueForm(request.POST, agency=doc.agency)
    if not form.is_valid():
        messages.error(request, _("Nơi nhận không hợp lệ."))
        return redirect("documents:outgoing_detail", pk=doc.pk)
    external = [s.ExternalRecipient(n, o) for n, o in form.external_recipients()]
    for line in form.outside_recipients():
        name, _sep, organ = line.partition("|")
        external.append(s.ExternalRecipient(name.strip(), organ.strip(), outside_exchange=True))
    return _act(
        request,
        f"/van-ban-di/{doc.pk}/",
        lambda: s.outgoing_issue(
            doc=doc, by=request.user, units=list(form.cleaned_data["units"]), external=external
        ),
        _("Đã phát hành văn bản."),
    )


@login_required
@require_POST
def outgoing_recall_view(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    return _outgoing_action(
        request,
        pk,
        lambda doc: s.outgoing_recall(doc=doc, by=request.user, reason=reason),
        _("Đã gửi đề nghị thu hồi."),
    )


@login_required
def outgoing_file(request: HttpRequest, pk: int, which: str) -> HttpResponseBase:
    doc = outgoing_get_for(user=request.user, pk=pk)
    field = doc.final_pdf if which == "ban-ky" else doc.draft
    if not field:
        raise Http404
    return file_response(
        field,
        filename=(field.name or "van-ban").rsplit("/", 1)[-1],
        content_type="application/pdf",
    )


@login_required
def outgoing_edxml(request: HttpRequest, pk: int, recipient_pk: int) -> HttpResponseBase:
    doc = outgoing_get_for(user=request.user, pk=pk)
    recipient = doc.recipients.filter(pk=recipient_pk).first()
    if recipient is None or not recipient.package:
        raise Http404
    return file_response(
        recipient.package,
        filename=(recipient.package.name or "edxml.xml").rsplit("/", 1)[-1],
        content_type="application/xml",
    )


# ---------------------------------------------------------------- work files


@login_required
def work_file_list(request: HttpRequest) -> HttpResponse:
    agencies = _member_agencies(request.user)
    form = f.WorkFileForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        return _act(
            request,
            "/ho-so-cong-viec/",
            lambda: s.work_file_create(
                by=request.user,
                unit=d["unit"],
                year=d["year"],
                code=d["code"],
                title=d["title"],
                retention_years=d["retention_years"],
            ),
            _("Đã thêm hồ sơ vào danh mục."),
        )
    year = request.GET.get("nam")
    files = work_files_visible(request.user)
    if year and ascii_digits_only(year):
        files = files.filter(year=int(year))
    today = timezone.localdate()
    # Closed files are handed to the agency archive within a year of closing (Luật Lưu trữ).
    due = files.filter(state=WorkFileState.CLOSED).order_by("ended_on", "code")
    return render(
        request,
        "documents/work_files.html",
        {"files": files, "form": form, "due": due, "today": today},
    )


@login_required
def work_file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    wf = work_file_get_for(user=request.user, pk=pk)
    if request.method == "POST":
        action = request.POST.get("action")
        back = f"/ho-so-cong-viec/{wf.pk}/"
        if action == "close":
            return _act(
                request,
                back,
                lambda: s.work_file_close(wf=wf, by=request.user),
                _("Đã đóng hồ sơ."),
            )
        if action == "archive":
            return _act(
                request,
                back,
                lambda: s.work_file_archive(wf=wf, by=request.user),
                _("Đã ghi nhận nộp lưu."),
            )
        form = f.DossierIntoFileForm(request.POST)
        if form.is_valid():
            return _act(
                request,
                back,
                lambda: s.work_file_add(
                    wf=wf,
                    by=request.user,
                    dossier_code=form.cleaned_data["dossier_code"],
                    title=form.cleaned_data["title"],
                ),
                _("Đã thêm hồ sơ một cửa."),
            )
        messages.error(request, _("Nhập mã hồ sơ một cửa."))
        return redirect(back)
    items = work_file_items_for(user=request.user, wf=wf)
    return render(
        request,
        "documents/work_file_detail.html",
        {"wf": wf, "items": items, "dossier_form": f.DossierIntoFileForm()},
    )


# ---------------------------------------------------------------- registers


@login_required
def register_view(request: HttpRequest) -> HttpResponse:
    agencies = _member_agencies(request.user)
    form = f.RegisterForm(request.GET or None, agencies=agencies)
    reg = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        reg = registers.build(
            d["kind"], request.user, d["unit"], d["date_from"], d["date_to"], d["series"]
        )
        stem = f"so-{d['kind']}-{d['date_from']:%Y%m%d}-{d['date_to']:%Y%m%d}"
        if d["format"] == "pdf":
            try:
                data = registers.to_pdf(reg)
            except PdfTooLong as exc:
                return refusal(request, exc.message)
            return generated_response(
                data,
                filename=f"{stem}.pdf",
                content_type="application/pdf",
                inline=True,
            )
        if d["format"] == "xlsx":
            return generated_response(
                registers.to_xlsx(reg), filename=f"{stem}.xlsx", content_type=XLSX
            )
    return render(request, "documents/registers.html", {"form": form, "reg": reg})
