"""Citizen pages: accounts, e-ID login, payment pages. Thin: services do the work."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _g
from django.views.decorators.http import require_http_methods, require_POST

from congso.accounts.models import AccountKind, User
from congso.accounts.views import LoginView
from congso.core import http
from congso.core.downloads import file_response, generated_response
from congso.core.inputs import ascii_digits_only
from congso.core.uploads import ACCEPT_ATTR
from congso.dossiers.models import Status
from congso.dossiers.workflow import ACTION_LABELS
from congso.org import policy

from . import accounts, eforms, oidc, payments, selectors, services, submission
from .forms import ApplicantForm, CodeForm, RegisterForm, ResetConfirmForm, ResetRequestForm
from .models import Payment, PaymentStatus, SupplementReply
from .receipts import receipt_pdf

BACKEND = "congso.accounts.backends.EmailOrPhoneBackend"
PENDING_KEY = "eservices_pending_user"
RESET_KEY = "eservices_reset_login"


def _add_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class CitizenLoginView(LoginView):
    template_name = "eservices/login.html"

    def get_default_redirect_url(self) -> str:
        return reverse("eservices:home")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["eid_enabled"] = oidc.provider_config() is not None
        return context


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.citizen_register(
                login=data["login"],
                password=data["password1"],
                full_name=data["full_name"],
                kind=data["kind"],
                identity_number=data["identity_number"],
                tax_code=data["tax_code"] if data["kind"] == AccountKind.ORGANISATION else "",
                organisation_name=data["organisation_name"],
                client=http.client_ip(request),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                _add_errors(form, exc)
            else:
                # Password validator messages belong to the password field.
                code = getattr(exc, "code", None)
                target = (
                    "login"
                    if code in ("taken", "login")
                    else None
                    if code == "rate"
                    else "password1"
                )
                form.add_error(target, exc.messages)
        else:
            request.session[PENDING_KEY] = user.pk
            messages.success(request, _g("Đã gửi mã xác thực tới %(to)s.") % {"to": data["login"]})
            return redirect("eservices:verify")
    return render(request, "eservices/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    user = User.objects.filter(pk=pending, is_active=False).first() if pending else None
    if user is None:
        return redirect("eservices:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and "resend" in request.POST:
        try:
            accounts.citizen_resend_code(user=user, client=http.client_ip(request))
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.info(request, _g("Đã gửi mã xác thực mới."))
        return redirect("eservices:verify")
    if request.method == "POST" and form.is_valid():
        try:
            accounts.citizen_verify(
                user=user, code=form.cleaned_data["code"], client=http.client_ip(request)
            )
        except ValidationError as exc:
            form.add_error("code", exc.messages)
        else:
            del request.session[PENDING_KEY]
            auth_login(request, user, backend=BACKEND)
            messages.success(request, _g("Tài khoản đã được xác thực. Chào mừng bạn!"))
            return redirect("eservices:home")
    destination = user.email or user.phone
    return render(request, "eservices/verify.html", {"form": form, "destination": destination})


@require_http_methods(["GET", "POST"])
def reset_request(request: HttpRequest) -> HttpResponse:
    form = ResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.password_reset_request(
                login=form.cleaned_data["login"], client=http.client_ip(request)
            )
        except ValidationError as exc:  # the rate limit, the same for every login
            form.add_error(None, exc.messages)
        else:
            request.session[RESET_KEY] = form.cleaned_data["login"]
            # Same answer whether or not the account exists.
            messages.info(
                request,
                _g("Nếu tài khoản tồn tại, mã xác thực đã được gửi tới %(to)s.")
                % {"to": form.cleaned_data["login"]},
            )
            return redirect("eservices:reset_confirm")
    return render(request, "eservices/reset_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def reset_confirm(request: HttpRequest) -> HttpResponse:
    login = request.session.get(RESET_KEY)
    if not login:
        return redirect("eservices:reset_request")
    form = ResetConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.password_reset_confirm(
                login=login,
                code=form.cleaned_data["code"],
                password=form.cleaned_data["password1"],
                client=http.client_ip(request),
            )
        except ValidationError as exc:
            code = getattr(exc, "code", None)
            target = (
                "code"
                if code in ("wrong", "expired", "attempts")
                else None
                if code == "rate"
                else "password1"
            )
            form.add_error(target, exc.messages)
        else:
            del request.session[RESET_KEY]
            messages.success(request, _g("Đã đặt lại mật khẩu. Hãy đăng nhập bằng mật khẩu mới."))
            return redirect("eservices:login")
    return render(request, "eservices/reset_confirm.html", {"form": form, "destination": login})


def eid_begin(request: HttpRequest) -> HttpResponse:
    try:
        url = oidc.begin(
            request.session,
            request.build_absolute_uri(reverse("eservices:eid_callback")),
            _safe_next(request, ""),
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("eservices:login")
    return HttpResponseRedirect(url)


def eid_callback(request: HttpRequest) -> HttpResponse:
    if request.GET.get("error"):
        messages.error(request, _g("Đăng nhập VNeID đã bị huỷ."))
        return redirect("eservices:login")
    try:
        user, next_url = oidc.complete(
            request.session, code=request.GET.get("code", ""), state=request.GET.get("state", "")
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("eservices:login")
    auth_login(request, user, backend=BACKEND)
    messages.success(request, _g("Đã đăng nhập bằng tài khoản định danh điện tử."))
    return redirect(next_url or "eservices:home")


# --- payments -----------------------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str:
    # The gateway records the payer's address: the real one, also behind a reverse proxy.
    return http.client_ip(request) or "127.0.0.1"


def payment_return(request: HttpRequest) -> HttpResponse:
    """Where the gateway sends the payer back. Shows what the IPN decided; decides nothing."""
    payment, signature_ok = services.payment_check_return(request.GET)
    # Signed but somebody else's: shown to nobody but its payer (anonymous: the bank's page).
    if (
        payment is not None
        and request.user.is_authenticated
        and not policy.owns(request.user, "eservices.payment", payment)
    ):
        payment = None
    result = payments.get_provider().verify(request.GET) if signature_ok else None
    return render(
        request,
        "eservices/payment_return.html",
        {
            "payment": payment,
            "signature_ok": signature_ok,
            "gateway_success": bool(result and result.success),
        },
        status=200 if signature_ok else 400,
    )


@login_required(login_url="eservices:login")
def payment_receipt(request: HttpRequest, order_ref: str) -> HttpResponse:
    payment = selectors.payment_for(user=request.user, order_ref=order_ref)
    if payment is None or payment.status != PaymentStatus.PAID:
        raise Http404
    return generated_response(
        receipt_pdf(payment),
        filename=f"bien-lai-{payment.order_ref}.pdf",
        content_type="application/pdf",
        inline=True,
    )


# --- the sandbox gateway ------------------------------------------------------------------


def _sandbox_enabled() -> None:
    if not (settings.DEBUG or settings.CONGSO_PAYMENT_SANDBOX):
        raise Http404


@require_http_methods(["GET", "POST"])
def sandbox_gateway(request: HttpRequest) -> HttpResponse:
    """A stand-in for the gateway's payment page: checks the request signature like the real
    one would, then on "Thanh toán" / "Huỷ" confirms to our IPN logic and redirects back signed."""
    _sandbox_enabled()
    provider = payments.get_provider()
    source = request.POST if request.method == "POST" else request.GET
    params: dict[str, str] = {k: str(source.get(k, "")) for k in source if k.startswith("vnp_")}
    valid = (
        params.get("vnp_SecureHash", "").lower() == payments.sign_params(params, provider.secret)
        and params.get("vnp_TmnCode") == provider.merchant
    )
    if not valid:
        return render(request, "eservices/sandbox_gateway.html", {"invalid": True}, status=400)
    if request.method == "POST":
        success = request.POST.get("action") == "pay"
        transaction_no = str(abs(hash(params["vnp_TxnRef"])) % 10**8).zfill(8)
        result = provider.gateway_result_params(
            request_params=params, success=success, transaction_no=transaction_no
        )
        # The real gateway calls the IPN URL server-to-server before redirecting the payer;
        # the sandbox runs the same verification code directly.
        services.payment_confirm(result)
        return HttpResponseRedirect(params["vnp_ReturnUrl"] + "?" + payments.query_string(result))
    amount = int(params.get("vnp_Amount", "0")) // 100
    return render(
        request,
        "eservices/sandbox_gateway.html",
        {
            "params": params,
            "amount": amount,
            "order_info": params.get("vnp_OrderInfo", ""),
        },
    )


@login_required(login_url="eservices:login")
@require_POST
def payment_start(request: HttpRequest, order_ref: str) -> HttpResponse:
    payment: Payment | None = selectors.payment_for(user=request.user, order_ref=order_ref)
    if payment is None or payment.status != PaymentStatus.PENDING:
        raise Http404
    return HttpResponseRedirect(
        services.payment_redirect_url(
            payment=payment,
            return_url=request.build_absolute_uri(reverse("eservices:payment_return")),
            client_ip=_client_ip(request),
        )
    )


# --- the citizen's home and dossiers -------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.online_versions())
    drafts = list(selectors.drafts_of(request.user)) if request.user.is_authenticated else []
    return render(request, "eservices/home.html", {"versions": versions, "drafts": drafts})


@login_required(login_url="eservices:login")
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose the receiving unit, then a draft is created."""
    version = selectors.online_version(slug)
    if version is None:
        raise Http404
    units = list(selectors.receiving_units(version))
    error = ""
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        if unit is None:
            error = _g("Hãy chọn cơ quan tiếp nhận hồ sơ.")
        else:
            try:
                draft = submission.draft_create(user=request.user, version=version, unit=unit)
            except (ValidationError, PermissionDenied) as exc:
                error = "; ".join(getattr(exc, "messages", [str(exc)]))
            else:
                return redirect("eservices:draft", draft.public_id)
    papers = list(version.papers.all())
    fees = list(version.fees.all())
    return render(
        request,
        "eservices/start.html",
        {"version": version, "units": units, "papers": papers, "fees": fees, "error": error},
    )


