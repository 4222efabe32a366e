from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services, sessions
from .forms import LoginForm
from .models import User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
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
