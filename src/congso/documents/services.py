"""Every state change of documents and work files (NĐ 30/2020). One function per change: it
owns its transaction, checks permission and transition, writes the audit row and defers
side effects (search indexing, e-mail) to after commit."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core import numbering
from congso.core.tasks import enqueue
from congso.core.uploads import (
    DRAFT_KINDS,
    SCAN_KINDS,
    SIGNED_KINDS,
    CheckedUpload,
    FileKind,
    charge_upload_quota,
    validate_content,
)
from congso.notify.services import notify_queue
from congso.org.models import Unit, validate_agency_id

from .models import (
    Assignment,
    Attachment,
    Channel,
    DocumentKind,
    HandlingNote,
    IncomingDocument,
    IncomingStatus,
    NumberCounter,
    OutgoingDocument,
    OutgoingStatus,
    PacketCode,
    Recipient,
    ReviewDecision,
    ReviewStep,
    Secrecy,
    Series,
    StatusPacket,
    Urgency,
    WorkFile,
    WorkFileItem,
    WorkFileState,
)
from .models import Direction as Register
from .selectors import dossier_codes_visible, ensure_clerk, ensure_member, scope_for
from .transitions import (
    INCOMING_OPEN,
    INCOMING_TRANSITIONS,
    OUTGOING_TRANSITIONS,
    ensure_transition,
)

log = logging.getLogger(__name__)

IN_LABELS = dict(IncomingStatus.choices)
OUT_LABELS = dict(OutgoingStatus.choices)


# ---------------------------------------------------------------- helpers


def _series(secrecy: str) -> str:
    return Series.NORMAL if secrecy == Secrecy.NORMAL else Series.SECRET


def next_number(unit: Unit, year: int, register: str, series: str) -> int:
    """The next number of a register (unit, year, incoming/outgoing, series) from the one
    numbering helper (congso.core.numbering); must run inside the caller's transaction. The
    counter row stays locked until commit, so two registrations never get the same number (the
    unique constraints on the documents are the second line of defence)."""
    return numbering.next_number(
        NumberCounter, unit=unit, year=year, direction=register, series=series
    )


@dataclass
class Upload:
    """A file handed to a service: its name and bytes (from a form, the API or edXML)."""

    name: str
    data: bytes
    content_type: str = ""


@dataclass
class _Checked:
    upload: Upload
    checked: CheckedUpload


def _validated(
    uploads: Iterable[Upload], kinds: Sequence[FileKind], uploader: Any
) -> list[_Checked]:
    """Every file through the project's one validator (type by content, active content, the
    virus scanner: ADR 0036, 0100), all before anything is written, then counted against the
    uploader's daily quota (ADR 0104; inside the service's transaction)."""
    checked = [_Checked(up, validate_content(up.name, up.data, kinds=kinds)) for up in uploads]
    charge_upload_quota(uploader, [c.checked.size for c in checked])
    return checked


def _attach(uploads: Iterable[_Checked], **owner: Any) -> list[Attachment]:
    rows = []
    for item in uploads:
        up, ok = item.upload, item.checked
        shown = up.name.replace("\\", "/").rsplit("/", 1)[-1] or ok.name
        att = Attachment(name=shown[:255], content_type=ok.content_type, size=ok.size, **owner)
        att.file.save(ok.name, ContentFile(up.data), save=False)
        att.save()
        rows.append(att)
    return rows


def _due(unit: Unit, start: dt.datetime, days: int) -> dt.datetime:
    from congso.calendar.services import due_at

    return due_at(unit, start, days, "working_days")


def _reindex_incoming(pk: int) -> None:
    from .tasks import index_document

    enqueue(index_document, "incoming", pk)


def _reindex_outgoing(pk: int) -> None:
    from .tasks import index_document

    enqueue(index_document, "outgoing", pk)


def index_incoming(pk: int) -> None:
    """Put an incoming document (and the text of its files) into the search index."""
    from congso.search.backends import IndexItem, get_backend
    from congso.search.extract import file_text

    doc = IncomingDocument.objects.filter(pk=pk).select_related("kind").first()
    if doc is None:
        return
    texts = [doc.abstract, doc.number_symbol, doc.sender_name, doc.signer_name]
    for att in doc.attachments.all():
        if not att.text and att.file:
            try:
                with att.file.open("rb") as fh:
                    att.text = file_text(att.name, fh.read())[:200_000]
            except OSError:
                att.text = ""
            Attachment.objects.filter(pk=att.pk).update(text=att.text)
        texts.append(att.text)
    get_backend().index(
        IndexItem(
            "incoming",
            doc.pk,
            doc.holder_id,
            texts,
            kind=str(doc.kind_id or ""),
            status=doc.status,
            sender=doc.sender_name,
            date=timezone.localdate(doc.received_at),
        )
    )


def index_outgoing(pk: int) -> None:
    """Put an outgoing document (and the text of its signed PDF) into the search index."""
    from congso.search.backends import IndexItem, get_backend
    from congso.search.extract import file_text

    doc = OutgoingDocument.objects.filter(pk=pk).select_related("drafting_unit").first()
    if doc is None:
        return
    texts = [doc.abstract, doc.number_symbol, doc.drafting_unit.name]
    pdf_file = doc.final_pdf or (
        doc.draft if (doc.draft.name or "").lower().endswith(".pdf") else None
    )
    if pdf_file:
        try:
            with pdf_file.open("rb") as fh:
                texts.append(file_text(pdf_file.name or "", fh.read(), ocr=False))
        except OSError:
            pass
    get_backend().index(
        IndexItem(
            "outgoing",
            doc.pk,
            doc.agency_id,
            texts,
            kind=str(doc.kind_id),
            status=doc.status,
            sender=doc.drafting_unit.name,
            date=timezone.localdate(doc.signed_at or doc.created_at),
        )
    )


def _packet(doc: IncomingDocument, code: str, *, by: Any = None, note: str = "") -> None:
    """Tell the sending agency (when it is inside CongSo) how its document is progressing."""
    if doc.source_id is None:
        return
    recipient = Recipient.objects.select_for_update().get(pk=doc.source_id)
    StatusPacket.objects.create(
        recipient=recipient,
        code=code,
        note=note[:300],
        by_name=(by.get_full_name() if by else doc.unit.name)[:200],
        at=timezone.now(),
    )
    recipient.status = code
    recipient.save(update_fields=["status"])


def _lock_incoming(doc: IncomingDocument) -> IncomingDocument:
    return (
        IncomingDocument.objects.select_for_update().select_related("unit", "holder").get(pk=doc.pk)
    )


def _lock_outgoing(doc: OutgoingDocument) -> OutgoingDocument:
    return (
        OutgoingDocument.objects.select_for_update()
        .select_related("agency", "drafting_unit", "kind", "signer")
        .get(pk=doc.pk)
    )


# ---------------------------------------------------------------- incoming


@transaction.atomic
def incoming_register(
    *,
    by: Any,
    unit: Unit,
    sender_name: str,
    abstract: str,
    kind: DocumentKind | None = None,
    number_symbol: str = "",
    document_date: dt.date | None = None,
    received_at: dt.datetime | None = None,
    sender_unit: Unit | None = None,
    sender_organ_id: str = "",
    signer_name: str = "",
    urgency: str = Urgency.NORMAL,
    secrecy: str = Secrecy.NORMAL,
    channel: str = Channel.PAPER,
    page_count: int = 1,
    due_date: dt.date | None = None,
    note: str = "",
    files: Sequence[Upload] = (),
    source: Recipient | None = None,
) -> IncomingDocument:
    """Register an incoming document (vào sổ văn bản đến) in ``unit``'s register: the next
    incoming number of the year, in the secret series for secret documents. A paper letter
    needs its scan. ``by`` must be the agency's records clerk (``by=None`` only for the
    system's own delivery of a document issued inside CongSo)."""
    agency = unit.agency()
    if by is not None:
        ensure_clerk(by, agency)
    if not abstract.strip():
        raise ValidationError(_("Trích yếu không được để trống."))
    if not sender_name.strip():
        raise ValidationError(_("Nơi gửi không được để trống."))
    if (
        urgency not in Urgency.values
        or secrecy not in Secrecy.values
        or channel not in Channel.values
    ):
        raise ValidationError(_("Độ khẩn, độ mật hoặc hình thức văn bản không hợp lệ."))
    uploads = _validated(files, SCAN_KINDS, by)
    if channel == Channel.PAPER and not uploads:
        raise ValidationError(_("Văn bản giấy phải kèm bản quét."))
    received_at = received_at or timezone.now()
    arrived_on = timezone.localdate(received_at)
    if document_date is not None and document_date > arrived_on:
        # A document cannot be issued after it arrived: a typing slip in one of the two dates.
        raise ValidationError(
            {
                "document_date": _(
                    "Ngày văn bản (%(date)s) sau ngày đến (%(arrived)s): văn bản không thể được "
                    "ban hành sau khi đã đến. Kiểm tra lại ngày văn bản và ngày đến."
                )
                % {"date": f"{document_date:%d/%m/%Y}", "arrived": f"{arrived_on:%d/%m/%Y}"}
            }
        )
    year = timezone.localtime(received_at).year
    series = _series(secrecy)
    number = next_number(agency, year, Register.INCOMING, series)
    doc = IncomingDocument.objects.create(
        unit=agency,
        holder=agency,
        year=year,
        series=series,
        number=number,
        received_at=received_at,
        sender_name=sender_name.strip()[:300],
        sender_unit=sender_unit,
        sender_organ_id=sender_organ_id[:35],
        number_symbol=number_symbol.strip()[:100],
        document_date=document_date,
        kind=kind,
        abstract=abstract.strip(),
        signer_name=signer_name[:200],
        urgency=urgency,
        secrecy=secrecy,
        channel=channel,
        page_count=max(1, page_count),
        due_date=due_date,
        note=note[:300],
        registered_by=by,
        source=source,
    )
    _attach(uploads, incoming=doc)
    audit_record(
        actor=by,
        action="incoming.register",
        target=doc,
        unit=agency,
        data={"number": number, "year": year, "series": series, "channel": channel},
    )
    _packet(doc, PacketCode.ARRIVED, by=by)
    _reindex_incoming(doc.pk)
    return doc


