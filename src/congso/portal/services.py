"""State changes of the portal: sites for units, the editorial board's Wagtail groups derived
from org roles, documents made public, and the audit rows of publishing.

Editorial permissions are never granted by hand: each site has two Wagtail groups (editors,
editor-in-chief) whose page permissions cover that site's tree only, and a staff member is in
a site's group exactly while holding ``portal_editor`` / ``editor_in_chief`` in a unit whose
agency is the site's unit (``portal_sync_staff``; ADR 0111).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from congso.audit.services import audit_record
from congso.core import limits, ratelimit
from congso.documents.models import OutgoingDocument, OutgoingStatus, Secrecy
from congso.org.models import Role, RoleAssignment, Staff, Unit, UnitKind
from congso.org.selectors import has_role
from congso.search.normalize import fold

from . import chrome
from .models import (
    COMMENT_MOVES,
    CommentStatus,
    ConsultationComment,
    ConsultationPage,
    HomePage,
    PublicDocument,
)

EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")
CHIEF_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
MEDIA_PERMISSIONS = {
    "wagtailimages": ("add_image", "change_image", "choose_image"),
    "wagtaildocs": ("add_document", "change_document", "choose_document"),
}
PORTAL_ROLES = (Role.PORTAL_EDITOR, Role.EDITOR_IN_CHIEF)


def site_slug(unit: Unit) -> str:
    """The site's key: the unit's short name, folded ("Thanh Xuân Bắc" → thanh-xuan-bac)."""
    return slugify(fold(unit.short_name or unit.name))[:60].strip("-") or f"don-vi-{unit.pk}"


def _free_slug(unit: Unit) -> str:
    """The site slug, made unique among sites: after the 2025 merges a new ward may carry the
    name of the abolished district ("Thanh Xuân")."""
    base = site_slug(unit)
    taken = set(HomePage.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    prefix: dict[str, str] = {
        UnitKind.WARD: "phuong",
        UnitKind.DISTRICT: "quan",
        UnitKind.PROVINCE: "tinh",
    }
    candidate = f"{prefix.get(str(unit.kind), 'don-vi')}-{base}"
    return candidate if candidate not in taken else f"{base}-{unit.pk}"


def portal_on_merge(source: Unit, successor: Unit) -> int:
    """Merge handler (org.unit_merge): a merged unit's site makes sure its successor has one;
    the old site's addresses then redirect to the successor's home (views.serve)."""
    if not HomePage.objects.filter(unit=source).exists():
        return 0
    portal_site_ensure(unit=successor)
    chrome.bump()
    transaction.on_commit(chrome.bump)
    return 1


def _group_names(unit: Unit) -> tuple[str, str]:
    return (
        _("Biên tập viên — %(unit)s") % {"unit": unit.name},
        _("Trưởng ban biên tập — %(unit)s") % {"unit": unit.name},
    )


def _perm(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


SHARED_COLLECTION = "Ảnh dùng chung"


def _wagtail_roots() -> tuple[Page, Collection]:
    """Wagtail's root page and root collection (made by its data migrations; made again here
    when a flushed test database lost them)."""
    from wagtail.models import Locale

    root = Page.get_first_root_node()
    if root is None:
        locale, _c = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.add_root(title="Root", slug="root", locale=locale, live=True)
    collection = Collection.get_first_root_node()
    if collection is None:
        collection = Collection.add_root(name="Root")
    return root, collection


def shared_collection() -> Collection:
    """The collection of illustrations every site's board may choose from."""
    _page, root = _wagtail_roots()
    found = Collection.objects.filter(name=SHARED_COLLECTION, depth=2).first()
    return found or root.add_child(name=SHARED_COLLECTION)


