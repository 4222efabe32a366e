"""Per-request checks of a logged-in session: idle timeout, absolute age, ended elsewhere."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from . import otp, security, sessions

MESSAGES = {
    "idle": _(
        "Phiên làm việc đã kết thúc vì quá %(minutes)s phút không hoạt động. "
        "Vui lòng đăng nhập lại."
    ),
    "age": _("Phiên làm việc đã quá thời hạn. Vui lòng đăng nhập lại."),
    "ended": _("Phiên làm việc này đã được kết thúc từ một thiết bị khác. Vui lòng đăng nhập lại."),
}


class SessionActivityMiddleware:
    """Logs out a session that was idle too long, is older than SESSION_COOKIE_AGE or was
    ended from another device, then lets the request go on as anonymous: a page that needs a
    login sends the browser to the login page, which shows why; the API answers 401.
    Sits after AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(SESSION_KEY) is not None
            and request.user.is_authenticated
        ):
            idle = int(session.get(sessions.IDLE_KEY) or 0)
            reason = sessions.session_check(request)
            if reason != "ok":
                user_pk = request.user.pk
                logout(request)
                security.event("session.expired", request, user=user_pk, reason=reason)
                text = str(MESSAGES[reason])
                if reason == "idle":
                    text = text % {"minutes": max(1, idle // 60)}
                messages.info(request, text)
        return self.get_response(request)


class SecondFactorMiddleware:
    """Holds a session that needs a second factor (congso.accounts.otp.needs_second_factor)
    and has not passed it: pages redirect to the verification page (the enrolment page when
    the account has no authenticator yet), the API answers 403. Sits after OTPMiddleware."""

    OPEN_PREFIXES = ("/static/", "/media/")
    OPEN_NAMES = ("accounts:logout", "accounts:otp_setup", "accounts:otp_verify")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open: tuple[str, ...] | None = None

    def _open_paths(self) -> tuple[str, ...]:
        if self._open is None:
            self._open = tuple(reverse(name) for name in self.OPEN_NAMES)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.get(SESSION_KEY) is not None
            and not request.path.startswith(self.OPEN_PREFIXES)
            and request.path not in self._open_paths()
            and otp.needs_second_factor(request.user)
            and not otp.is_verified(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": str(_("Tài khoản này cần xác thực hai bước trước khi dùng."))},
                    status=403,
                )
            target = "accounts:otp_verify" if otp.has_device(request.user) else "accounts:otp_setup"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)


class RefusalLogMiddleware:
    """Logs every refusal a logged-in caller meets: a view that raised PermissionDenied (403)
    or Http404 (the scoped selectors answer "not yours" as "not found"), and an API answer
    403/404 (django-ninja turns those exceptions into answers itself). Anonymous 404s are
    left out (crawlers and typos). Event ``access.refused status=… user=… path=…``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _log(request: HttpRequest, status: int) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        security.event(
            "access.refused",
            request,
            status=status,
            user=user.pk,
            method=request.method,
            path=request.path,
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/") and response.status_code in (403, 404):
            self._log(request, response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            self._log(request, 403)
        elif isinstance(exception, Http404):
            self._log(request, 404)