@transaction.atomic
def incoming_present(*, doc: IncomingDocument, by: Any, leader: Any) -> IncomingDocument:
    """Present the document to a leader of the agency (trình lãnh đạo); a document from an
    agency inside CongSo is then reported accepted (03)."""
    doc = _lock_incoming(doc)
    ensure_clerk(by, doc.holder)
    if doc.holder_id not in scope_for(leader).leader_of:
        raise ValidationError(_("Người được trình phải là lãnh đạo của cơ quan."))
    ensure_transition(INCOMING_TRANSITIONS, doc.status, IncomingStatus.PRESENTED, IN_LABELS)
    doc.status = IncomingStatus.PRESENTED
    doc.presented_to = leader
    doc.save(update_fields=["status", "presented_to"])
    HandlingNote.objects.create(
        incoming=doc,
        by=by,
        status=doc.status,
        text=_("Trình lãnh đạo: %(name)s") % {"name": leader.get_full_name()},
    )
    audit_record(
        actor=by, action="incoming.present", target=doc, unit=doc.holder, data={"leader": leader.pk}
    )
    _packet(doc, PacketCode.ACCEPTED, by=by)
    _reindex_incoming(doc.pk)
    return doc


@transaction.atomic
def incoming_direct(
    *,
    doc: IncomingDocument,
    by: Any,
    instruction: str,
    receiver: Any = None,
    lead_unit: Unit | None = None,
    supporting_units: Sequence[Unit] = (),
    deadline_days: int | None = None,
) -> Assignment:
    """Record the leader's direction (ý kiến chỉ đạo): who receives it, the lead unit and the
    supporting units, the instruction and a deadline in working days of the agency's
    calendar. Reported to a sender inside CongSo as assigned (04)."""
    doc = _lock_incoming(doc)
    scope = scope_for(by)
    if not (scope.superuser or doc.holder_id in scope.leader_of or doc.presented_to_id == by.pk):
        raise PermissionDenied(_("Chỉ lãnh đạo được trình văn bản mới được cho ý kiến chỉ đạo."))
    ensure_transition(INCOMING_TRANSITIONS, doc.status, IncomingStatus.DIRECTED, IN_LABELS)
    if not instruction.strip():
        raise ValidationError(_("Ý kiến chỉ đạo không được để trống."))
    if receiver is None and lead_unit is None:
        raise ValidationError(_("Chọn người nhận xử lý hoặc đơn vị chủ trì."))
    agency_units = set(doc.holder.subtree().values_list("pk", flat=True))
    for unit in [lead_unit, *supporting_units]:
        if unit is not None and unit.pk not in agency_units:
            raise ValidationError(_("Đơn vị %(name)s không thuộc cơ quan.") % {"name": unit.name})
    if deadline_days is not None and not 1 <= deadline_days <= 365:
        raise ValidationError(_("Thời hạn phải từ 1 đến 365 ngày làm việc."))
    now = timezone.now()
    due = _due(doc.holder, now, deadline_days) if deadline_days else None
    assignment = Assignment.objects.create(
        incoming=doc,
        by=by,
        receiver=receiver,
        lead_unit=lead_unit,
        instruction=instruction.strip(),
        deadline_days=deadline_days,
        due_at=due,
    )
    assignment.supporting_units.set(supporting_units)
    doc.status = IncomingStatus.DIRECTED
    doc.handler = receiver
    doc.handling_unit = lead_unit
    doc.handling_due_at = due
    doc.handover_date = timezone.localdate(now)
    doc.save(
        update_fields=["status", "handler", "handling_unit", "handling_due_at", "handover_date"]
    )
    HandlingNote.objects.create(incoming=doc, by=by, status=doc.status, text=instruction.strip())
    audit_record(
        actor=by,
        action="incoming.direct",
        target=doc,
        unit=doc.holder,
        data={
            "receiver": getattr(receiver, "pk", None),
            "lead_unit": getattr(lead_unit, "pk", None),
            "supporting": [u.pk for u in supporting_units],
            "deadline_days": deadline_days,
            "due_at": due,
        },
    )
    _packet(doc, PacketCode.ASSIGNED, by=by)
    receiver_email = getattr(receiver, "email", "")
    if receiver_email:
        notify_queue(
            event="incoming.direct",
            reference=f"incoming:{doc.pk}",
            email=receiver_email,
            subject=str(_("Văn bản đến số %(n)s cần xử lý") % {"n": doc.number}),
            body=doc.abstract,
        )
    _reindex_incoming(doc.pk)
    return assignment


