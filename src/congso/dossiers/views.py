"""One-stop pages: intake, work queues, dossier detail and actions, printed forms, register,
statistics, public lookup and rating. Views parse and render; services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import escape
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.accounts.models import User
from congso.core import export_jobs, http, ratelimit
from congso.core.downloads import XLSX, file_response, generated_response
from congso.core.inputs import ascii_digits_only, refusal
from congso.core.pdf import PdfTooLong
from congso.org import policy
from congso.org.models import Staff, Unit
from congso.org.selectors import staff_for
from congso.procedures.models import Field

from . import exports, forms_pdf, selectors, services, stats
from .actions import REGISTRY, StaleDossier, needs_forward
from .forms import IntakeForm, read_cccd_line
from .models import Dossier, Rating, Satisfaction, Status
from .references import parse_reference
from .services import Applicant, PaperReceived
from .work_export import work_xlsx


def _staff(request: HttpRequest) -> Staff:
    staff = staff_for(request.user)
    if staff is None:
        raise PermissionDenied(_("Chức năng dành cho cán bộ."))
    return staff


def _pdf(data: bytes, name: str) -> HttpResponse:
    return generated_response(data, filename=name, content_type="application/pdf", inline=True)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# ---------------------------------------------------------------------------------------------
# Intake


@login_required
def intake(request: HttpRequest) -> HttpResponse:
    staff = _staff(request)
    units = selectors.intake_units(request.user)
    if not units:
        raise PermissionDenied(_("Bạn không phải cán bộ một cửa."))
    # An officer serving several desks picks one; the choice travels with the form.
    chosen = request.POST.get("don_vi") or request.GET.get("don_vi")
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    version = None
    version_id = request.GET.get("thu_tuc") or request.POST.get("thu_tuc")
    if version_id and ascii_digits_only(str(version_id)):
        version = selectors.version_for_unit(unit, int(version_id))
    form = None
    duplicates: list[str] = []
    if version is not None:
        data, card = read_cccd_line(request.POST) if request.method == "POST" else (None, None)
        if card is not None:
            # A scanned CCCD line reached the server (the page's script was off): fill the
            # applicant and show the form again; nothing is decided on a scan.
            data = _fill_returning(request.user, data)
            messages.info(
                request,
                _("Đã đọc thẻ CCCD của %(name)s. Kiểm tra lại thông tin rồi bấm “Ghi nhận”.")
                % {"name": card.name},
            )
        form = IntakeForm(data, version=version)
        if card is None and request.method == "POST" and form.is_valid():
            result = _intake_submit(request, staff, unit, form)
            if result is not None:
                return result
        if form.is_bound:
            duplicates = selectors.open_same_procedure(
                request.user,
                (form.data.get("applicant_id_number") or "").strip(),
                version.procedure_id,
            )
    query = request.GET.get("q", "")
    page = selectors.procedures_offered_page(unit, query, _page_number(request.GET.get("trang")))
    return render(
        request,
        "dossiers/intake.html",
        {
            "unit": unit,
            "units": units,
            "version": version,
            "form": form,
            "q": query,
            "results": page.rows if version is None else [],
            "page": page,
            "fees": list(version.fees.all()) if version else [],
            "duplicates": duplicates,
        },
    )


def _page_number(value: str | None) -> int:
    return int(value) if value and ascii_digits_only(value) and len(value) < 6 else 1


def _fill_returning(user: Any, data: Any) -> Any:
    """Contact fields the officer left empty, from the applicant's latest dossier here."""
    known = selectors.returning_applicant(user, data.get("applicant_id_number", ""))
    if not known:
        return data
    for name in ("applicant_phone", "applicant_email", "applicant_address"):
        if not (data.get(name) or "").strip() and known[name]:
            data[name] = known[name]
    return data


def _duplicate_warning(codes: list[str]) -> str:
    return _("Lưu ý: người nộp đang có hồ sơ cùng thủ tục chưa giải quyết xong: %(codes)s.") % {
        "codes": ", ".join(codes)
    }