def _applicant_initial(user: Any) -> dict[str, str]:
    from .models import CitizenProfile

    profile = CitizenProfile.objects.filter(user=user).first()
    organisation = getattr(user, "kind", "") == AccountKind.ORGANISATION
    return {
        "name": (profile.organisation_name if profile and organisation else "")
        or user.get_full_name(),
        "id_number": (
            (profile.tax_code if organisation else profile.identity_number) if profile else ""
        ),
        "address": profile.address if profile else "",
        "phone": user.phone,
        "email": user.email,
    }


@login_required(login_url="eservices:login")
@require_http_methods(["GET", "POST"])
def draft(request: HttpRequest, public_id: str) -> HttpResponse:
    """Fill the e-form, attach papers, save the draft or submit it."""
    the_draft = selectors.draft_for(user=request.user, public_id=_uuid_or_404(public_id))
    if the_draft is None:
        raise Http404
    if the_draft.dossier_id is not None:
        return redirect("eservices:my_dossier", the_draft.dossier_id)
    version = the_draft.version
    schema = version.form_schema or []
    form_class = eforms.build_form_class(schema)
    papers = list(version.papers.all())
    # What was typed into the applicant block last time, else the account's details.
    initial = dict(the_draft.applicant) if the_draft.applicant else _applicant_initial(request.user)
    applicant = ApplicantForm(
        request.POST or None,
        initial=initial,
        organisation=getattr(request.user, "kind", "") == AccountKind.ORGANISATION,
    )
    upload_error = ""
    if request.method == "POST":
        form = form_class(request.POST)
        # "Xoá" next to an attachment saves what was typed and drops that one file.
        deleting = [int(x) for x in request.POST.getlist("delete") if ascii_digits_only(x)]
        submit = "submit" in request.POST and not deleting
        form.is_valid()
        data = (
            eforms.cleaned_to_json(schema, {k: form.cleaned_data.get(k) for k in form.fields})
            if not form.errors
            else {**the_draft.data, **eforms.raw_values(schema, request.POST)}
        )
        remove = [int(x) for x in request.POST.getlist("remove") if ascii_digits_only(x)] + deleting
        removed = [a.name for a in the_draft.attachments.filter(pk__in=deleting)]
        try:
            submission.draft_save(
                draft=the_draft,
                user=request.user,
                data=data,
                remove=remove,
                uploads=submission.paper_uploads(request.FILES, papers),
                applicant={k: request.POST.get(k, "") for k in submission.APPLICANT_KEYS},
            )
        except ValidationError as exc:
            upload_error = "; ".join(exc.messages)
        else:
            if removed:
                messages.success(
                    request, _g("Đã xoá tệp %(names)s.") % {"names": ", ".join(removed)}
                )
                return redirect("eservices:draft", the_draft.public_id)
            if submit and not form.errors and applicant.is_valid():
                try:
                    dossier = submission.draft_submit(
                        draft=the_draft,
                        user=request.user,
                        key=_uuid_or_404(request.POST.get("key", "")),
                        applicant=applicant.cleaned_data,
                    )
                except (ValidationError, PermissionDenied) as exc:
                    upload_error = "; ".join(getattr(exc, "messages", [str(exc)]))
                else:
                    messages.success(
                        request,
                        _g(
                            "Đã nộp hồ sơ, mã tham chiếu %(ref)s. Cơ quan tiếp "
                            "nhận sẽ kiểm tra và thông báo cho bạn."
                        )
                        % {"ref": dossier.reference or ""},
                    )
                    return redirect("eservices:my_dossier", dossier.pk)
            elif not submit:
                messages.success(request, _g("Đã lưu nháp."))
                return redirect("eservices:draft", the_draft.public_id)
    else:
        form = form_class(initial=eforms.form_initial(schema, the_draft.data))
    attachments = list(the_draft.attachments.all())
    for paper in papers:
        paper.draft_files = [a for a in attachments if a.paper_id == paper.pk]  # type: ignore[attr-defined]
    known = {p.pk for p in papers}
    return render(
        request,
        "eservices/draft.html",
        {
            "draft": the_draft,
            "version": version,
            "form": form,
            "applicant": applicant,
            "papers": papers,
            "other_files": [a for a in attachments if a.paper_id not in known],
            "key": uuid.uuid4(),
            "upload_error": upload_error,
            "accept": ACCEPT_ATTR,
            "max_mb": settings.UPLOAD_MAX_BYTES // (1024 * 1024),
        },
    )


