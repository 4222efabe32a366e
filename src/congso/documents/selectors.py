"""Reads of documents scoped to the caller.

Who sees what (DOMAIN §6, issue #5):
- the records clerk and the leaders of an agency see its documents;
- staff of a department see the documents their department leads or supports, or that are
  assigned to them;
- secret documents (mật, tối mật, tuyệt mật) only the people named on them: the clerk who
  registered it, the leader it was presented to, the leaders who directed and the people
  who received it, the drafter, reviewers and signer of an outgoing one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from congso.accounts import security
from congso.dossiers.selectors import visible_dossiers
from congso.org import policy
from congso.org.models import Role, Unit

from .models import (
    Assignment,
    IncomingDocument,
    OutgoingDocument,
    OutgoingStatus,
    ReviewStep,
    Secrecy,
    WorkFile,
    WorkFileItem,
)

AGENCY_WIDE_ROLES = {Role.RECORDS_CLERK, Role.UNIT_LEADER}


@dataclass
class DocumentScope:
    """The caller's document rights: agencies seen whole, units seen through assignments."""

    user: Any
    superuser: bool = False
    clerk_of: set[int] = field(default_factory=set)
    leader_of: set[int] = field(default_factory=set)
    member_of: set[int] = field(default_factory=set)  # agencies of any role
    unit_ids: set[int] = field(default_factory=set)  # units where the user holds a role

    @property
    def agency_wide(self) -> set[int]:
        return self.clerk_of | self.leader_of