def _can_handle(user: Any, doc: IncomingDocument) -> bool:
    scope = scope_for(user)
    if scope.superuser or doc.holder_id in scope.leader_of:
        return True
    if doc.handler_id == user.pk:
        return True
    return doc.handling_unit_id is not None and doc.handling_unit_id in scope.unit_ids


@transaction.atomic
def incoming_progress(*, doc: IncomingDocument, by: Any, text: str) -> HandlingNote:
    """Add a progress note; the first one moves the document to “being handled” and reports
    processing (05) to a sender inside CongSo."""
    doc = _lock_incoming(doc)
    if not _can_handle(by, doc):
        raise PermissionDenied(_("Bạn không được giao xử lý văn bản này."))
    if not text.strip():
        raise ValidationError(_("Nội dung tiến độ không được để trống."))
    if doc.status != IncomingStatus.IN_PROGRESS:
        ensure_transition(INCOMING_TRANSITIONS, doc.status, IncomingStatus.IN_PROGRESS, IN_LABELS)
        doc.status = IncomingStatus.IN_PROGRESS
        doc.save(update_fields=["status"])
        _packet(doc, PacketCode.PROCESSING, by=by)
    note = HandlingNote.objects.create(incoming=doc, by=by, status=doc.status, text=text.strip())
    audit_record(
        actor=by, action="incoming.progress", target=doc, unit=doc.holder, data={"note": note.pk}
    )
    _reindex_incoming(doc.pk)
    return note


@transaction.atomic
def incoming_complete(
    *, doc: IncomingDocument, by: Any, text: str, reply: OutgoingDocument | None = None
) -> IncomingDocument:
    """Close the handling, optionally linking the reply (an outgoing document of the same
    agency); reports done (06) to a sender inside CongSo."""
    doc = _lock_incoming(doc)
    if not _can_handle(by, doc):
        raise PermissionDenied(_("Bạn không được giao xử lý văn bản này."))
    ensure_transition(INCOMING_TRANSITIONS, doc.status, IncomingStatus.DONE, IN_LABELS)
    if reply is not None and reply.agency_id != doc.holder_id:
        raise ValidationError(_("Văn bản trả lời phải do cùng cơ quan ban hành."))
    doc.status = IncomingStatus.DONE
    doc.completed_at = timezone.now()
    doc.reply = reply
    doc.save(update_fields=["status", "completed_at", "reply"])
    HandlingNote.objects.create(
        incoming=doc, by=by, status=doc.status, text=text.strip() or str(_("Hoàn thành xử lý."))
    )
    audit_record(
        actor=by,
        action="incoming.complete",
        target=doc,
        unit=doc.holder,
        data={"reply": getattr(reply, "pk", None)},
    )
    _packet(doc, PacketCode.DONE, by=by, note=reply.number_symbol if reply else "")
    _reindex_incoming(doc.pk)
    return doc


@transaction.atomic
def incoming_refuse(*, doc: IncomingDocument, by: Any, reason: str) -> IncomingDocument:
    """Refuse an electronic document delivered by mistake (code 02 back to the sender)."""
    doc = _lock_incoming(doc)
    ensure_clerk(by, doc.holder)
    ensure_transition(INCOMING_TRANSITIONS, doc.status, IncomingStatus.REFUSED, IN_LABELS)
    if not reason.strip():
        raise ValidationError(_("Nêu lý do từ chối."))
    doc.status = IncomingStatus.REFUSED
    doc.save(update_fields=["status"])
    HandlingNote.objects.create(incoming=doc, by=by, status=doc.status, text=reason.strip())
    audit_record(
        actor=by, action="incoming.refuse", target=doc, unit=doc.holder, data={"reason": reason}
    )
    _packet(doc, PacketCode.REFUSED, by=by, note=reason)
    _reindex_incoming(doc.pk)
    return doc