@login_required
def intake_applicant(request: HttpRequest) -> JsonResponse:
    """The intake form asks, once the identity number is filled, what the desk already knows of
    the applicant (their latest earlier dossier at the officer's units) and whether they have
    an open dossier of the same procedure (a warning, not a refusal)."""
    _staff(request)
    units = selectors.intake_units(request.user)
    if not units:
        raise PermissionDenied
    number = (request.GET.get("so") or "").strip()
    known = selectors.returning_applicant(request.user, number)
    out: dict[str, Any] = {"known": known is not None}
    if known is not None:
        birth = known["applicant_birth_date"]
        out.update(
            name=known["applicant_name"],
            birth_date=birth.isoformat() if birth else "",
            address=known["applicant_address"],
            phone=known["applicant_phone"],
            email=known["applicant_email"],
            message=_(
                "Người nộp đã có hồ sơ tại đơn vị; đã điền các ô còn trống từ hồ sơ gần nhất."
            ),
        )
    version_id = request.GET.get("thu_tuc") or ""
    if ascii_digits_only(version_id):
        chosen = request.GET.get("don_vi")
        unit = next((u for u in units if str(u.pk) == chosen), units[0])
        version = selectors.version_for_unit(unit, int(version_id))
        codes = selectors.open_same_procedure(request.user, number, version.procedure_id)
        if codes:
            out["warning"] = _duplicate_warning(codes)
    return JsonResponse(out)


def _intake_submit(
    request: HttpRequest, staff: Staff, unit: Unit, form: IntakeForm
) -> HttpResponse | None:
    data = form.cleaned_data
    applicant = Applicant(
        kind=data["applicant_kind"],
        name=data["applicant_name"],
        id_number=data["applicant_id_number"].strip(),
        address=data["applicant_address"],
        phone=data["applicant_phone"],
        email=data["applicant_email"],
        proxy_name=data["proxy_name"],
        proxy_id_number=data["proxy_id_number"],
        birth_date=data["applicant_birth_date"],
    )
    papers = [PaperReceived(p, o, c) for p, o, c in form.papers() if o or c]  # type: ignore[arg-type]
    try:
        if data["decision"] == "accept":
            earlier = selectors.open_same_procedure(
                request.user, applicant.id_number, form.version.procedure_id
            )
            dossier = services.dossier_receive(
                by=staff,
                receiving_unit=unit,
                version=form.version,
                applicant=applicant,
                channel=data["channel"],
                papers=papers,
                attachments=request.FILES.getlist("attachments"),
                request_summary=data["request_summary"],
            )
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận và hẹn trả kết quả.")
                % {"code": dossier.code},
            )
            if earlier:
                messages.warning(request, _duplicate_warning(earlier))
            return redirect(reverse("dossiers:detail", args=[dossier.code]) + "?moi=1")
        if data["decision"] == "complete":
            dossier = services.dossier_request_completion_at_intake(
                by=staff,
                receiving_unit=unit,
                version=form.version,
                applicant=applicant,
                missing=data["reason"],
                channel=data["channel"],
                papers=papers,
            )
            messages.success(request, _("Đã lập phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."))
        else:
            dossier = services.dossier_refuse_at_intake(
                by=staff,
                receiving_unit=unit,
                version=form.version,
                applicant=applicant,
                reason=data["reason"],
                channel=data["channel"],
            )
            messages.success(request, _("Đã lập phiếu từ chối tiếp nhận hồ sơ."))
        return redirect("dossiers:detail", selectors.dossier_ref(dossier))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return None


@login_required
def intake_search(request: HttpRequest) -> HttpResponse:
    """HTMX live results of the procedure search on the intake page."""
    _staff(request)
    units = selectors.intake_units(request.user)
    if not units:
        raise PermissionDenied
    chosen = request.GET.get("don_vi")
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    query = request.GET.get("q", "")
    page = selectors.procedures_offered_page(unit, query, _page_number(request.GET.get("trang")))
    return render(
        request,
        "dossiers/_procedure_results.html",
        {"results": page.rows, "page": page, "unit": unit, "q": query},
    )


# ---------------------------------------------------------------------------------------------
# Detail and actions