@transaction.atomic
def portal_site_ensure(*, unit: Unit, by: Any = None, title: str = "") -> HomePage:
    """The unit's site, created if missing: its home page under Wagtail's root, its Wagtail
    Site (host ``<slug>.<CONGSO_PORTAL_HOST_SUFFIX>``), a media collection, the editors' and
    chief's groups with permissions on this site only, and the board's approval workflow.
    Running it again changes nothing."""
    if unit.kind not in (UnitKind.PROVINCE, UnitKind.DISTRICT, UnitKind.WARD, UnitKind.SCHOOL):
        raise ValidationError(_("Chỉ cơ quan (tỉnh, quận, phường, trường) mới có cổng thông tin."))
    home = HomePage.objects.filter(unit=unit).first()
    created = home is None
    if home is None:
        root, _collection = _wagtail_roots()
        is_ward = unit.kind == UnitKind.WARD
        name = unit.name.replace("UBND ", "")
        home = HomePage(
            title=title or name[:1].upper() + name[1:],
            slug=_free_slug(unit),
            unit=unit,
            site_kind="Trang thông tin điện tử" if is_ward else "Cổng thông tin điện tử",
            address=unit.address,
            phone=unit.phone,
            email=unit.email,
        )
        root.add_child(instance=home)
        home.save_revision(user=by, log_action=False).publish(user=by, log_action=False)
        home.refresh_from_db()
    hostname = f"{home.slug}.{settings.PORTAL_HOST_SUFFIX}"
    Site.objects.get_or_create(
        root_page=home,
        defaults={"hostname": hostname, "port": 80, "site_name": home.title},
    )
    root_collection = _wagtail_roots()[1]
    collection = Collection.objects.filter(name=home.title, depth=2).first()
    if collection is None:
        collection = root_collection.add_child(name=home.title)
    shared = shared_collection()
    editors_name, chief_name = _group_names(unit)
    editors, _c = Group.objects.get_or_create(name=editors_name)
    chief, _c = Group.objects.get_or_create(name=chief_name)
    access = _perm("wagtailadmin", "access_admin")
    for group, page_perms in ((editors, EDITOR_PAGE_PERMISSIONS), (chief, CHIEF_PAGE_PERMISSIONS)):
        group.permissions.add(access)
        for codename in page_perms:
            GroupPagePermission.objects.get_or_create(
                group=group, page=home, permission=_perm("wagtailcore", codename)
            )
        # Every board may use (not change) the shared illustrations.
        for app_label, codename in (
            ("wagtailimages", "choose_image"),
            ("wagtaildocs", "choose_document"),
        ):
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=shared, permission=_perm(app_label, codename)
            )
        for app_label, codenames in MEDIA_PERMISSIONS.items():
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=collection, permission=_perm(app_label, codename)
                )
    workflow_name = _("Duyệt tin, bài — %(site)s") % {"site": home.title}
    workflow = Workflow.objects.filter(name=workflow_name).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=workflow_name, active=True)
        task = GroupApprovalTask.objects.create(
            name=_("Trưởng ban biên tập duyệt — %(site)s") % {"site": home.title}
        )
        task.groups.set([chief])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=home, defaults={"workflow": workflow})
    if created:
        audit_record(
            actor=by,
            action="portal.site_create",
            target=home,
            unit=unit,
            data={"slug": home.slug, "hostname": hostname},
        )
    for staff in Staff.objects.filter(roles__role__in=PORTAL_ROLES).distinct():
        portal_sync_staff(staff)
    return home


def _site_units_of(staff: Staff, role: str) -> set[int]:
    """Units whose site ``staff`` works on in ``role``: the agency of each unit the role is
    held at (the district's editors sit in its Văn phòng; a ward's in the ward)."""
    units = set()
    for assignment in RoleAssignment.objects.filter(staff=staff, role=role).select_related(
        "unit", "unit__parent"
    ):
        units.add(assignment.unit.agency().pk)
    return units


def portal_sync_staff(staff: Staff) -> None:
    """Put ``staff``'s account into exactly the portal groups its roles give (and out of the
    others). Called when roles change and when a site is created."""
    user = staff.user
    wanted: set[int] = set()
    if staff.is_active and user.is_active:
        for role, index in ((Role.PORTAL_EDITOR, 0), (Role.EDITOR_IN_CHIEF, 1)):
            for unit in Unit.objects.filter(
                pk__in=_site_units_of(staff, role), portal_home__isnull=False
            ):
                name = _group_names(unit)[index]
                group = Group.objects.filter(name=name).first()
                if group is not None:
                    wanted.add(group.pk)
    portal_groups = set(
        Group.objects.filter(page_permissions__page__depth=2).values_list("pk", flat=True)
    )
    current = set(user.groups.values_list("pk", flat=True)) & portal_groups
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))


def can_publish_documents(user: Any, unit: Unit) -> bool:
    return has_role(user, unit, (Role.RECORDS_CLERK, Role.UNIT_LEADER, Role.EDITOR_IN_CHIEF))


@transaction.atomic
def document_make_public(*, outgoing: OutgoingDocument, by: Any) -> PublicDocument:
    """Publish an issued, non-secret outgoing document on its agency's portal (the records
    clerk, a leader or the editor-in-chief of that agency)."""
    outgoing = OutgoingDocument.objects.select_for_update().get(pk=outgoing.pk)
    if not can_publish_documents(by, outgoing.agency):
        raise PermissionDenied(_("Bạn không có quyền công khai văn bản của cơ quan này."))
    if outgoing.status != OutgoingStatus.ISSUED:
        raise ValidationError(_("Chỉ công khai được văn bản đã phát hành."))
    if outgoing.secrecy != Secrecy.NORMAL:
        raise ValidationError(_("Văn bản mật không được công khai."))
    public, created = PublicDocument.objects.get_or_create(
        outgoing=outgoing,
        defaults={"unit": outgoing.agency, "published_by": by, "published_at": timezone.now()},
    )
    if created:
        audit_record(
            actor=by,
            action="portal.document_public",
            target=outgoing,
            unit=outgoing.agency,
            data={"number_symbol": outgoing.number_symbol},
        )
    return public