@transaction.atomic
def incoming_answer_recall(
    *, doc: IncomingDocument, by: Any, accept: bool, reason: str = ""
) -> IncomingDocument:
    """Answer the sender's recall request: accept (15, the copy is recalled) or refuse (16).
    When every recipient inside CongSo has accepted, the outgoing document is recalled."""
    doc = _lock_incoming(doc)
    scope = scope_for(by)
    if not (scope.superuser or doc.holder_id in scope.agency_wide):
        raise PermissionDenied(_("Chỉ văn thư hoặc lãnh đạo cơ quan nhận được trả lời thu hồi."))
    if not doc.recall_requested:
        raise ValidationError(_("Bên gửi chưa đề nghị thu hồi văn bản này."))
    if accept:
        ensure_transition(INCOMING_TRANSITIONS, doc.status, IncomingStatus.RECALLED, IN_LABELS)
        doc.status = IncomingStatus.RECALLED
    doc.recall_requested = False
    doc.save(update_fields=["status", "recall_requested"])
    HandlingNote.objects.create(
        incoming=doc,
        by=by,
        status=doc.status,
        text=(_("Đồng ý thu hồi.") if accept else _("Từ chối thu hồi: %(r)s") % {"r": reason}),
    )
    audit_record(
        actor=by,
        action="incoming.recall_answer",
        target=doc,
        unit=doc.holder,
        data={"accept": accept, "reason": reason},
    )
    _packet(
        doc, PacketCode.RECALL_ACCEPTED if accept else PacketCode.RECALL_REFUSED, by=by, note=reason
    )
    if doc.source_id is not None:
        _settle_recall(Recipient.objects.get(pk=doc.source_id).outgoing_id)
    _reindex_incoming(doc.pk)
    return doc


def _settle_recall(outgoing_id: int) -> None:
    out = OutgoingDocument.objects.select_for_update().get(pk=outgoing_id)
    if out.status != OutgoingStatus.RECALL_REQUESTED:
        return
    codes = list(out.recipients.filter(unit__isnull=False).values_list("status", flat=True))
    if any(c == PacketCode.RECALL_REQUESTED for c in codes):
        return  # still waiting for answers
    new = (
        OutgoingStatus.RECALLED
        if all(c == PacketCode.RECALL_ACCEPTED for c in codes)
        else OutgoingStatus.ISSUED
    )
    ensure_transition(OUTGOING_TRANSITIONS, out.status, new, OUT_LABELS)
    out.status = new
    out.save(update_fields=["status"])
    audit_record(
        actor=None,
        action="outgoing.recall_settled",
        target=out,
        unit=out.agency_id,
        data={"status": new},
    )
    _reindex_outgoing(out.pk)


def incoming_remind_overdue(*, now: dt.datetime | None = None) -> int:
    """E-mail the handlers of documents past their handling deadline (once a day each).
    Returns how many documents were reminded."""
    now = now or timezone.now()
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    overdue = (
        IncomingDocument.objects.filter(status__in=INCOMING_OPEN, handling_due_at__lt=now)
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=today_start))
        .select_related("handler", "unit")
    )
    count = 0
    for doc in overdue:
        # The reminder is queued in the same transaction that marks the document reminded, so
        # a reminder is sent (by the outbox, with retries) exactly when it is recorded.
        with transaction.atomic():
            if doc.handler and doc.handler.email:
                notify_queue(
                    event="incoming.overdue",
                    reference=f"incoming:{doc.pk}",
                    email=doc.handler.email,
                    subject=str(_("Văn bản đến số %(n)s quá hạn xử lý") % {"n": doc.number}),
                    body=str(
                        _("Văn bản “%(a)s” đã quá hạn xử lý từ %(d)s.")
                        % {
                            "a": doc.abstract[:200],
                            "d": timezone.localtime(doc.handling_due_at).strftime("%d/%m/%Y %H:%M"),
                        }
                    ),
                )
            IncomingDocument.objects.filter(pk=doc.pk).update(reminded_at=now)
        count += 1
    return count


# ---------------------------------------------------------------- outgoing


@transaction.atomic
def outgoing_create_draft(
    *,
    by: Any,
    drafting_unit: Unit,
    kind: DocumentKind,
    abstract: str,
    signer: Any,
    draft: Upload,
    urgency: str = Urgency.NORMAL,
    secrecy: str = Secrecy.NORMAL,
    signer_position: str = "",
    reviewers: Sequence[Any] = (),
    due_date: dt.date | None = None,
    reply_to: IncomingDocument | None = None,
    copies: int = 1,
    keeping_unit: str = "",
) -> OutgoingDocument:
    """Create a draft (dự thảo) from a DOCX or PDF file with its review chain (in order)."""
    agency = drafting_unit.agency()
    ensure_member(by, agency)
    if not abstract.strip():
        raise ValidationError(_("Trích yếu không được để trống."))
    if urgency not in Urgency.values or secrecy not in Secrecy.values:
        raise ValidationError(_("Độ khẩn hoặc độ mật không hợp lệ."))
    if signer.pk not in set(_agency_leader_ids(agency)):
        raise ValidationError(_("Người ký phải là lãnh đạo của %(unit)s.") % {"unit": agency.name})
    [checked] = _validated([draft], DRAFT_KINDS, by)
    if reply_to is not None and reply_to.holder_id != agency.pk:
        raise ValidationError(_("Chỉ trả lời văn bản đến của cùng cơ quan."))
    doc = OutgoingDocument(
        agency=agency,
        drafting_unit=drafting_unit,
        kind=kind,
        abstract=abstract.strip(),
        urgency=urgency,
        secrecy=secrecy,
        signer=signer,
        created_by=by,
        signer_position=signer_position[:150],
        series=_series(secrecy),
        due_date=due_date,
        reply_to=reply_to,
        copies=max(1, copies),
        keeping_unit=keeping_unit[:200],
        place=agency.short_name or agency.name,
    )
    doc.draft.save(checked.checked.name, ContentFile(draft.data), save=False)
    doc.save()
    for order, reviewer in enumerate(reviewers, start=1):
        ReviewStep.objects.create(outgoing=doc, order=order, reviewer=reviewer)
    audit_record(
        actor=by,
        action="outgoing.create_draft",
        target=doc,
        unit=agency,
        data={"kind": kind.pk, "reviewers": [r.pk for r in reviewers]},
    )
    _reindex_outgoing(doc.pk)
    return doc