def detail_context(request: HttpRequest, dossier: Dossier) -> dict[str, Any]:
    """The dossier page: the facts and, for each action of the registry the officer may take
    now (the services' own question, actions.DossierAction.available), its form."""
    staff = staff_for(request.user)
    offered = REGISTRY.available_for(dossier, staff)
    return {
        "dossier": dossier,
        "ref": selectors.dossier_ref(dossier),
        "actions": [
            {
                "action": a,
                "name": a.name,
                "label": a.label,
                "template": a.template,
                **a.form_context(dossier),
            }
            for a in offered
        ],
        "history": dossier.history.select_related("unit").all(),
        "control": list(forms_pdf.control_rows(dossier)),
        "papers": dossier.papers.all(),
        "attachments": dossier.attachments.filter(supplement__isnull=True).select_related(
            "required_paper"
        ),
        # Files the applicant sent online in answer to each request are listed under it.
        "steps": dossier.steps.all(),
        "supplements": dossier.supplements.prefetch_related("attachments", "online_replies__files"),
        "form_rows": selectors.form_rows(dossier),
        "apology": getattr(dossier, "apology", None),
        "rating": Rating.objects.filter(dossier=dossier).first(),
        "is_new": request.GET.get("moi") == "1",
        "needs_forward": any(a.name == "forward" for a in offered) and needs_forward(dossier),
        "forms": _forms_available(dossier),
    }


@login_required
def detail(request: HttpRequest, ref: str) -> HttpResponse:
    dossier = selectors.dossier_get_for(request.user, ref)
    return render(request, "dossiers/detail.html", detail_context(request, dossier))


def _forms_available(dossier: Dossier) -> list[tuple[int, Any]]:
    out = []
    if dossier.code:
        out.append((1, forms_pdf.FORM_TITLES[1]))
    if dossier.supplements.exists():
        out.append((2, forms_pdf.FORM_TITLES[2]))
    if dossier.status == Status.REFUSED:
        out.append((3, forms_pdf.FORM_TITLES[3]))
    if hasattr(dossier, "apology"):
        out.append((4, forms_pdf.FORM_TITLES[4]))
    if dossier.code:
        out.append((5, forms_pdf.FORM_TITLES[5]))
    return out


@login_required
@require_POST
def act(request: HttpRequest, ref: str, action: str) -> HttpResponse:
    """One registry action from its form: the typed input parsed from the POST (with the
    version the page showed), the service called; a stale version or any refusal shows the
    fresh page with the Vietnamese message and changes nothing."""
    staff = _staff(request)
    dossier = selectors.dossier_get_for(request.user, ref)
    entry = REGISTRY.get(action)
    if entry is None:
        raise Http404
    try:
        data = entry.parse(request.POST)
        files = {
            name: upload for name in entry.files if (upload := request.FILES.get(name)) is not None
        }
        entry.run(dossier, staff, data, files)
    except StaleDossier as exc:
        messages.error(request, _error_text(exc))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": entry.label})
        if action == "return_result":
            return redirect("dossiers:rate_counter", ref)
    dossier.refresh_from_db()
    return redirect("dossiers:detail", selectors.dossier_ref(dossier))


@login_required
def form_pdf(request: HttpRequest, ref: str, number: int) -> HttpResponse:
    dossier = selectors.dossier_get_for(request.user, ref)
    available = dict(_forms_available(dossier))
    if number not in available:
        raise Http404
    builders = {
        1: lambda: forms_pdf.receipt_pdf(dossier, _receiver_name(dossier)),
        2: lambda: forms_pdf.supplement_pdf(dossier),
        3: lambda: forms_pdf.refusal_pdf(dossier),
        4: lambda: forms_pdf.apology_pdf(dossier),
        5: lambda: forms_pdf.control_pdf(dossier),
    }
    return _pdf(builders[number](), f"mau-{number:02d}-{selectors.dossier_ref(dossier)}.pdf")


@login_required
def attachment(request: HttpRequest, ref: str, pk: int) -> HttpResponseBase:
    """A scanned paper or the result file, only for officers who may see the dossier."""
    dossier = selectors.dossier_get_for(request.user, ref)
    if pk == 0:
        if not dossier.result_file:
            raise Http404
        return file_response(
            dossier.result_file,
            content_type="application/pdf",
            filename=f"ket-qua-{dossier.ref}.pdf",
            inline=True,
        )
    att = dossier.attachments.filter(pk=pk).first()
    if att is None:
        raise Http404
    return file_response(
        att.file, content_type=att.content_type, filename=att.original_name, inline=True
    )


