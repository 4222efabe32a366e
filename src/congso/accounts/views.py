from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import otp, services, sessions
from .forms import BoundedPasswordChangeForm, LoginForm, OTPCodeForm
from .models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = BoundedPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_changed_notify(user=form.user, how="change", request=self.request)
        return response


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@login_required
def sessions_view(request: HttpRequest) -> HttpResponse:
    """The user's signed-in sessions; each but the current one can be ended."""
    current = sessions.current_sid_hash(request)
    rows = [
        {
            "row": row,
            "device": sessions.describe_agent(row.user_agent),
            "current": row.sid_hash == current,
        }
        for row in sessions.sessions_for(request.user)
    ]
    return render(
        request,
        "accounts/sessions.html",
        {"rows": rows, "others": sum(1 for r in rows if not r["current"])},
    )


@login_required
@require_POST
def sessions_end_view(request: HttpRequest) -> HttpResponse:
    """End one other session (``session`` = its id) or all others (``all_others``)."""
    user = request.user
    assert isinstance(user, User)
    current = sessions.current_sid_hash(request)
    if request.POST.get("all_others"):
        count = sessions.sessions_end(user=user, keep_sid_hash=current, request=request)
    else:
        try:
            pk = int(request.POST.get("session", ""))
        except ValueError:
            pk = 0
        count = sessions.sessions_end(user=user, pks=[pk], keep_sid_hash=current, request=request)
    if count:
        messages.success(
            request, _("Đã kết thúc %(count)s phiên đăng nhập khác.") % {"count": count}
        )
    else:
        messages.error(
            request, _("Không tìm thấy phiên đăng nhập này, hoặc đó là phiên bạn đang dùng.")
        )
    return redirect("accounts:sessions")


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("core:home")


@login_required
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Turn on the second factor: scan the QR code, confirm with a code; the backup codes
    are shown once. With a device already, a verified session may renew the backup codes."""
    user = request.user
    assert isinstance(user, User)
    if otp.has_device(user):
        if not otp.is_verified(request):
            return redirect("accounts:otp_verify")
        codes = None
        if request.method == "POST" and request.POST.get("renew_backup"):
            codes = otp.backup_codes_renew(user=user)
        return render(request, "accounts/otp_setup.html", {"enrolled": True, "codes": codes})
    device = otp.pending_device(user)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = otp.enrol_confirm(request=request, user=user, code=form.cleaned_data["code"])
        if codes is not None:
            return render(
                request,
                "accounts/otp_setup.html",
                {"enrolled": True, "codes": codes, "next": _next_url(request)},
            )
        form.add_error("code", _("Mã xác thực không đúng. Hãy nhập mã đang hiện trên ứng dụng."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "enrolled": False,
            "form": form,
            "qr_svg": otp.qr_svg(device),
            "secret": otp.secret_text(device),
            "next": request.GET.get("next", ""),
            "required": otp.needs_second_factor(user),
        },
    )


@login_required
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step after the password for accounts that need it."""
    user = request.user
    assert isinstance(user, User)
    if not otp.has_device(user):
        return redirect("accounts:otp_setup")
    if otp.is_verified(request):
        return redirect(_next_url(request))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if otp.verify(request=request, user=user, code=form.cleaned_data["code"]):
            return redirect(_next_url(request))
        form.add_error(
            "code", _("Mã xác thực không đúng hoặc đã dùng. Vui lòng thử lại sau giây lát.")
        )
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
    )