def scope_for(user: Any) -> DocumentScope:
    """Compute (once per request) the agencies and units the user acts in."""
    cached = getattr(user, "_congso_doc_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    scope = DocumentScope(user=user, superuser=bool(getattr(user, "is_superuser", False)))
    # The agencies come from the permission policy (congso.org.policy): the same rows its
    # ``document.*`` rules answer with.
    scope.unit_ids = {unit for _role, unit, _agency in policy.assignments(user)}
    scope.member_of = policy.agencies(user, "document.draft")
    scope.clerk_of = policy.agencies(user, "document.register")
    scope.leader_of = policy.agencies(user, "document.direct")
    if getattr(user, "is_authenticated", False):
        user._congso_doc_scope = scope
    return scope


def incoming_visible(user: Any) -> QuerySet[IncomingDocument]:
    qs = IncomingDocument.objects.all()
    scope = scope_for(user)
    if scope.superuser:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    named = (
        Q(registered_by=user)
        | Q(presented_to=user)
        | Q(handler=user)
        | Q(pk__in=Assignment.objects.filter(Q(by=user) | Q(receiver=user)).values("incoming_id"))
    )
    units = list(scope.unit_ids)
    through_units = Q(handling_unit_id__in=units) | Q(
        pk__in=Assignment.objects.filter(
            Q(lead_unit_id__in=units) | Q(supporting_units__in=units)
        ).values("incoming_id")
    )
    open_ = Q(secrecy=Secrecy.NORMAL) & (Q(holder_id__in=list(scope.agency_wide)) | through_units)
    return qs.filter(open_ | named)


def outgoing_visible(user: Any) -> QuerySet[OutgoingDocument]:
    qs = OutgoingDocument.objects.all()
    scope = scope_for(user)
    if scope.superuser:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    named = (
        Q(created_by=user)
        | Q(signer=user)
        | Q(pk__in=ReviewStep.objects.filter(reviewer=user).values("outgoing_id"))
    )
    open_ = Q(secrecy=Secrecy.NORMAL) & (
        Q(agency_id__in=list(scope.agency_wide)) | Q(drafting_unit_id__in=list(scope.unit_ids))
    )
    return qs.filter(open_ | named)


def incoming_list(user: Any) -> QuerySet[IncomingDocument]:
    return (
        incoming_visible(user)
        .select_related("kind", "unit", "handling_unit", "handler", "sender_unit")
        .order_by("-received_at", "-pk")
    )


def outgoing_list(user: Any) -> QuerySet[OutgoingDocument]:
    return (
        outgoing_visible(user)
        .select_related("kind", "agency", "drafting_unit", "signer")
        .prefetch_related("recipients")
        .order_by("-created_at", "-pk")
    )


def _log_secret_read(user: Any, kind: str, doc: IncomingDocument | OutgoingDocument) -> None:
    """Every opening of a secret document (its page, a file of it, an action on it) goes
    through its get_for: the security log names the reader and the document (issue 11.16)."""
    if doc.is_secret:
        security.event(
            "document.secret_read",
            None,
            user=getattr(user, "pk", None),
            doc=f"{kind}:{doc.pk}",
            secrecy=doc.secrecy,
        )


def incoming_get_for(*, user: Any, pk: int) -> IncomingDocument:
    """One incoming document the user may see, or 404 (never reveals that it exists)."""
    doc = incoming_list(user).filter(pk=pk).first()
    if doc is None:
        raise Http404(_("Không tìm thấy văn bản đến."))
    _log_secret_read(user, "incoming", doc)
    return doc


def outgoing_get_for(*, user: Any, pk: int) -> OutgoingDocument:
    doc = outgoing_list(user).filter(pk=pk).first()
    if doc is None:
        raise Http404(_("Không tìm thấy văn bản đi."))
    _log_secret_read(user, "outgoing", doc)
    return doc


def work_files_visible(user: Any) -> QuerySet[WorkFile]:
    scope = scope_for(user)
    qs = WorkFile.objects.select_related("unit", "owner")
    if scope.superuser:
        return qs
    return qs.filter(Q(unit_id__in=list(scope.member_of)) | Q(owner=user))


def work_file_get_for(*, user: Any, pk: int) -> WorkFile:
    wf = work_files_visible(user).filter(pk=pk).first()
    if wf is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return wf


def work_file_items_for(*, user: Any, wf: WorkFile) -> list[WorkFileItem]:
    """The items of a work file the user may see (issue 11, item 2).

    Seeing a work file is not seeing what is in it: a document in it is listed only if the
    document's own page would open for the user (incoming_visible / outgoing_visible, so a
    secret document only for the people named on it), a one-stop dossier only if the dossier's
    page would (the dossiers app's visible_dossiers). Three queries whatever the number of items.
    """
    items = list(wf.items.select_related("incoming", "outgoing"))
    incoming_ids = {i.incoming_id for i in items if i.incoming_id}
    outgoing_ids = {i.outgoing_id for i in items if i.outgoing_id}
    codes = {i.item_code for i in items if i.item_kind == "dossier" and i.item_code}
    seen_in = (
        set(incoming_visible(user).filter(pk__in=incoming_ids).values_list("pk", flat=True))
        if incoming_ids
        else set()
    )
    seen_out = (
        set(outgoing_visible(user).filter(pk__in=outgoing_ids).values_list("pk", flat=True))
        if outgoing_ids
        else set()
    )
    seen_codes = dossier_codes_visible(user, codes)
    return [
        i
        for i in items
        if (i.incoming_id and i.incoming_id in seen_in)
        or (i.outgoing_id and i.outgoing_id in seen_out)
        or (i.item_kind == "dossier" and i.item_code in seen_codes)
    ]


def dossier_codes_visible(user: Any, codes: set[str]) -> set[str]:
    """Which of these one-stop dossier codes the user may see, through the dossiers app's
    scoped selector (ADR 0052: work files refer to dossiers by code, not by key)."""
    if not codes:
        return set()
    found = visible_dossiers(user).filter(code__in=codes).values_list("code", flat=True)
    return {code for code in found if code}


def outgoing_ids_visible(user: Any, ids: set[int]) -> set[int]:
    """Which of these outgoing documents the user may see (for cross-references such as the
    reply of an incoming document, shown only when its own page would open)."""
    ids = {i for i in ids if i}
    if not ids:
        return set()
    return set(outgoing_visible(user).filter(pk__in=ids).values_list("pk", flat=True))


def incoming_ids_visible(user: Any, ids: set[int]) -> set[int]:
    ids = {i for i in ids if i}
    if not ids:
        return set()
    return set(incoming_visible(user).filter(pk__in=ids).values_list("pk", flat=True))


def reply_choices(user: Any, agency: Unit) -> QuerySet[OutgoingDocument]:
    """Outgoing documents the user may name as the reply to an incoming one: the agency's,
    not recalled, and only those the user may see (a secret one only for those named on it)."""
    return (
        outgoing_visible(user)
        .filter(agency=agency)
        .exclude(status__in=[OutgoingStatus.RECALLED, OutgoingStatus.RECALL_REQUESTED])
        .order_by("-created_at")
    )


def agencies_for_clerk(user: Any) -> QuerySet[Unit]:
    """Agencies where the user may register documents."""
    scope = scope_for(user)
    if scope.superuser:
        return Unit.objects.active().agencies()
    return Unit.objects.filter(pk__in=scope.clerk_of)


def ensure_clerk(user: Any, agency: Unit) -> None:
    policy.ensure(user, "document.register", agency)


def ensure_leader(user: Any, agency: Unit) -> None:
    policy.ensure(user, "document.direct", agency)


def ensure_member(user: Any, agency: Unit) -> None:
    policy.ensure(user, "document.draft", agency)