@login_required
def reply_file(request: HttpRequest, ref: str, pk: int) -> HttpResponseBase:
    """A file the applicant sent online in answer to a completion request at intake (kept by
    e-services until the desk accepts), only for officers who may see the dossier."""
    dossier = selectors.dossier_get_for(request.user, ref)
    row = selectors.supplement_reply_file(dossier, pk)
    if row is None:
        raise Http404
    return file_response(row.file, filename=row.name)


def _receiver_name(dossier: Dossier) -> str:
    first = dossier.history.filter(action__in=["receive", "accept"]).order_by("at").first()
    return first.actor_name if first else ""


# ---------------------------------------------------------------------------------------------
# Queues, register, statistics


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _staff(request)
    counts = selectors.queue_counts(request.user)
    tab = request.GET.get("tab") or next((k for k, v in counts.items() if v), "receive")
    if tab not in selectors.QUEUE_KEYS:
        raise Http404
    filters = {k: request.GET.get(k, "") for k in ("q", "field", "urgency", "status")}
    context: dict[str, Any] = {
        "tabs": [(q.key, q.label, counts[q.key]) for q in selectors.QUEUES],
        "tab": tab,
        "filters": filters,
        "fields": Field.objects.order_by("name").values("code", "name"),
        "statuses": Status.choices,
    }
    if filters["q"].strip():
        # The desk search: every dossier of the user's units, in any status (issue #12).
        found = selectors.desk_search(
            request.user, filters["q"], after=request.GET.get("sau", ""), status=filters["status"]
        )
        more = request.GET.copy()
        more["sau"] = str(found.next_after or "")
        return render(
            request,
            "dossiers/queue.html",
            {
                **context,
                "search": True,
                "rows": _queue_rows(found.rows),
                "first_page": "sau" not in request.GET,
                "more_query": more.urlencode() if found.next_after else "",
            },
        )
    # Unfiltered, the page count is the tab count already read.
    rows = selectors.QueueRows(
        request.user, tab, filters=filters, count=None if any(filters.values()) else counts[tab]
    )
    if request.GET.get("dinh_dang") == "xlsx":  # the whole tab, as filtered (issue #12 §3)
        label = next(q.label for q in selectors.QUEUES if q.key == tab)
        return work_xlsx(_queue_rows(rows), label, f"hang-doi-{tab}-{timezone.localdate()}.xlsx")
    page = Paginator(rows, 30).get_page(request.GET.get("trang"))
    return render(
        request,
        "dossiers/queue.html",
        {**context, "page": page, "rows": _queue_rows(page.object_list)},
    )


def _queue_rows(rows: Iterable[selectors.QueueRow]) -> list[dict[str, Any]]:
    """The text of each queue row, worked out here once: template lookups on model instances
    (and a URL reversal per row) were most of the page's time."""
    detail = reverse("dossiers:detail", args=["__ref__"])
    statuses = {value: str(label) for value, label in Status.choices}
    forwarded = " · " + _("liên thông")
    out = []
    for row in rows:
        status = statuses.get(row["status"], str(row["status"]))
        where = row["handling_unit__short_name"] or row["handling_unit__name"]
        if row["handler_id"] is not None:  # Staff.name, from the values read with the row
            where += (
                " — "
                + User(
                    full_name=row["handler__user__full_name"],
                    first_name=row["handler__user__first_name"],
                    last_name=row["handler__user__last_name"],
                    username=row["handler__user__username"],
                ).get_full_name()
            )
        out.append(
            {
                "url": detail.replace(
                    "__ref__",
                    quote(
                        row["code"] or f"id-{row['pk']}",  # Dossier.ref
                        safe=RFC3986_SUBDELIMS + "/~:@",
                    ),
                ),
                "code": row["code"],
                "procedure": row["procedure_version__name"],
                "applicant": row["applicant_name"],
                "status": status + forwarded if row["forwarded"] else status,
                "where": where,
                "due_at": row["due_at"],
                "urgency": row["urgency"],
                "new_supplement": row["supplement_answered_at"] is not None,
            }
        )
    return out


def _typed(request: HttpRequest) -> dict[str, str]:
    return {"tu": request.GET.get("tu", ""), "den": request.GET.get("den", "")}


def parse_date_or_none(value: str) -> dt.date | None:
    try:
        return parse_date(value or "")
    except ValueError:
        return None