_INLINE_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


@login_required(login_url="eservices:login")
def draft_attachment(request: HttpRequest, public_id: str, pk: int) -> HttpResponseBase:
    """A file attached to the caller's own draft, to check it before submitting. PDF and
    images open in the browser, anything else downloads."""
    the_draft = selectors.draft_for(user=request.user, public_id=_uuid_or_404(public_id))
    att = the_draft.attachments.filter(pk=pk).first() if the_draft is not None else None
    if att is None or not att.file:
        raise Http404
    extension = "." + att.name.rsplit(".", 1)[-1].lower() if "." in att.name else ""
    inline = extension in _INLINE_TYPES
    return file_response(
        att.file,
        filename=att.name,
        content_type=_INLINE_TYPES.get(extension, "application/octet-stream"),
        inline=inline,
    )


def _uuid_or_404(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404


@login_required(login_url="eservices:login")
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = list(selectors.my_dossiers(request.user)[:200])
    drafts = list(selectors.drafts_of(request.user))
    return render(request, "eservices/my_dossiers.html", {"dossiers": dossiers, "drafts": drafts})


@login_required(login_url="eservices:login")
@require_http_methods(["GET", "POST"])
def my_dossier(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    if dossier is None:
        raise Http404
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "supplement":
                submission.supplement_reply(
                    dossier=dossier,
                    user=request.user,
                    note=request.POST.get("note", ""),
                    files=request.FILES.getlist("files"),
                )
                messages.success(request, _g("Đã gửi giấy tờ bổ sung."))
            elif action == "pay":
                payment = submission.dossier_payment(dossier=dossier, user=request.user)
                return HttpResponseRedirect(
                    services.payment_redirect_url(
                        payment=payment,
                        return_url=request.build_absolute_uri(reverse("eservices:payment_return")),
                        client_ip=_client_ip(request),
                    )
                )
            elif action == "rate":
                level = int(request.POST.get("level") or 0)
                submission.dossier_rate_online(
                    dossier=dossier,
                    user=request.user,
                    level=level,
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _g("Cảm ơn bạn đã đánh giá."))
            else:
                raise ValidationError(_g("Thao tác không hợp lệ."))
        except (ValueError, ValidationError) as exc:
            error = "; ".join(getattr(exc, "messages", [_g("Dữ liệu không hợp lệ.")]))
        else:
            return redirect("eservices:my_dossier", dossier.pk)
    schema = dossier.procedure_version.form_schema or []
    open_supplement = next((s for s in dossier.supplements.all() if s.received_at is None), None)
    replied = (
        open_supplement is not None
        and SupplementReply.objects.filter(supplement=open_supplement).exists()
    )
    return render(
        request,
        "eservices/my_dossier.html",
        {
            "dossier": dossier,
            "history": [
                (ACTION_LABELS.get(h.action, h.get_to_status_display()), h)
                for h in dossier.history.all()
            ],
            "form_rows": eforms.display_rows(schema, dossier.form_data),
            "attachments": list(dossier.attachments.all()),
            "open_supplement": open_supplement,
            "replied": replied,
            "payments": list(Payment.objects.filter(dossier=dossier).order_by("-created_at")),
            "result_ready": submission.result_available(dossier),
            "rating": getattr(dossier, "rating", None) if hasattr(dossier, "rating") else None,
            "Status": Status,
            "error": error,
            "accept": ACCEPT_ATTR,
        },
        status=400 if error else 200,
    )


@login_required(login_url="eservices:login")
def result_download(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.my_dossier(user=request.user, pk=pk)
    if dossier is None:
        raise Http404
    try:
        result = submission.result_release(dossier=dossier, user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("eservices:my_dossier", dossier.pk)
    with result.file.open("rb") as f:
        data = f.read()
    return generated_response(
        data, filename=f"ket-qua-{dossier.code or dossier.pk}.pdf", content_type="application/pdf"
    )