def _agency_leader_ids(agency: Unit) -> list[int]:
    from congso.org.models import Role, RoleAssignment

    return list(
        RoleAssignment.objects.filter(unit=agency, role=Role.UNIT_LEADER).values_list(
            "staff__user_id", flat=True
        )
    )


def _current_round(doc: OutgoingDocument) -> int:
    return max([s.round for s in doc.reviews.all()] or [1])


@transaction.atomic
def outgoing_submit_review(
    *, doc: OutgoingDocument, by: Any, draft: Upload | None = None
) -> OutgoingDocument:
    """Send the draft up the review chain (a new round after a rejection, optionally with a
    revised file). Without reviewers the draft is approved at once."""
    doc = _lock_outgoing(doc)
    if by.pk != doc.created_by_id:
        raise PermissionDenied(_("Chỉ người soạn thảo được trình duyệt."))
    if draft is not None:
        [checked] = _validated([draft], DRAFT_KINDS, by)
        doc.draft.save(checked.checked.name, ContentFile(draft.data), save=False)
    steps = list(doc.reviews.all())
    if not steps:
        ensure_transition(OUTGOING_TRANSITIONS, doc.status, OutgoingStatus.APPROVED, OUT_LABELS)
        doc.status = OutgoingStatus.APPROVED
    else:
        ensure_transition(OUTGOING_TRANSITIONS, doc.status, OutgoingStatus.IN_REVIEW, OUT_LABELS)
        current = _current_round(doc)
        if any(s.decision != ReviewDecision.PENDING for s in steps if s.round == current):
            # A rejected round: start a fresh one with the same reviewers in the same order.
            for s in [s for s in steps if s.round == current]:
                ReviewStep.objects.create(
                    outgoing=doc, order=s.order, reviewer_id=s.reviewer_id, round=current + 1
                )
        doc.status = OutgoingStatus.IN_REVIEW
    doc.save()
    audit_record(
        actor=by,
        action="outgoing.submit_review",
        target=doc,
        unit=doc.agency,
        data={"status": doc.status},
    )
    return doc


def _pending_step(doc: OutgoingDocument) -> ReviewStep | None:
    current = _current_round(doc)
    for step in doc.reviews.filter(round=current).order_by("order"):
        if step.decision == ReviewDecision.PENDING:
            return step
        if step.decision == ReviewDecision.REJECTED:
            return None
    return None


@transaction.atomic
def outgoing_review(*, doc: OutgoingDocument, by: Any, approve: bool, note: str = "") -> ReviewStep:
    """The current reviewer approves (the next one gets it; after the last the draft is
    approved) or rejects (back to the drafter)."""
    doc = _lock_outgoing(doc)
    if doc.status != OutgoingStatus.IN_REVIEW:
        raise ValidationError(_("Dự thảo không ở bước trình duyệt."))
    step = _pending_step(doc)
    if step is None or step.reviewer_id != by.pk:
        raise PermissionDenied(_("Dự thảo chưa đến lượt bạn duyệt."))
    if not approve and not note.strip():
        raise ValidationError(_("Nêu ý kiến khi yêu cầu sửa dự thảo."))
    step.decision = ReviewDecision.APPROVED if approve else ReviewDecision.REJECTED
    step.note = note.strip()
    step.decided_at = timezone.now()
    step.save()
    if not approve:
        ensure_transition(OUTGOING_TRANSITIONS, doc.status, OutgoingStatus.DRAFT, OUT_LABELS)
        doc.status = OutgoingStatus.DRAFT
    elif _pending_step(doc) is None:
        ensure_transition(OUTGOING_TRANSITIONS, doc.status, OutgoingStatus.APPROVED, OUT_LABELS)
        doc.status = OutgoingStatus.APPROVED
    doc.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="outgoing.approve" if approve else "outgoing.reject",
        target=doc,
        unit=doc.agency,
        data={"step": step.pk, "note": note},
    )
    return step


def outgoing_approve(*, doc: OutgoingDocument, by: Any, note: str = "") -> ReviewStep:
    """Approve the draft at the caller's step of the review chain."""
    return outgoing_review(doc=doc, by=by, approve=True, note=note)


def outgoing_reject(*, doc: OutgoingDocument, by: Any, note: str) -> ReviewStep:
    """Send the draft back to the drafter with the reviewer's note."""
    return outgoing_review(doc=doc, by=by, approve=False, note=note)


def outgoing_notation(doc: OutgoingDocument) -> str:
    """The symbol part of the number-symbol (DOMAIN §6): ``QĐ-UBND`` for kinds with an
    abbreviation; for a công văn ``UBND-VP`` (agency - drafting unit), or ``UBND`` when the
    agency drafted it itself."""
    agency_abbr = doc.agency.abbreviation or "UBND"
    if doc.kind.abbreviation:
        return f"{doc.kind.abbreviation}-{agency_abbr}"
    if doc.drafting_unit_id != doc.agency_id and doc.drafting_unit.abbreviation:
        return f"{agency_abbr}-{doc.drafting_unit.abbreviation}"
    return agency_abbr


def outgoing_sign(
    *, doc: OutgoingDocument, by: Any, pin: str, pdf: Upload | None = None
) -> OutgoingDocument:
    """Sign the final PDF digitally after the signer's PIN is checked (ADR 0076): the system
    takes the number and symbol (per agency and year, secret series apart) and draws them with
    the place and date of issue into ô 3 and ô 4 of page 1, then the signer's visible signature
    (ô 7) and the agency's seal signature over its left third (ô 8), whose reason also carries
    the number (ADRs 0051, 0077). All in one transaction: a failure gives the number back.
    A DOCX draft needs ``pdf``, the final PDF."""
    from congso.signing import marks
    from congso.signing.pins import signer_pin_check
    from congso.signing.services import sign_pdf

    # Who and what first (on the stored row: the caller's copy may be stale), so tries by
    # someone who may not sign never touch a PIN; then the PIN, before the transaction: a
    # wrong one is counted even though signing stops here.
    current = OutgoingDocument.objects.only("status", "signer_id").get(pk=doc.pk)
    if by.pk != current.signer_id:
        raise PermissionDenied(_("Chỉ người ký được chỉ định mới được ký văn bản."))
    ensure_transition(OUTGOING_TRANSITIONS, current.status, OutgoingStatus.SIGNED, OUT_LABELS)
    signer_pin_check(user=by, pin=pin)
    with transaction.atomic():
        return _outgoing_sign_locked(doc=doc, by=by, pdf=pdf, marks=marks, sign_pdf=sign_pdf)


