"""Outbound hooks (not domain flow): the audit row of each publish and unpublish, the chrome
cache generation, and the editorial groups following org roles."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page, PageViewRestriction, Site, TaskState
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import chrome

# Set by the admin hook while a chief publishes from the edit form (congso.portal.wagtail_hooks).
direct_publish: ContextVar[dict[str, Any] | None] = ContextVar(
    "portal_direct_publish", default=None
)


def _published(sender: Any, instance: Page, revision: Any = None, **kwargs: Any) -> None:
    from .services import record_publish

    chrome.bump()
    direct = direct_publish.get()
    if direct is not None and direct.get("page_id") == instance.pk:
        record_publish(
            page=instance,
            revision=revision,
            via="direct",
            reason=direct.get("reason", ""),
            user=direct.get("user"),
        )
        return
    approved = (
        TaskState.objects.filter(revision=revision, status=TaskState.STATUS_APPROVED)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
        if revision is not None
        else None
    )
    if approved is not None:
        record_publish(page=instance, revision=revision, via="workflow", user=approved.finished_by)
    elif revision is not None and revision.approved_go_live_at is not None:
        record_publish(page=instance, revision=revision, via="scheduled")
    else:
        record_publish(page=instance, revision=revision, via="other")


def _unpublished(sender: Any, instance: Page, **kwargs: Any) -> None:
    from congso.audit.services import audit_record

    chrome.bump()
    audit_record(
        actor=None,
        action="portal.page_unpublish",
        target=instance,
        data={"url_path": instance.url_path, "expired": bool(instance.expired)},
    )


def _roles_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from congso.org.models import Role

    from .services import portal_sync_staff

    role = getattr(instance, "role", None)
    if role is not None and role not in (Role.PORTAL_EDITOR, Role.EDITOR_IN_CHIEF):
        return
    from congso.org.models import Staff

    staff = getattr(instance, "staff", instance)
    found = Staff.objects.filter(pk=staff.pk).select_related("user").first()
    if found is not None:
        portal_sync_staff(found)


def connect() -> None:
    from congso.org.models import RoleAssignment, Staff

    page_published.connect(_published, dispatch_uid="portal_published")
    page_unpublished.connect(_unpublished, dispatch_uid="portal_unpublished")
    post_page_move.connect(chrome.bump, dispatch_uid="portal_moved")
    for model in (PageViewRestriction, Site):
        post_save.connect(chrome.bump, sender=model, dispatch_uid=f"portal_bump_{model.__name__}")
        post_delete.connect(chrome.bump, sender=model, dispatch_uid=f"portal_del_{model.__name__}")
    post_delete.connect(chrome.bump, sender=Page, dispatch_uid="portal_page_deleted")
    post_save.connect(_roles_changed, sender=RoleAssignment, dispatch_uid="portal_roles_saved")
    post_delete.connect(_roles_changed, sender=RoleAssignment, dispatch_uid="portal_roles_deleted")
    post_save.connect(_roles_changed, sender=Staff, dispatch_uid="portal_staff_saved")