def _agencies(request: HttpRequest) -> list[Unit]:
    return selectors.agencies_for(request.user)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    _staff(request)
    agencies = _agencies(request)
    if not agencies:
        raise PermissionDenied
    chosen = request.GET.get("don_vi")
    agency = next((a for a in agencies if str(a.pk) == chosen), agencies[0])
    try:
        start, end = stats.period(request.GET)
    except ValidationError as exc:  # a reversed or impossible period: say so, show nothing
        return render(
            request,
            "dossiers/register.html",
            {"agencies": agencies, "agency": agency, "error": _error_text(exc), **_typed(request)},
            status=400,
        )
    field = request.GET.get("field", "")
    text = request.GET.get("q", "").strip()
    rows = selectors.register_rows(request.user, agency, start, end, field, text)
    period = _("Từ ngày %(start)s đến ngày %(end)s") % {
        "start": f"{start:%d/%m/%Y}",
        "end": f"{end:%d/%m/%Y}",
    }
    fmt = request.GET.get("dinh_dang")
    if fmt == "xlsx":
        if export_jobs.too_big(rows):  # built by the worker, progress on its page (ADR 0047)
            export = exports.register_start(
                request.user, agency, start, end, field, text, period=period
            )
            return redirect("core:export", pk=export.pk)
        return _register_xlsx(agency, rows, period, start, end)
    if fmt == "pdf":
        try:
            data = forms_pdf.register_pdf(agency.name, rows, period)
        except PdfTooLong as exc:
            return refusal(request, exc.message)
        return _pdf(data, f"so-theo-doi-{start}-{end}.pdf")
    # Pages by position (ADR 0055): next/previous from a row, the first or last page of the
    # period, or the first row received on a chosen day; no page numbers, no count.
    day = parse_date_or_none(request.GET.get("ngay", ""))
    page = selectors.register_page(
        rows,
        after=request.GET.get("sau", ""),
        before=request.GET.get("truoc", ""),
        day=day if day and start <= day <= end else None,
        last=request.GET.get("cuoi") == "1",
    )
    base = request.GET.copy()
    for key in ("sau", "truoc", "ngay", "cuoi", "trang", "dinh_dang"):
        base.pop(key, None)
    query = base.urlencode()

    def link(**params: str) -> str:
        return "?" + "&".join(p for p in (query, urlencode(params)) if p)

    return render(
        request,
        "dossiers/register.html",
        {
            "agencies": agencies,
            "agency": agency,
            "start": start,
            "end": end,
            "tu": start.isoformat(),
            "den": end.isoformat(),
            "page": page,
            "field": field,
            "q": text,
            "fields": Field.objects.order_by("name"),
            "day": day,
            "header": forms_pdf.register_header(),
            "rows_html": _register_rows_html(page.rows),
            "query": query,
            "jump_fields": [(k, v) for k, v in base.items() if v],
            "first_url": link() if page.has_previous else "",
            "previous_url": link(truoc=page.previous_cursor) if page.has_previous else "",
            "next_url": link(sau=page.next_cursor) if page.has_next else "",
            "last_url": link(cuoi="1") if page.has_next else "",
            "shown_from": page.rows[0].received_at if page.rows else None,
            "shown_to": page.rows[-1].received_at if page.rows else None,
        },
    )


def _register_rows_html(rows: Iterable[Dossier]) -> SafeString:
    """The table rows of a register page, escaped and joined here: 500 template cell lookups
    were a third of the page's time. Each cell carries its column's label for the phone layout."""
    labels = [escape(h) for h in forms_pdf.register_header()]
    out = []
    for d in rows:
        cells = "".join(
            f'<td data-label="{label}">{escape(value)}</td>'
            for label, value in zip(labels, forms_pdf.register_row(d), strict=True)
        )
        out.append(f"<tr>{cells}</tr>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _register_xlsx(
    agency: Unit, rows: Any, period: str, start: dt.date, end: dt.date
) -> HttpResponse:
    """Form 6 as a workbook, written row by row."""
    content = exports.register_workbook(agency, rows.iterator(chunk_size=2000), period)
    return generated_response(
        content, filename=f"so-theo-doi-{start}-{end}.xlsx", content_type=XLSX
    )


# ---------------------------------------------------------------------------------------------
# Public lookup and rating


def client_ip(request: HttpRequest) -> str:
    # Behind a reverse proxy the real address comes from X-Forwarded-For (TRUSTED_PROXY_COUNT).
    return http.client_ip(request) or "unknown"


