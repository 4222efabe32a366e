"""The feedback pages: the officers' queue, a case with its actions, statistics; the public
submission, verification and status lookup with rating; the citizen's form in "Dịch vụ công".
Thin: every decision is asked of the services, the registry and the selectors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from congso.core.downloads import generated_response
from congso.core.http import client_ip
from congso.org import policy
from congso.org.models import Unit, UnitKind
from congso.org.selectors import staff_for

from . import selectors, services
from .actions import REGISTRY, StaleCase
from .models import Case, Channel, Kind, Rating, Status
from .stats import pakn_stats_by_unit, stats_xlsx, table_row

SESSION_KEY = "feedback_access"  # case ids the sender proved (code + contact) in this session


def _staff(request: HttpRequest) -> Any:
    staff = staff_for(request.user)
    if staff is None:
        raise PermissionDenied(_("Chức năng dành cho cán bộ."))
    return staff


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


# ---------------------------------------------------------------------------------------------
# Officers


VIEWS = {
    "open": _("Đang xử lý"),
    "overdue": _("Quá hạn"),
    "due_soon": _("Sắp đến hạn"),
    "all": _("Tất cả"),
}


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _staff(request)
    view = request.GET.get("xem", "open")
    if view not in VIEWS:
        view = "open"
    q = (request.GET.get("q") or "").strip()[:200]
    rows = selectors.work_queue(request.user, view=view, q=q)
    return render(
        request, "feedback/queue.html", {"rows": rows, "view": view, "views": VIEWS, "q": q}
    )


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    staff = _staff(request)
    case = selectors.case_get_for(request.user, code)
    available = REGISTRY.available_for(case, staff)
    forms = [{"item": a, **a.form_context(case)} for a in available]
    return render(
        request,
        "feedback/detail.html",
        {
            "case": case,
            "forms": forms,
            "history": case.history.select_related("unit").all(),
            "attachments": case.attachments.all(),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    staff = _staff(request)
    case = selectors.case_get_for(request.user, code)
    entry = REGISTRY.by_slug(action)
    if entry is None:
        raise Http404
    try:
        entry.run(case, staff, entry.parse(request.POST))
    except (StaleCase, ValidationError) as exc:
        messages.error(request, " ".join(_errors(exc)))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": entry.label})
    return redirect("feedback:detail", case.code)


def _period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("tu", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = dt.date.fromisoformat(request.GET.get("den", ""))
    except ValueError:
        end = today
    if end < start:
        start, end = end, start
    return start, end


@login_required
def stats(request: HttpRequest) -> HttpResponse:
    _staff(request)
    start, end = _period(request)
    if request.user.is_superuser:
        units = list(Unit.objects.agencies().active())
    else:
        ids = {unit for _r, unit, _a in policy.assignments(request.user)}
        units = [u.agency() for u in Unit.objects.filter(pk__in=ids)]
        units = list({u.pk: u for u in units}.values())
    rows = pakn_stats_by_unit(units, start, end)
    if request.GET.get("tai") == "xlsx":
        return generated_response(
            stats_xlsx(rows, start, end),
            filename=f"thong-ke-pakn-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return render(
        request,
        "feedback/stats.html",
        {"rows": [(u, s, table_row(u, s)) for u, s in rows], "start": start, "end": end},
    )


# ---------------------------------------------------------------------------------------------
# The public side


def submission_from(post: Any, agency: Unit) -> services.Submission:
    return services.Submission(
        agency=agency,
        kind=post.get("kind", ""),
        title=post.get("title", ""),
        body=post.get("body", ""),
        sender_name=post.get("sender_name", ""),
        sender_phone=post.get("sender_phone", ""),
        sender_email=post.get("sender_email", ""),
        sender_address=post.get("sender_address", ""),
        consent_publish=post.get("consent_publish") in ("on", "1", "true"),
        dossier_code=post.get("dossier_code", ""),
        dossier_id_number=post.get("dossier_id_number", ""),
    )


def public_agencies() -> list[Unit]:
    return list(
        Unit.objects.filter(
            kind__in=[UnitKind.DISTRICT, UnitKind.WARD], dissolved_at__isnull=True
        ).order_by("path")
    )


def _submit(request: HttpRequest, channel: str) -> tuple[Case | None, dict[str, list[str]]]:
    agency = Unit.objects.filter(pk=request.POST.get("agency") or 0).first()
    if agency is None:
        return None, {"agency": [_("Cần chọn cơ quan nhận.")]}
    try:
        case, _code = services.case_submit(
            sub=submission_from(request.POST, agency),
            channel=channel,
            user=request.user,
            files=request.FILES.getlist("files"),
            client=client_ip(request),
            honeypot=request.POST.get("website", ""),
        )
    except ValidationError as exc:
        # Templates cannot read "__all__" (a leading underscore): errors of the whole form go
        # under "form".
        if hasattr(exc, "error_dict"):
            return None, {
                ("form" if k == "__all__" else k): [str(m) for e in v for m in e.messages]
                for k, v in exc.error_dict.items()
            }
        return None, {"form": _errors(exc)}
    return case, {}


@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """The form of a portal's Hỏi đáp page posts here; errors go back to that page's form."""
    case, errors = _submit(request, Channel.PORTAL)
    back = request.POST.get("back", "")
    if case is None:
        return render(
            request,
            "feedback/form_errors.html",
            {
                "errors": errors,
                "data": request.POST,
                "back": back if back.startswith("/cong/") else "",
            },
            status=400,
        )
    return _after_submit(request, case)


def _after_submit(request: HttpRequest, case: Case) -> HttpResponse:
    if case.status == Status.PENDING:
        return redirect("feedback:verify", case.reference)
    _grant(request, case)
    return redirect(reverse("feedback:status") + f"?ma={case.code}")


def verify(request: HttpRequest, reference: str) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            case = services.case_verify(
                reference=reference, code=request.POST.get("code", ""), client=client_ip(request)
            )
        except ValidationError as exc:
            error = " ".join(_errors(exc))
        else:
            _grant(request, case)
            messages.success(
                request,
                _("Đã tiếp nhận phản ánh, kiến nghị. Mã của ông/bà: %(code)s.")
                % {"code": case.code},
            )
            return redirect(reverse("feedback:status") + f"?ma={case.code}")
    pending = (
        Case.objects.filter(reference=reference, status=Status.PENDING)
        .only("sender_phone", "sender_email")
        .first()
    )
    if pending is None and not error:
        raise Http404
    masked = ""
    if pending is not None:
        masked = (
            ("•" * 6 + pending.sender_phone[-3:])
            if pending.sender_phone
            else pending.sender_email.split("@")[0][:2] + "…@" + pending.sender_email.split("@")[-1]
        )
    return render(request, "feedback/verify.html", {"error": error, "masked": masked})


def _grant(request: HttpRequest, case: Case) -> None:
    ids = set(request.session.get(SESSION_KEY, []))
    ids.add(case.pk)
    request.session[SESSION_KEY] = sorted(ids)[-20:]


def _sender_case(request: HttpRequest, code: str) -> Case | None:
    """The case if this session proved to be its sender, or the signed-in citizen sent it."""
    case = (
        Case.objects.filter(code=(code or "").strip().upper())
        .select_related("agency", "handling_unit", "triage_unit", "merged_into")
        .first()
    )
    if case is None:
        return None
    if case.pk in request.session.get(SESSION_KEY, []):
        return case
    if request.user.is_authenticated and case.sender_user_id == request.user.pk:
        return case
    return None


def status(request: HttpRequest) -> HttpResponse:
    """Tra cứu: the code and the phone or e-mail given; then the status, the answer and the
    rating form. Rate-limited per address."""
    context: dict[str, Any] = {"code": (request.GET.get("ma") or "").strip()[:40]}
    if request.method == "POST":
        from congso.core import ratelimit

        if not ratelimit.hit(f"feedback:lookup:{client_ip(request)}", 20, 60):
            return render(request, "feedback/status.html", {"too_many": True}, status=429)
        found = selectors.case_for_sender(
            request.POST.get("ma", ""), request.POST.get("lien_he", "")
        )
        if found is None:
            context.update(not_found=True, code=request.POST.get("ma", "")[:40])
        else:
            _grant(request, found)
            return redirect(reverse("feedback:status") + f"?ma={found.code}")
    case = _sender_case(request, context["code"]) if context["code"] else None
    context["case"] = case
    if case is not None:
        context["steps"] = case.history.select_related("unit").all()
        context["may_rate"] = case.status == Status.ANSWERED and not case.rating
        context["may_reopen"] = case.reopened_at is None
    return render(request, "feedback/status.html", context)


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    case = _sender_case(request, request.POST.get("ma", ""))
    if case is None:
        raise Http404
    try:
        services.case_rate(
            case=case,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
            reopen=request.POST.get("reopen") in ("on", "1"),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(_errors(exc)))
    else:
        messages.success(request, _("Cảm ơn ông/bà đã đánh giá câu trả lời."))
    return redirect(reverse("feedback:status") + f"?ma={case.code}")


def eservices_form(request: HttpRequest) -> HttpResponse:
    """ "Dịch vụ công": the same form for citizens (signed in: received at once, listed below)."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        case, errors = _submit(request, Channel.ESERVICES)
        if case is not None:
            return _after_submit(request, case)
    mine = (
        list(selectors.cases_of_citizen(request.user)[:20]) if request.user.is_authenticated else []
    )
    return render(
        request,
        "feedback/eservices_form.html",
        {
            "agencies": public_agencies(),
            "kinds": Kind.choices,
            "errors": errors,
            "data": request.POST if request.method == "POST" else {},
            "mine": mine,
            "ratings": Rating,
        },
        status=400 if errors else 200,
    )