def _outgoing_sign_locked(
    *, doc: OutgoingDocument, by: Any, pdf: Upload | None, marks: Any, sign_pdf: Any
) -> OutgoingDocument:
    doc = _lock_outgoing(doc)
    if by.pk != doc.signer_id:
        raise PermissionDenied(_("Chỉ người ký được chỉ định mới được ký văn bản."))
    ensure_transition(OUTGOING_TRANSITIONS, doc.status, OutgoingStatus.SIGNED, OUT_LABELS)
    if pdf is not None:
        _validated([pdf], SIGNED_KINDS, by)
        data = pdf.data
    elif (doc.draft.name or "").lower().endswith(".pdf"):
        with doc.draft.open("rb") as fh:
            data = fh.read()
    else:
        raise ValidationError(_("Dự thảo là tệp DOCX: hãy tải lên bản PDF cuối cùng để ký."))
    place = doc.place or doc.agency.name
    now = timezone.now()
    year = timezone.localtime(now).year
    doc.year = year
    # The counter row stays locked until commit; a failure below releases the number.
    doc.number = next_number(doc.agency, year, Register.OUTGOING, doc.series)
    doc.notation = outgoing_notation(doc)
    data = marks.stamp_issue(
        data, number_symbol=doc.number_symbol, place=place, day=timezone.localdate(now)
    )
    signer_name = by.get_full_name()
    page, signer_box, seal_box = marks.signature_boxes(data, signer_name)
    signed = sign_pdf(
        data,
        unit=doc.agency,
        signer_name=signer_name,
        personal=True,
        reason=str(_("Ký ban hành")),
        location=place,
        field_name="NguoiKy",
        mark=marks.signer_mark(
            page,
            signer_box,
            signer_name=signer_name,
            position=doc.signer_position,
            agency_name=doc.agency.name,
        ),
    )
    signed = sign_pdf(
        signed,
        unit=doc.agency,
        signer_name=doc.agency.name,
        reason=str(_("Số: %(ns)s")) % {"ns": doc.number_symbol},
        location=place,
        field_name="CoQuan",
        mark=marks.agency_mark(page, seal_box, agency_name=doc.agency.name),
    )
    doc.final_pdf.save(
        f"{doc.notation.replace('/', '-')}-{doc.number:02d}-{year}.pdf",
        ContentFile(signed),
        save=False,
    )
    doc.signed_at = now
    doc.status = OutgoingStatus.SIGNED
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        raise ValidationError(_("Số văn bản đã được dùng; vui lòng thử lại."))
    audit_record(
        actor=by,
        action="outgoing.sign",
        target=doc,
        unit=doc.agency,
        data={
            "number": doc.number,
            "notation": doc.notation,
            "year": year,
            "series": doc.series,
            "second_factor": "pin",
        },
    )
    _reindex_outgoing(doc.pk)
    return doc


@dataclass
class ExternalRecipient:
    """A recipient outside CongSo: reached through the exchange (trục liên thông) by its agency
    code (mã định danh), or marked ``outside_exchange`` (sent on paper or by e-mail, no edXML
    package)."""

    name: str
    organ_id: str = ""
    outside_exchange: bool = False


def _checked_external(ext: ExternalRecipient) -> ExternalRecipient:
    """The recipient with its code normalised, or a Vietnamese refusal: a recipient on the
    exchange needs a valid code (QĐ 20/2020/QĐ-TTg, or the older QCVN 102:2016 form)."""
    name = ext.name.strip()
    if not name:
        raise ValidationError(_("Tên nơi nhận bên ngoài không được để trống."))
    code = ext.organ_id.strip().upper()
    if not code and not ext.outside_exchange:
        raise ValidationError(
            _(
                "Nơi nhận “%(name)s” cần mã định danh để gửi qua trục liên thông, hoặc đánh dấu "
                "gửi ngoài trục liên thông (gửi bản giấy, thư điện tử)."
            )
            % {"name": name[:300]}
        )
    if code:
        try:
            validate_agency_id(code)
        except ValidationError as exc:
            raise ValidationError(
                _("Nơi nhận “%(name)s”: %(error)s") % {"name": name[:300], "error": exc.messages[0]}
            ) from exc
    return ExternalRecipient(name[:300], code[:35], ext.outside_exchange)


