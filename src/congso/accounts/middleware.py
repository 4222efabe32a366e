"""Per-request checks of a logged-in session: idle timeout, absolute age, ended elsewhere."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import security, sessions

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
