"""Account state changes that are not the login itself."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _g

from congso.audit.services import audit_record

from . import security, sessions
from .models import User


def password_changed_notify(*, user: User, how: str, request: object | None = None) -> None:
    """Tell the owner, by every contact the account has, that its password was changed
    (``how``: "change" by the user, "reset" by a code) so a takeover does not go unnoticed.
    Queued in the caller's transaction through the notification outbox; a change by the user
    is also audited here. Every other session of the user is ended (Django's session hash
    would refuse them on their next request anyway; this also removes them from the list)."""
    from congso.notify.services import notify_queue

    when = date_format(timezone.localtime(), "d/m/Y H:i")
    login = user.email or user.phone or user.username
    if how == "reset":
        body = _g(
            "Mật khẩu tài khoản Công sở số %(login)s vừa được đặt lại bằng mã xác thực lúc "
            "%(when)s. Nếu không phải bạn, hãy đặt lại mật khẩu ngay và báo cho cơ quan quản lý."
        )
    else:
        body = _g(
            "Mật khẩu tài khoản Công sở số %(login)s vừa được thay đổi lúc %(when)s. Nếu không "
            "phải bạn, hãy đặt lại mật khẩu ngay và báo cho cơ quan quản lý."
        )
    text = body % {"login": login, "when": when}
    with transaction.atomic():
        notify_queue(
            event=f"account.password_{how}",
            reference=str(user.pk),
            email=user.email,
            phone=user.phone,
            subject=_g("Mật khẩu Công sở số đã được thay đổi"),
            body=text,
        )
        if how == "change":  # a reset is audited by its own service (citizen.password_reset)
            audit_record(actor=user, action="account.password_change", target=user)
        keep = sessions.current_sid_hash(request) if hasattr(request, "session") else ""  # type: ignore[arg-type]
        sessions.sessions_end(user=user, keep_sid_hash=keep, reason=f"password_{how}")
    security.event(f"password.{how}", request, user=user.pk)  # type: ignore[arg-type]