@transaction.atomic
def outgoing_issue(
    *,
    doc: OutgoingDocument,
    by: Any,
    units: Sequence[Unit] = (),
    external: Sequence[ExternalRecipient] = (),
) -> OutgoingDocument:
    """Issue a signed document (phát hành). Agencies inside CongSo receive it at once in their
    incoming register (and their arrival, 01, comes back); recipients outside get an edXML
    package (QCVN 102:2016) kept on the recipient row for download and written to the outbox."""
    from .edxml import build_package

    doc = _lock_outgoing(doc)
    ensure_clerk(by, doc.agency)
    ensure_transition(OUTGOING_TRANSITIONS, doc.status, OutgoingStatus.ISSUED, OUT_LABELS)
    if not units and not external:
        raise ValidationError(_("Chọn ít nhất một nơi nhận."))
    external = [_checked_external(ext) for ext in external]  # before anything is sent
    agencies = {}
    for unit in units:
        agency = unit.agency()
        if agency.pk == doc.agency_id:
            raise ValidationError(_("Không gửi văn bản cho chính cơ quan ban hành."))
        if agency.dissolved_at:
            raise ValidationError(
                _("Cơ quan %(name)s đã giải thể hoặc sáp nhập.") % {"name": agency.name}
            )
        agencies[agency.pk] = agency
    now = timezone.now()
    doc.status = OutgoingStatus.ISSUED
    doc.issued_at = now
    doc.save(update_fields=["status", "issued_at"])
    with doc.final_pdf.open("rb") as fh:
        signed = fh.read()
    pdf_name = (doc.final_pdf.name or "signed.pdf").rsplit("/", 1)[-1]
    for agency in agencies.values():
        recipient = Recipient.objects.create(
            outgoing=doc, unit=agency, name=agency.name, organ_id=agency.agency_id, sent_at=now
        )
        incoming_register(
            by=None,
            unit=agency,
            sender_name=doc.agency.name,
            sender_unit=doc.agency,
            sender_organ_id=doc.agency.agency_id,
            abstract=doc.abstract,
            kind=doc.kind,
            number_symbol=doc.number_symbol,
            document_date=timezone.localdate(doc.signed_at) if doc.signed_at else None,
            received_at=now,
            signer_name=doc.signer.get_full_name(),
            urgency=doc.urgency,
            secrecy=doc.secrecy,
            channel=Channel.ELECTRONIC,
            page_count=doc.page_count,
            due_date=doc.due_date,
            files=[Upload(pdf_name, signed, "application/pdf")],
            source=recipient,
        )
    outbox = settings.OUTBOX_DIR
    for ext in external:
        recipient = Recipient.objects.create(
            outgoing=doc,
            name=ext.name,
            organ_id=ext.organ_id,
            outside_exchange=ext.outside_exchange,
            sent_at=now,
        )
        if ext.outside_exchange:
            continue  # sent on paper or by e-mail by the clerk: no package for the exchange
        package = build_package(doc, recipient, signed, pdf_name)
        recipient.package.save(
            f"edxml-{doc.pk}-{recipient.pk}.xml", ContentFile(package), save=True
        )
        path = (
            outbox
            / "edxml"
            / f"{doc.agency.agency_id or doc.agency_id}-{doc.pk}-{recipient.pk}.xml"
        )
        from .tasks import write_edxml_outbox

        enqueue(write_edxml_outbox, str(path), recipient.pk)
    audit_record(
        actor=by,
        action="outgoing.issue",
        target=doc,
        unit=doc.agency,
        data={
            "units": list(agencies),
            "external": [e.name for e in external if not e.outside_exchange],
            "outside_exchange": [e.name for e in external if e.outside_exchange],
        },
    )
    _reindex_outgoing(doc.pk)
    return doc


def edxml_to_outbox(path: str, recipient_pk: int) -> None:
    """Copy a recipient's stored edXML package to the exchange outbox (the job behind
    ``write_edxml_outbox``; writing the same file again is harmless)."""
    from pathlib import Path

    recipient = Recipient.objects.filter(pk=recipient_pk).first()
    if recipient is None or not recipient.package:
        return
    with recipient.package.open("rb") as fh:
        data = fh.read()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)


@transaction.atomic
def outgoing_recall(*, doc: OutgoingDocument, by: Any, reason: str) -> OutgoingDocument:
    """Ask every recipient to give an issued document back (13). Recipients inside CongSo
    answer 15 or 16 on their copy; with no recipient inside CongSo it is recalled at once."""
    doc = _lock_outgoing(doc)
    scope = scope_for(by)
    if not (scope.superuser or doc.agency_id in scope.agency_wide or by.pk == doc.signer_id):
        raise PermissionDenied(
            _("Chỉ người ký, lãnh đạo hoặc văn thư cơ quan được thu hồi văn bản.")
        )
    ensure_transition(OUTGOING_TRANSITIONS, doc.status, OutgoingStatus.RECALL_REQUESTED, OUT_LABELS)
    if not reason.strip():
        raise ValidationError(_("Nêu lý do thu hồi."))
    doc.status = OutgoingStatus.RECALL_REQUESTED
    doc.save(update_fields=["status"])
    now = timezone.now()
    # Recipients that already gave their copy back (a previous recall) are not asked again.
    for recipient in doc.recipients.select_for_update().exclude(status=PacketCode.RECALL_ACCEPTED):
        StatusPacket.objects.create(
            recipient=recipient,
            code=PacketCode.RECALL_REQUESTED,
            note=reason[:300],
            by_name=by.get_full_name()[:200],
            at=now,
        )
        recipient.status = PacketCode.RECALL_REQUESTED
        recipient.save(update_fields=["status"])
        if recipient.unit_id is None:
            # Outside CongSo nobody answers here; their answer arrives as a status packet.
            recipient.status = PacketCode.RECALL_ACCEPTED
            recipient.save(update_fields=["status"])
    IncomingDocument.objects.filter(source__outgoing=doc).exclude(
        status__in=[IncomingStatus.RECALLED, IncomingStatus.REFUSED]
    ).update(recall_requested=True)
    audit_record(
        actor=by, action="outgoing.recall", target=doc, unit=doc.agency, data={"reason": reason}
    )
    _settle_recall(doc.pk)
    doc.refresh_from_db()
    return doc


# ---------------------------------------------------------------- edXML import


@transaction.atomic
def edxml_import(*, by: Any, unit: Unit, data: bytes) -> IncomingDocument:
    """Register an incoming document from an edXML package (QCVN 102:2016). A malformed
    package raises a ValidationError naming the element at fault and imports nothing."""
    from congso.org.models import Unit as UnitModel

    from .edxml import parse_package

    ensure_clerk(by, unit.agency())
    pkg = parse_package(data)
    kind = DocumentKind.objects.filter(name=pkg.type_name).first() or (
        DocumentKind.objects.filter(abbreviation=pkg.kind_abbreviation).first()
        if pkg.kind_abbreviation
        else None
    )
    sender_unit = (
        UnitModel.objects.filter(agency_id=pkg.from_organ_id).first() if pkg.from_organ_id else None
    )
    return incoming_register(
        by=by,
        unit=unit,
        sender_name=pkg.from_name,
        sender_unit=sender_unit,
        sender_organ_id=pkg.from_organ_id,
        abstract=pkg.subject,
        kind=kind,
        number_symbol=pkg.number_symbol,
        document_date=pkg.promulgation_date,
        signer_name=pkg.signer_name,
        urgency=pkg.urgency,
        channel=Channel.ELECTRONIC,
        page_count=pkg.pages,
        due_date=pkg.due_date,
        files=[Upload(a.name, a.data, a.content_type) for a in pkg.attachments],
    )


# ---------------------------------------------------------------- work files


