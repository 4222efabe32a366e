"""Wagtail admin hooks of the portal: publishing outside the board's approval needs a reason
(and the chief's publish permission, which only the chief's group has)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from congso.audit.services import audit_record

from .signals import direct_publish


@hooks.register("before_publish_page")
def require_reason(request: HttpRequest, page: Any) -> HttpResponse | None:
    reason = (request.POST.get("publish_reason") or "").strip()
    if not reason:
        # The form refuses this first (PortalPageForm.clean); this guards any other path.
        messages.error(request, _("Xuất bản không qua quy trình duyệt cần ghi lý do."))
        return redirect("wagtailadmin_pages:edit", page.pk)
    direct_publish.set({"page_id": page.pk, "reason": reason[:500], "user": request.user})
    if page.go_live_at and page.go_live_at > timezone.now():
        audit_record(
            actor=request.user,
            action="portal.page_schedule",
            target=page,
            data={"reason": reason[:500], "go_live_at": page.go_live_at.isoformat()},
        )
    return None


@hooks.register("after_publish_page")
def forget_reason(request: HttpRequest, page: Any) -> None:
    direct_publish.set(None)


@hooks.register("before_bulk_action")
def no_bulk_publish(
    request: HttpRequest, action_type: str, objects: Any, action_class_instance: Any
) -> HttpResponse | None:
    if action_type == "publish":
        messages.error(
            request,
            _("Không xuất bản hàng loạt: mỗi tin, bài được duyệt hoặc xuất bản kèm lý do."),
        )
        return redirect("wagtailadmin_explore_root")
    return None


@hooks.register("register_admin_urls")
def comment_urls() -> list[Any]:
    from . import views

    return [
        path("gop-y-du-thao/", views.comments_admin, name="portal_comments"),
        path(
            "gop-y-du-thao/<int:pk>/duyet/",
            views.comment_moderate_admin,
            name="portal_comment_moderate",
        ),
    ]


class _CommentsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        from wagtail.models import GroupPagePermission

        user = request.user
        return bool(
            user.is_superuser
            or GroupPagePermission.objects.filter(
                group__user=user, permission__codename="publish_page"
            ).exists()
        )


@hooks.register("register_admin_menu_item")
def comments_menu() -> MenuItem:
    return _CommentsMenuItem(
        _("Góp ý dự thảo"), reverse("portal_comments"), icon_name="comment", order=250
    )