@transaction.atomic
def document_withdraw_public(*, outgoing: OutgoingDocument, by: Any) -> None:
    """Take a document off the portal."""
    if not can_publish_documents(by, outgoing.agency):
        raise PermissionDenied(_("Bạn không có quyền công khai văn bản của cơ quan này."))
    deleted, _rows = PublicDocument.objects.filter(outgoing=outgoing).delete()
    if deleted:
        audit_record(
            actor=by, action="portal.document_withdraw", target=outgoing, unit=outgoing.agency
        )


def record_publish(
    *, page: Page, revision: Any, via: str, reason: str = "", user: Any = None
) -> None:
    """The audit row of one publish (direct, through the board's approval, or scheduled)."""
    specific = page.specific_deferred
    unit_id = None
    home = HomePage.objects.filter(path=page.path[: page.steplen * 2]).only("unit_id").first()
    if home is not None:
        unit_id = home.unit_id
    audit_record(
        actor=user or getattr(revision, "user", None),
        action="portal.page_publish",
        target=specific,
        unit=unit_id,
        data={
            "via": via,
            "reason": reason,
            "revision": getattr(revision, "pk", None),
            "url_path": page.url_path,
            "title": page.title,
        },
    )


# --- Lấy ý kiến dự thảo ---------------------------------------------------------------------
# A comment form needs no third-party captcha: a hidden field people leave empty, and limits
# per address (all drafts) and per address and draft, in the shared cache (core.ratelimit).
COMMENTS_PER_ADDRESS_HOUR = 10
COMMENTS_PER_DRAFT_HOUR = 3
HOUR = 3600
RATE_MESSAGE = "Bạn đã gửi nhiều ý kiến trong thời gian ngắn; vui lòng thử lại sau ít phút."


def comment_submit(
    *,
    page: ConsultationPage,
    name: str,
    email: str,
    body: str,
    client: str,
    honeypot: str = "",
) -> ConsultationComment | None:
    """A citizen's comment on an open draft, held for the board (never public before).
    Returns None, saving nothing, when the hidden field was filled (a robot)."""
    name, email, body = name.strip(), email.strip(), body.strip()
    errors: dict[str, str] = {}
    if not page.live or not page.is_open:
        raise ValidationError(_("Dự thảo này đã hết hạn lấy ý kiến."))
    if not name:
        errors["name"] = _("Hãy nhập họ và tên.")
    elif len(name) > limits.NAME:
        errors["name"] = _("Họ và tên dài quá %(n)s ký tự.") % {"n": limits.NAME}
    if not body:
        errors["body"] = _("Hãy nhập nội dung góp ý.")
    elif len(body) > limits.NOTE:
        errors["body"] = _("Nội dung góp ý dài quá %(n)s ký tự.") % {"n": limits.NOTE}
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Địa chỉ e-mail không hợp lệ.")
    if errors:
        raise ValidationError(errors)
    if honeypot:
        return None
    for key, limit in (
        (f"portal:comment:{client}", COMMENTS_PER_ADDRESS_HOUR),
        (f"portal:comment:{page.pk}:{client}", COMMENTS_PER_DRAFT_HOUR),
    ):
        if not ratelimit.hit(key, limit, HOUR):
            raise ValidationError(_(RATE_MESSAGE), code="rate")
    return ConsultationComment.objects.create(page=page, name=name, email=email, body=body)


def can_moderate(user: Any, page: Page) -> bool:
    """The board's chief of the draft's site moderates (the publish permission on its tree)."""
    return bool(user.is_authenticated and page.permissions_for_user(user).can_publish())


@transaction.atomic
def comment_moderate(
    *, comment: ConsultationComment, to: str, answer: str = "", by: Any
) -> ConsultationComment:
    """Publish (with the unit's answer) or reject a comment; audited."""
    comment = (
        ConsultationComment.objects.select_for_update().select_related("page").get(pk=comment.pk)
    )
    if not can_moderate(by, comment.page):
        raise PermissionDenied(_("Bạn không có quyền duyệt ý kiến của dự thảo này."))
    if to not in COMMENT_MOVES.get(comment.status, set()):
        raise ValidationError(_("Không chuyển được ý kiến sang trạng thái này."))
    answer = answer.strip()
    if len(answer) > limits.NOTE:
        raise ValidationError({"answer": _("Trả lời dài quá %(n)s ký tự.") % {"n": limits.NOTE}})
    old = comment.status
    comment.status = to
    comment.answer = answer if to == CommentStatus.PUBLISHED else comment.answer
    comment.moderated_at = timezone.now()
    comment.moderated_by = by
    comment.save()
    record_page = comment.page
    home = HomePage.objects.filter(path=record_page.path[: record_page.steplen * 2]).first()
    audit_record(
        actor=by,
        action="portal.comment_moderate",
        target=comment,
        unit=home.unit_id if home else None,
        data={"from": old, "to": to, "page": record_page.pk, "answered": bool(comment.answer)},
    )
    transaction.on_commit(chrome.bump)
    return comment