@transaction.atomic
def work_file_create(
    *,
    by: Any,
    unit: Unit,
    year: int,
    code: str,
    title: str,
    retention_years: int | None,
    owner: Any = None,
    started_on: dt.date | None = None,
) -> WorkFile:
    """Add a file to the agency's annual file plan (danh mục hồ sơ)."""
    agency = unit.agency()
    ensure_member(by, agency)
    if not code.strip() or not title.strip():
        raise ValidationError(_("Ký hiệu và tiêu đề hồ sơ không được để trống."))
    if retention_years is not None and not 1 <= retention_years <= 100:
        raise ValidationError(_("Thời hạn bảo quản từ 1 đến 100 năm, hoặc vĩnh viễn."))
    if WorkFile.objects.filter(unit=agency, year=year, code=code.strip()).exists():
        raise ValidationError(
            _("Ký hiệu hồ sơ %(code)s đã có trong danh mục năm %(year)s.")
            % {"code": code, "year": year}
        )
    wf = WorkFile.objects.create(
        unit=agency,
        year=year,
        code=code.strip()[:50],
        title=title.strip()[:300],
        retention_years=retention_years,
        owner=owner or by,
        started_on=started_on or timezone.localdate(),
    )
    audit_record(
        actor=by, action="work_file.create", target=wf, unit=agency, data={"code": wf.code}
    )
    return wf


def _ensure_file_owner(by: Any, wf: WorkFile) -> None:
    scope = scope_for(by)
    if not (scope.superuser or wf.owner_id == by.pk or wf.unit_id in scope.agency_wide):
        raise PermissionDenied(_("Chỉ người lập hồ sơ, văn thư hoặc lãnh đạo được thay đổi hồ sơ."))


@transaction.atomic
def work_file_add(
    *,
    wf: WorkFile,
    by: Any,
    incoming: IncomingDocument | None = None,
    outgoing: OutgoingDocument | None = None,
    dossier_code: str = "",
    title: str = "",
) -> WorkFileItem:
    """Put a document, or a one-stop dossier by its code, into an open work file."""
    wf = WorkFile.objects.select_for_update().get(pk=wf.pk)
    _ensure_file_owner(by, wf)
    if wf.state != WorkFileState.OPEN:
        raise ValidationError(_("Hồ sơ đã đóng, không thêm được văn bản."))
    if sum(x is not None and x != "" for x in (incoming, outgoing, dossier_code)) != 1:
        raise ValidationError(_("Chọn đúng một văn bản hoặc hồ sơ một cửa."))
    if incoming is not None and incoming.holder_id != wf.unit_id:
        raise ValidationError(_("Văn bản không thuộc cơ quan của hồ sơ."))
    if outgoing is not None and outgoing.agency_id != wf.unit_id:
        raise ValidationError(_("Văn bản không thuộc cơ quan của hồ sơ."))
    dossier_code = dossier_code.strip()
    if dossier_code and not dossier_codes_visible(by, {dossier_code}):
        # Missing and not yours look the same; a code is filed only by someone who may see it.
        raise ValidationError(
            _("Không tìm thấy hồ sơ một cửa có mã %(code)s.") % {"code": dossier_code[:60]}
        )
    try:
        with transaction.atomic():
            item = WorkFileItem.objects.create(
                work_file=wf,
                incoming=incoming,
                outgoing=outgoing,
                item_kind="dossier" if dossier_code else "",
                item_code=dossier_code.strip()[:60],
                title=(
                    title
                    or (
                        incoming.abstract
                        if incoming
                        else outgoing.abstract
                        if outgoing
                        else dossier_code
                    )
                )[:300],
            )
    except IntegrityError:
        raise ValidationError(_("Văn bản đã có trong hồ sơ."))
    audit_record(
        actor=by, action="work_file.add", target=wf, unit=wf.unit_id, data={"item": item.pk}
    )
    return item


@transaction.atomic
def work_file_close(*, wf: WorkFile, by: Any, ended_on: dt.date | None = None) -> WorkFile:
    """Close a work file (kết thúc hồ sơ); it is then due to the agency archive within a year."""
    wf = WorkFile.objects.select_for_update().get(pk=wf.pk)
    _ensure_file_owner(by, wf)
    if wf.state != WorkFileState.OPEN:
        raise ValidationError(_("Hồ sơ đã đóng."))
    wf.state = WorkFileState.CLOSED
    wf.ended_on = ended_on or timezone.localdate()
    wf.save(update_fields=["state", "ended_on"])
    audit_record(actor=by, action="work_file.close", target=wf, unit=wf.unit_id, data={})
    return wf


@transaction.atomic
def work_file_archive(*, wf: WorkFile, by: Any) -> WorkFile:
    """Record that a closed file was handed to the agency archive (nộp lưu cơ quan)."""
    wf = WorkFile.objects.select_for_update().get(pk=wf.pk)
    ensure_clerk(by, wf.unit)
    if wf.state != WorkFileState.CLOSED:
        raise ValidationError(_("Chỉ hồ sơ đã đóng mới được nộp lưu."))
    wf.state = WorkFileState.ARCHIVED
    wf.archived_on = timezone.localdate()
    wf.save(update_fields=["state", "archived_on"])
    audit_record(actor=by, action="work_file.archive", target=wf, unit=wf.unit_id, data={})
    return wf


# ---------------------------------------------------------------- unit merge


def move_documents_on_merge(source: Unit, successor: Unit) -> int:
    """Merge handler: open incoming documents, unsigned drafts and open work files of a merged
    agency move to its successor; departments' assignments follow too. Numbered documents keep
    their register (``unit``) so numbers stay unique; only their holder changes."""
    moved = IncomingDocument.objects.filter(holder=source, status__in=INCOMING_OPEN).update(
        holder=successor
    )
    IncomingDocument.objects.filter(handling_unit=source, status__in=INCOMING_OPEN).update(
        handling_unit=successor
    )
    moved += OutgoingDocument.objects.filter(
        agency=source,
        status__in=[OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW, OutgoingStatus.APPROVED],
    ).update(agency=successor)
    OutgoingDocument.objects.filter(
        drafting_unit=source,
        status__in=[OutgoingStatus.DRAFT, OutgoingStatus.IN_REVIEW, OutgoingStatus.APPROVED],
    ).update(drafting_unit=successor)
    taken = set(WorkFile.objects.filter(unit=successor).values_list("year", "code"))
    for wf in WorkFile.objects.filter(unit=source, state=WorkFileState.OPEN):
        if (wf.year, wf.code) not in taken:
            wf.unit = successor
            wf.save(update_fields=["unit"])
            moved += 1
    return moved