LOOKUP_WINDOW = 60  # seconds: settings.LOOKUP_RATE_LIMIT attempts per sliding minute


def rate_limited(request: HttpRequest, bucket: str = "lookup", limit: int | None = None) -> bool:
    """Count this request against the caller's address in the shared cache; True once over
    the limit (settings.LOOKUP_RATE_LIMIT per sliding minute, congso.core.ratelimit)."""
    if limit is None:
        limit = getattr(settings, "LOOKUP_RATE_LIMIT", 20)
    return not ratelimit.hit(
        f"dossiers:{bucket}:{client_ip(request)}", limit, LOOKUP_WINDOW
    ).allowed


def public_find(code: str, id_number: str) -> Dossier | None:
    code, id_number = (code or "").strip().upper(), (id_number or "").strip()
    if not code or not id_number:
        return None
    reference = parse_reference(code)
    match = {"reference": reference} if reference else {"code": code}
    return (
        Dossier.objects.select_related("procedure_version", "receiving_unit", "processing_agency")
        .filter(applicant_id_number=id_number, **match)
        .first()
    )


def public_steps(dossier: Dossier) -> list[dict[str, Any]]:
    """What the applicant may see: actions, dates and units, no officer names."""
    return [
        {"at": h.at, "label": h.label, "unit": h.unit.name, "status": Status(h.to_status).label}
        for h in dossier.history.select_related("unit").order_by("at", "pk")
    ]


def lookup(request: HttpRequest) -> HttpResponse:
    code = (request.POST.get("ma") or request.GET.get("ma") or "").strip()
    context: dict[str, Any] = {"code": code}
    if request.method == "POST":
        if rate_limited(request):
            return render(request, "dossiers/too_many.html", status=429)
        dossier = public_find(code, request.POST.get("so_dinh_danh", ""))
        if dossier is None:
            context["not_found"] = True
        else:
            context.update(
                dossier=dossier,
                steps=public_steps(dossier),
                id_number=request.POST.get("so_dinh_danh", "").strip(),
                can_rate=dossier.status == Status.RETURNED
                and not Rating.objects.filter(dossier=dossier).exists(),
                levels=Satisfaction.choices,
            )
    return render(request, "dossiers/lookup.html", context)


@require_POST
def rate_online(request: HttpRequest) -> HttpResponse:
    if rate_limited(request):
        return render(request, "dossiers/too_many.html", status=429)
    dossier = public_find(request.POST.get("ma", ""), request.POST.get("so_dinh_danh", ""))
    if dossier is None:
        return render(request, "dossiers/lookup.html", {"not_found": True}, status=404)
    try:
        services.dossier_rate(
            dossier=dossier,
            level=int(request.POST.get("muc") or 0),
            source=Rating.Source.ONLINE,
            comment=request.POST.get("gop_y", ""),
        )
    except (ValidationError, ValueError) as exc:
        msg = (
            _error_text(exc)
            if isinstance(exc, ValidationError)
            else _("Mức đánh giá không hợp lệ.")
        )
        return render(request, "dossiers/rated.html", {"error": msg}, status=400)
    return render(request, "dossiers/rated.html", {})


@login_required
def rate_counter(request: HttpRequest, ref: str) -> HttpResponse:
    """The tablet at the counter: the officer opens it for a just-returned dossier and turns
    the screen to the applicant, who taps one of three big buttons."""
    dossier = selectors.dossier_get_for(request.user, ref)
    desk = REGISTRY["return_result"]
    if not policy.may_at(request.user, desk.permission, desk.places(dossier)):
        raise PermissionDenied
    rated = Rating.objects.filter(dossier=dossier).first()
    error = ""
    if request.method == "POST" and rated is None:
        try:
            rated = services.dossier_rate(
                dossier=dossier,
                level=int(request.POST.get("muc") or 0),
                source=Rating.Source.COUNTER,
            )
        except (ValidationError, ValueError):
            error = _("Không ghi nhận được đánh giá.")
    return render(
        request,
        "dossiers/rate_counter.html",
        {
            "dossier": dossier,
            "rated": rated,
            "error": error,
            "levels": Satisfaction.choices,
            "ref": selectors.dossier_ref(dossier),
        },
    )
