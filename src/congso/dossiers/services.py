"""Every state change of a dossier. Each service owns its transaction, checks the caller's
role and the transition table, writes a StatusHistory row, an audit event and a national-portal
sync job, and sends notifications after commit. Services take ``at`` (default: now) so tests
and the demo can replay a dossier's life at realistic times; views and the API never pass it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.audit.services import audit_record
from congso.core.files import file_written, files_removed_on_failure
from congso.core.numbering import next_numbers
from congso.core.rows import insert_rows, pipelined, update_columns
from congso.core.templatetags.congso import vnd
from congso.core.uploads import (
    CheckedUpload,
    charge_upload_quota,
    validate_upload,
    validate_uploads,
)
from congso.org import policy
from congso.org.models import Staff, Unit, UnitKind
from congso.procedures.models import ProcedureVersion, RequiredPaper
from congso.procedures.selectors import version_content

from . import deadlines, fees
from .actions import (
    REGISTRY,
    StaleDossier,
    any_desk_place,
    assignable_staff,
    desk_of,
    ensure_receives,
    last_submission,
    open_supplement,
)
from .identity import birth_date_problem, identity_problem
from .models import (
    Apology,
    ApplicantKind,
    Attachment,
    Channel,
    Dossier,
    DossierCodeCounter,
    DossierPaper,
    DossierStep,
    Handover,
    Rating,
    RegisterCounter,
    RegisterEntry,
    ReturnMethod,
    Stage,
    Status,
    StatusHistory,
    Supplement,
    validate_identity,
)
from .notifications import notify_desk_supplement, notify_dossier, result_message_due
from .references import new_reference
from .sync import sync_enqueue
from .workflow import next_status


@dataclass
class Applicant:
    """What the applicant (or their proxy) declares at intake."""

    kind: str
    name: str
    id_number: str
    address: str = ""
    phone: str = ""
    email: str = ""
    proxy_name: str = ""
    proxy_id_number: str = ""
    birth_date: dt.date | None = None


@dataclass
class PaperReceived:
    paper: RequiredPaper
    originals: int = 0
    copies: int = 0


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


# ---------------------------------------------------------------------------------------------
# Codes and register rows


def _number(dossier: Dossier, at: dt.datetime) -> RegisterEntry:
    """Give an accepted dossier its code, ``<agency e-ID>-yyMMdd-NNNN`` (per agency,
    restarting daily), and its register row (form 6, per agency and year). The two counter
    rows stay locked until commit, so callers number a dossier as late as they can, with only
    writes after it; the unique constraints on the code and the register row are the last
    guard."""
    day = timezone.localdate(at)
    agency = dossier.agency
    last, number = next_numbers(
        (DossierCodeCounter, {"agency_id": agency.pk, "day": day}),
        (RegisterCounter, {"agency_id": agency.pk, "year": day.year}),
    )
    prefix = agency.agency_id or agency.stats_code or str(agency.pk)
    dossier.code = f"{prefix}-{day:%y%m%d}-{last:04d}"
    update_columns(dossier, ["code"])
    entry = RegisterEntry(agency=agency, year=day.year, number=number, dossier=dossier)
    insert_rows([entry])
    return entry


# ---------------------------------------------------------------------------------------------
# Shared steps of every transition


def _history(
    dossier: Dossier,
    action: str,
    from_status: int | None,
    by: Staff | None,
    at: dt.datetime,
    note: str = "",
    unit: Unit | None = None,
) -> StatusHistory:
    row = StatusHistory(
        dossier=dossier,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        unit=unit or dossier.handling_unit,
        actor=by,
        actor_name=by.name if by else "",
        note=note,
        at=at,
    )
    insert_rows([row])
    return row


def _audit(
    dossier: Dossier,
    action: str,
    by: Staff | None,
    from_status: int | None,
    data: dict[str, Any] | None = None,
) -> None:
    audit_record(
        actor=by.user if by else None,
        action=f"dossier.{action}",
        target=dossier,
        unit=dossier.handling_unit_id,
        data={
            "code": dossier.code,
            "from": from_status,
            "to": dossier.status,
            "stage": dossier.stage,
            **(data or {}),
        },
        key=False,
    )


def _lock(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update()
        .select_related(
            "procedure_version", "agency", "processing_agency", "receiving_unit", "handling_unit"
        )
        .get(pk=dossier.pk)
    )


def claim_version(dossier: Dossier, version: int | None) -> None:
    """Check and bump the dossier's version in one statement (UPDATE … WHERE version = n,
    ADR 0058): a caller that read an older version is refused with StaleDossier and nothing
    changes; without a version (internal callers, the demo) the version is bumped anyway.
    Inside the caller's transaction, so a refused or failed action gives the bump back."""
    rows = Dossier.objects.filter(pk=dossier.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if rows.update(version=F("version") + 1) == 0:
        current = Dossier.objects.filter(pk=dossier.pk).values_list("version", flat=True).first()
        raise StaleDossier(current or 0)


def _start(
    dossier: Dossier,
    action: str,
    by: Staff,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> tuple[Dossier, int]:
    """Claim the version, lock the dossier and ask the action's own question (status, stage,
    role at its units, conditions: actions.DossierAction.ensure); returns (locked dossier,
    old status)."""
    claim_version(dossier, version)
    locked = _lock(dossier)
    REGISTRY[action].ensure(locked, by, at)
    return locked, locked.status


def _finish(
    dossier: Dossier,
    action: str,
    by: Staff | None,
    old_status: int,
    at: dt.datetime,
    note: str = "",
    data: dict[str, Any] | None = None,
    unit: Unit | None = None,
) -> Dossier:
    dossier.status = next_status(old_status, action, previous=dossier.status_before_payment)
    if by is not None:
        dossier.supplement_answered_at = None  # an officer has acted since the applicant's answer
    dossier.save()
    _history(dossier, action, old_status, by, at, note, unit=unit)
    _audit(dossier, action, by, old_status, data)
    sync_enqueue(dossier, first=False)
    return dossier


def _finish_step(dossier: Dossier, at: dt.datetime) -> DossierStep | None:
    """Close the next open internal step and judge it against its own due time."""
    step = dossier.steps.filter(finished_at__isnull=True).order_by("order").first()
    if step is not None:
        step.finished_at = at
        step.timeliness = deadlines.judge(at, step.due_at)
        step.save(update_fields=["finished_at", "timeliness"])
        dossier.current_step = step.order
    return step


def _handover(
    dossier: Dossier,
    action: str,
    by: Staff | None,
    from_unit: Unit,
    to_unit: Unit,
    at: dt.datetime,
    *,
    to_staff: Staff | None = None,
    note: str = "",
) -> Handover:
    """A row of form 5: who passed the dossier to whom, and how the finished step fared."""
    # The receiver passing the dossier on confirms they received it.
    Handover.objects.filter(dossier=dossier, received_at__isnull=True).update(received_at=at)
    step = _finish_step(dossier, at)
    return Handover.objects.create(
        dossier=dossier,
        step=step,
        action=action,
        from_unit=from_unit,
        from_staff=by,
        from_name=by.name if by else "",
        to_unit=to_unit,
        to_staff=to_staff,
        sent_at=at,
        step_due_at=step.due_at if step else None,
        timeliness=step.timeliness if step else "",
        note=note,
    )


def _plan_steps(dossier: Dossier, start_at: dt.datetime) -> list[DossierStep]:
    """The dossier's internal steps, each due by its budget counted from ``start_at`` (never
    after the appointment); computed before any row is written or locked."""
    version = dossier.procedure_version
    total = Decimal(0)
    steps = []
    for internal in version_content(version).steps:
        total += internal.budget
        due = deadlines.due_for(dossier.agency, start_at, total, version.duration_kind)
        if dossier.due_at and due > dossier.due_at:
            due = dossier.due_at
        steps.append(
            DossierStep(
                dossier=dossier,
                order=internal.order,
                name=internal.name,
                actor=internal.actor,
                department=internal.department,
                budget=internal.budget,
                due_at=due,
            )
        )
    return steps


def _set_accepted(dossier: Dossier, at: dt.datetime) -> list[DossierStep]:
    """Status 2 with its appointment, and the planned steps (nothing written yet)."""
    version = dossier.procedure_version
    dossier.received_at = at
    dossier.due_at = deadlines.due_for(dossier.agency, at, version.duration, version.duration_kind)
    dossier.original_due_at = dossier.due_at
    dossier.stage = Stage.DESK
    dossier.status = Status.ACCEPTED
    return _plan_steps(dossier, at)


def _accept_now(dossier: Dossier, at: dt.datetime) -> None:
    """Give a waiting dossier its appointment, steps, code and register row (status 2); the
    counters are locked last (see _number)."""
    steps = _set_accepted(dossier, at)
    dossier.save()
    insert_rows(steps)
    _number(dossier, at)


# ---------------------------------------------------------------------------------------------
# Intake


def _validate_applicant(applicant: Applicant) -> None:
    if applicant.kind not in ApplicantKind.values:
        raise ValidationError(_("Loại chủ hồ sơ không hợp lệ."))
    if not applicant.name.strip():
        raise ValidationError({"applicant_name": _("Cần nhập tên chủ hồ sơ.")})
    problem = birth_date_problem(applicant.birth_date)
    if problem:
        raise ValidationError({"applicant_birth_date": problem})
    validate_identity(applicant.kind, applicant.id_number, applicant.birth_date)
    if applicant.proxy_name or applicant.proxy_id_number:
        problem = identity_problem(applicant.proxy_id_number)
        if problem:
            raise ValidationError({"proxy_id_number": problem})


def _new_dossier(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    applicant: Applicant,
    channel: int,
    at: dt.datetime,
    papers: Sequence[PaperReceived] = (),
    attachments: Sequence[UploadedFile] = (),
    request_summary: str = "",
    idempotency_key: str | None = None,
    applicant_user: Any = None,
    form_data: dict[str, Any] | None = None,
    uploaded_by: Any = None,
    accept: bool = False,
    reference: str | None = None,
    attachment_papers: Sequence[RequiredPaper | None] = (),
) -> Dossier:
    """Validate and write a new dossier with its papers and files; with ``accept`` it is
    written in status 2 with its appointment and steps, and the caller gives it its code and
    register row (_number) as late as it can."""
    _validate_applicant(applicant)
    if channel not in Channel.values:
        raise ValidationError(_("Kênh nộp hồ sơ không hợp lệ."))
    checked = [
        validate_upload(f) for f in attachments
    ]  # all files checked before anything is written
    agency = receiving_unit.agency()
    dossier = Dossier(
        procedure_version=version,
        agency=agency,
        receiving_unit=receiving_unit,
        processing_agency=agency,
        handling_unit=receiving_unit,
        stage=Stage.DESK,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_birth_date=applicant.birth_date,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        proxy_name=applicant.proxy_name,
        proxy_id_number=applicant.proxy_id_number,
        applicant_user=applicant_user,
        request_summary=request_summary,
        form_data=form_data or {},
        channel=channel,
        status=Status.NEW,
        submitted_at=at,
        idempotency_key=idempotency_key,
        fee_total=version_content(version).fee_total,
        reference=reference,
    )
    dossier.full_clean(
        exclude=[
            "code",
            "reference",
            "procedure_version",
            "agency",
            "receiving_unit",
            "processing_agency",
            "handling_unit",
            "idempotency_key",
        ],
        validate_unique=False,
        validate_constraints=False,
    )
    if any(got.paper.version_id != version.pk for got in papers):
        raise ValidationError(_("Giấy tờ không thuộc thủ tục đã chọn."))
    steps = _set_accepted(dossier, at) if accept else []
    insert_rows([dossier], returning=True)  # an accepted one gets its code last (_number)
    insert_rows(
        [
            DossierPaper(
                dossier=dossier,
                order=got.paper.order or i,
                name=got.paper.name,
                required=got.paper.required,
                originals=got.originals,
                copies=got.copies,
            )
            for i, got in enumerate(papers, start=1)
        ]
    )
    _attach(dossier, attachments, checked, uploaded_by, papers=attachment_papers)
    insert_rows(steps)  # planned before the dossier had its key: insert_rows sets it
    return dossier


def _attach(
    dossier: Dossier,
    uploads: Sequence[UploadedFile],
    checked: Sequence[CheckedUpload],
    uploaded_by: Any,
    supplement: Supplement | None = None,
    papers: Sequence[RequiredPaper | None] = (),
) -> list[Attachment]:
    """Store already-validated uploads as the dossier's attachments (named by content hash),
    each with the required paper it answers when the applicant said so (``papers``, in order)."""
    rows = []
    for i, (upload, ok) in enumerate(zip(uploads, checked, strict=True)):
        paper = papers[i] if i < len(papers) else None
        att = Attachment(
            dossier=dossier,
            original_name=(upload.name or "tep")[:255],
            content_type=ok.content_type,
            size=ok.size,
            sha256=ok.sha256,
            uploaded_by=uploaded_by,
            supplement=supplement,
            required_paper=paper,
        )
        upload.seek(0)
        att.file.save(f"{ok.sha256[:16]}{ok.extension}", ContentFile(upload.read()), save=False)
        file_written(att.file)  # removed again if the caller's transaction fails (core.files)
        att.save()
        rows.append(att)
    return rows


def _ensure_offered(version: ProcedureVersion, unit: Unit, at: dt.datetime) -> None:
    """The version is published, in force on ``at`` and received by ``unit``
    (selectors.receiving_condition, the rule the intake search uses too)."""
    from .selectors import receiving_condition

    agency = unit.agency()
    if not version.is_published:
        raise ValidationError(_("Phiên bản thủ tục chưa được công bố."))
    day = timezone.localdate(at)
    if version.valid_from > day or (version.valid_to and version.valid_to < day):
        raise ValidationError(_("Phiên bản thủ tục không còn hiệu lực."))
    if getattr(version, "_congso_received_by", None) == (agency.pk, day):
        return  # selectors.version_for_unit checked this unit and day when it read the version
    if not ProcedureVersion.objects.filter(
        receiving_condition(unit, "procedure__"), pk=version.pk
    ).exists():
        raise ValidationError(_("Đơn vị không tiếp nhận thủ tục này."))


@transaction.atomic
def dossier_receive(
    *,
    by: Staff,
    receiving_unit: Unit,
    version: ProcedureVersion,
    applicant: Applicant,
    channel: int = Channel.COUNTER,
    papers: Sequence[PaperReceived] = (),
    attachments: Sequence[UploadedFile] = (),
    request_summary: str = "",
    idempotency_key: str | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Counter or post intake: the officer checked the dossier complete and accepts it at once
    (status 2, code, appointment, register row, receipt). Nothing is written if any check fails.

    The writes are pipelined (congso.core.rows): while the agency's counters are locked,
    PostgreSQL is waited on four times (the counters, the audit chain's head, the last
    writes, the commit), not once per statement (ADR 0042)."""
    at = _now(at)
    ensure_receives(by, receiving_unit)
    if channel == Channel.ONLINE:
        raise ValidationError(_("Hồ sơ trực tuyến được nộp qua Cổng dịch vụ công."))
    _ensure_offered(version, receiving_unit, at)
    missing = {p.pk for p in version_content(version).papers if p.required} - {
        g.paper.pk for g in papers if g.originals + g.copies > 0
    }
    if missing:
        raise ValidationError(
            _(
                "Hồ sơ chưa đủ giấy tờ bắt buộc: cần yêu cầu hoàn thiện (mẫu 02) "
                "hoặc nhận đủ giấy tờ."
            )
        )
    # The officer's daily upload quota (ADR 0104), before the pipelined block (it reads a row
    # count); given back with the transaction if anything below refuses.
    charge_upload_quota(by.user, [f.size or 0 for f in attachments])
    with pipelined():
        dossier = _new_dossier(
            version=version,
            receiving_unit=receiving_unit,
            applicant=applicant,
            channel=channel,
            at=at,
            papers=papers,
            attachments=attachments,
            request_summary=request_summary,
            idempotency_key=idempotency_key,
            uploaded_by=by.user,
            accept=True,
        )
        history = _history(dossier, "receive", None, by, at)
        # From here to commit the agency's counters are locked: only writes follow.
        _number(dossier, at)
        sync_enqueue(dossier, first=True, history=[history])
        notify_dossier(dossier, "accepted")
        # Last: the audit chain's head is one row for the whole system, locked until commit.
        _audit(dossier, "receive", by, None, {"channel": channel})
    return dossier


@transaction.atomic
def dossier_refuse_at_intake(
    *,
    by: Staff,
    receiving_unit: Unit,
    version: ProcedureVersion,
    applicant: Applicant,
    reason: str,
    channel: int = Channel.COUNTER,
    at: dt.datetime | None = None,
) -> Dossier:
    """Refusal at the counter (form 3): recorded with its reason, no code, no appointment."""
    at = _now(at)
    ensure_receives(by, receiving_unit)
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do từ chối.")})
    dossier = _new_dossier(
        version=version, receiving_unit=receiving_unit, applicant=applicant, channel=channel, at=at
    )
    dossier.status = Status.REFUSED
    dossier.stage = Stage.CLOSED
    dossier.refusal_reason = reason.strip()
    dossier.save()
    _history(dossier, "refuse", None, by, at, reason)
    _audit(dossier, "refuse", by, None, {"reason": reason})
    return dossier


@transaction.atomic
def dossier_request_completion_at_intake(
    *,
    by: Staff,
    receiving_unit: Unit,
    version: ProcedureVersion,
    applicant: Applicant,
    missing: str,
    channel: int = Channel.COUNTER,
    papers: Sequence[PaperReceived] = (),
    at: dt.datetime | None = None,
) -> Dossier:
    """Request to complete at the counter (form 2): the dossier waits in status 1 without a
    code until the applicant brings what is missing and it is accepted."""
    at = _now(at)
    ensure_receives(by, receiving_unit)
    if not missing.strip():
        raise ValidationError({"missing": _("Cần ghi rõ giấy tờ cần bổ sung, hoàn thiện.")})
    dossier = _new_dossier(
        version=version,
        receiving_unit=receiving_unit,
        applicant=applicant,
        channel=channel,
        at=at,
        papers=papers,
    )
    Supplement.objects.create(
        dossier=dossier,
        during_processing=False,
        missing=missing.strip(),
        requested_by=by,
        requested_at=at,
    )
    _history(dossier, "request_completion", None, by, at, missing)
    _audit(dossier, "request_completion", by, None, {"missing": missing})
    return dossier


@transaction.atomic
def dossier_submit_online(
    *,
    version: ProcedureVersion,
    agency: Unit,
    applicant: Applicant,
    applicant_user: Any = None,
    form_data: dict[str, Any] | None = None,
    attachments: Sequence[UploadedFile] = (),
    request_summary: str = "",
    idempotency_key: str | None = None,
    at: dt.datetime | None = None,
    attachment_papers: Sequence[RequiredPaper | None] = (),
) -> Dossier:
    """An online submission (channel 2): status 1, no code and no appointment yet; both are
    given when the desk accepts it. It gets a reference (mã tham chiếu) at once, which the
    public lookup answers like a code (ADR 0075). The same idempotency key returns the same
    dossier."""
    at = _now(at)
    if idempotency_key:
        existing = Dossier.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    if not version.via_online:
        raise ValidationError(_("Thủ tục này không tiếp nhận trực tuyến."))
    _ensure_offered(version, agency, at)
    dossier = _new_dossier(
        version=version,
        receiving_unit=desk_of(agency.agency()),
        applicant=applicant,
        channel=Channel.ONLINE,
        at=at,
        attachments=attachments,
        request_summary=request_summary,
        idempotency_key=idempotency_key,
        applicant_user=applicant_user,
        form_data=form_data,
        uploaded_by=applicant_user,
        reference=new_reference(),
        attachment_papers=attachment_papers,
    )
    _history(dossier, "submit_online", None, None, at)
    _audit(dossier, "submit_online", None, None, {"channel": Channel.ONLINE})
    sync_enqueue(dossier, first=True)
    return dossier


@REGISTRY.implements("accept")
@transaction.atomic
def dossier_accept(
    *,
    dossier: Dossier,
    by: Staff,
    papers: Sequence[PaperReceived] = (),
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Accept a waiting dossier (1 → 2): online submissions, or one that was asked to be
    completed at the counter. The code and the appointment are given now."""
    at = _now(at)
    dossier, old = _start(dossier, "accept", by, version, at)
    for got in papers:
        DossierPaper.objects.update_or_create(
            dossier=dossier,
            order=got.paper.order,
            defaults={
                "name": got.paper.name,
                "required": got.paper.required,
                "originals": got.originals,
                "copies": got.copies,
            },
        )
    Supplement.objects.filter(
        dossier=dossier, during_processing=False, received_at__isnull=True
    ).update(received_at=at)
    _accept_now(dossier, at)
    dossier.status = old  # _finish applies the transition
    _finish(dossier, "accept", by, old, at)
    notify_dossier(dossier, "accepted")
    return dossier


@REGISTRY.implements("request_completion")
@transaction.atomic
def dossier_request_completion(
    *,
    dossier: Dossier,
    by: Staff,
    missing: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Supplement:
    """Ask the applicant of a waiting (online) dossier to complete it (form 2); it stays in
    status 1 without a code until accepted."""
    at = _now(at)
    dossier, old = _start(dossier, "request_completion", by, version, at)
    if not missing.strip():
        raise ValidationError({"missing": _("Cần ghi rõ giấy tờ cần bổ sung, hoàn thiện.")})
    supplement = Supplement.objects.create(
        dossier=dossier,
        during_processing=False,
        missing=missing.strip(),
        requested_by=by,
        requested_at=at,
    )
    _finish(dossier, "request_completion", by, old, at, missing)
    notify_dossier(dossier, "supplement")
    return supplement


# ---------------------------------------------------------------------------------------------
# Processing


@REGISTRY.implements("hand_over")
@transaction.atomic
def dossier_hand_over(
    *,
    dossier: Dossier,
    by: Staff,
    to_unit: Unit,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """The desk hands the dossier to a department (or a department to another), form 5 row."""
    at = _now(at)
    dossier, old = _start(dossier, "hand_over", by, version, at)
    if to_unit.agency().pk != dossier.processing_agency_id or to_unit.kind not in (
        UnitKind.DEPARTMENT,
        UnitKind.WARD,
        UnitKind.DISTRICT,
        UnitKind.PROVINCE,
    ):
        raise ValidationError(_("Chỉ chuyển được cho phòng chuyên môn của cơ quan giải quyết."))
    from_unit = dossier.handling_unit
    handover = _handover(dossier, "hand_over", by, from_unit, to_unit, at, note=note)
    dossier.handling_unit = to_unit
    dossier.handler = None
    dossier.stage = Stage.DEPARTMENT
    _finish(dossier, "hand_over", by, old, at, note, unit=from_unit)
    return handover


@REGISTRY.implements("assign")
@transaction.atomic
def dossier_assign(
    *,
    dossier: Dossier,
    by: Staff,
    specialist: Staff,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """The department head assigns a specialist of the department."""
    at = _now(at)
    dossier, old = _start(dossier, "assign", by, version, at)
    if specialist.pk not in {s.pk for s in assignable_staff(dossier)}:
        raise ValidationError(_("Người được phân công không thuộc đơn vị đang xử lý hồ sơ."))
    handover = _handover(
        dossier,
        "assign",
        by,
        dossier.handling_unit,
        dossier.handling_unit,
        at,
        to_staff=specialist,
        note=note,
    )
    dossier.handler = specialist
    dossier.stage = Stage.SPECIALIST
    _finish(dossier, "assign", by, old, at, note, {"specialist": specialist.pk})
    return handover


@REGISTRY.implements("submit")
@transaction.atomic
def dossier_submit(
    *,
    dossier: Dossier,
    by: Staff,
    findings: str = "",
    result_draft: str = "",
    note: str = "",
    result_summary: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """The specialist finishes the review and submits it to the leader: the findings (kết quả
    thẩm định, internal) and the draft result, both shown to the head, the leader and the
    clerk. A resubmission after a send-back replaces what it gives. ``result_summary`` is the
    older name of ``result_draft``."""
    at = _now(at)
    dossier, old = _start(dossier, "submit", by, version, at)
    from_unit = dossier.handling_unit
    handover = _handover(dossier, "submit", by, from_unit, dossier.processing_agency, at, note=note)
    if findings.strip():
        dossier.findings = findings.strip()
    result_draft = result_draft or result_summary
    if result_draft.strip():
        dossier.result_draft = result_draft.strip()
    dossier.handling_unit = dossier.processing_agency
    dossier.handler = None
    dossier.stage = Stage.LEADER
    _finish(dossier, "submit", by, old, at, note, unit=from_unit)
    return handover


@REGISTRY.implements("send_back")
@transaction.atomic
def dossier_send_back(
    *,
    dossier: Dossier,
    by: Staff,
    note: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """The leader sends the draft back to the specialist who submitted it."""
    at = _now(at)
    dossier, old = _start(dossier, "send_back", by, version, at)
    if not note.strip():
        raise ValidationError({"note": _("Cần ghi rõ nội dung cần xử lý lại.")})
    last = last_submission(dossier)
    assert last is not None  # the action's condition (actions._was_submitted)
    Handover.objects.filter(dossier=dossier, received_at__isnull=True).update(received_at=at)
    handover = Handover.objects.create(
        dossier=dossier,
        action="send_back",
        from_unit=dossier.handling_unit,
        from_staff=by,
        from_name=by.name,
        to_unit=last.from_unit,
        to_staff=last.from_staff,
        sent_at=at,
        note=note,
    )
    dossier.handling_unit = last.from_unit
    dossier.handler = last.from_staff
    dossier.stage = Stage.SPECIALIST
    _finish(dossier, "send_back", by, old, at, note)
    return handover


@REGISTRY.implements("approve")
@transaction.atomic
def dossier_approve(
    *,
    dossier: Dossier,
    by: Staff,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """The leader approves and signs the result; it goes to the records clerk."""
    at = _now(at)
    dossier, old = _start(dossier, "approve", by, version, at)
    handover = _handover(
        dossier, "approve", by, dossier.handling_unit, dossier.processing_agency, at, note=note
    )
    dossier.stage = Stage.CLERK
    _finish(dossier, "approve", by, old, at, note)
    return handover


@REGISTRY.implements("record_result")
@transaction.atomic
def dossier_record_result(
    *,
    dossier: Dossier,
    by: Staff,
    result_number: str = "",
    result_summary: str = "",
    include_findings: bool = False,
    result_file: UploadedFile | None = None,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The clerk numbers and issues the result (status 9); the dossier is finished and judged
    early / on time / late against its appointment. The result printed for the applicant is
    ``result_summary``, else the submitted draft; the internal findings are added only when
    the officer asks for it (``include_findings``)."""
    at = _now(at)
    dossier, old = _start(dossier, "record_result", by, version, at)
    if result_file is not None:
        [ok] = validate_uploads([result_file], uploader=by.user)
        result_file.seek(0)
        dossier.result_file.save(
            f"{ok.sha256[:16]}{ok.extension}", ContentFile(result_file.read()), save=False
        )
        file_written(dossier.result_file)
    dossier.result_number = result_number.strip()
    summary = result_summary.strip() or dossier.result_draft or dossier.result_summary
    if include_findings and dossier.findings:
        summary = "\n\n".join(
            p for p in (summary, _("Kết quả thẩm định: %(f)s") % {"f": dossier.findings}) if p
        )
    dossier.result_summary = summary
    dossier.finished_at = at
    dossier.timeliness = deadlines.judge(at, dossier.due_at)
    _finish(dossier, "record_result", by, old, at, result_number)
    if result_message_due(dossier, "record_result"):
        notify_dossier(dossier, "result_ready")
    return dossier


@REGISTRY.implements("sign_result")
def dossier_sign_result(
    *,
    dossier: Dossier,
    by: Staff,
    pin: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """A leader of the deciding agency signs the recorded result PDF after the PIN of their
    signing key (ADR 0076): their visible signature, then the agency's seal over its left third
    (ADR 0077), whose reason carries the result number. The signed file replaces the result
    file (``result_signed``) and is what the applicant downloads (ADR 0073). Status unchanged.

    Who and what are checked first on the stored row, so that tries by somebody who may not
    sign never touch a PIN; then the PIN, outside the signing transaction (a wrong try stays
    counted when signing stops)."""
    from congso.signing import marks
    from congso.signing.pins import signer_pin_check
    from congso.signing.services import sign_pdf

    at = _now(at)
    REGISTRY["sign_result"].ensure(Dossier.objects.get(pk=dossier.pk), by, at)
    signer_pin_check(user=by.user, pin=pin)
    with files_removed_on_failure(), transaction.atomic():
        dossier, old = _start(dossier, "sign_result", by, version, at)
        with dossier.result_file.open("rb") as fh:
            data = fh.read()
        agency = dossier.processing_agency
        signer_name = by.name
        try:
            page, signer_box, seal_box = marks.signature_boxes(data, signer_name)
        except Exception as exc:  # pypdf's errors for a damaged file are of many kinds
            raise ValidationError(_("Tệp kết quả không phải PDF hợp lệ.")) from exc
        signed = sign_pdf(
            data,
            unit=agency,
            signer_name=signer_name,
            personal=True,
            reason=_("Ký kết quả giải quyết thủ tục hành chính"),
            location=agency.name,
            field_name="NguoiKy",
            mark=marks.signer_mark(
                page,
                signer_box,
                signer_name=signer_name,
                position=by.position or _("Lãnh đạo"),
                agency_name=agency.name,
            ),
        )
        signed = sign_pdf(
            signed,
            unit=agency,
            signer_name=agency.name,
            reason=(
                _("Số: %(n)s") % {"n": dossier.result_number}
                if dossier.result_number
                else _("Kết quả giải quyết thủ tục hành chính")
            ),
            location=agency.name,
            field_name="CoQuan",
            mark=marks.agency_mark(
                page, seal_box, agency_name=agency.name, number_symbol=dossier.result_number
            ),
        )
        digest = hashlib.sha256(signed).hexdigest()
        dossier.result_file.save(f"{digest[:16]}-da-ky.pdf", ContentFile(signed), save=False)
        file_written(dossier.result_file)
        dossier.result_signed = True
        _finish(
            dossier,
            "sign_result",
            by,
            old,
            at,
            "",
            {"sha256": digest, "second_factor": "pin", "signer": signer_name},
        )
    return dossier


@REGISTRY.implements("return_to_desk")
@transaction.atomic
def dossier_return_to_desk(
    *,
    dossier: Dossier,
    by: Staff,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """The result goes back to the one-stop desk of the deciding agency."""
    at = _now(at)
    dossier, old = _start(dossier, "return_to_desk", by, version, at)
    desk = desk_of(dossier.processing_agency)
    handover = _handover(dossier, "return_to_desk", by, dossier.handling_unit, desk, at, note=note)
    dossier.handling_unit = desk
    dossier.handler = None
    dossier.stage = Stage.RETURN
    _finish(dossier, "return_to_desk", by, old, at, note, unit=handover.from_unit)
    if result_message_due(dossier, "return_to_desk"):
        notify_dossier(dossier, "result_ready")
    return handover


@REGISTRY.implements("forward")
@transaction.atomic
def dossier_forward(
    *,
    dossier: Dossier,
    by: Staff,
    to_agency: Unit,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """Một cửa liên thông: the receiving ward forwards the dossier to the desk of an agency
    above it (the district), which then processes it. The appointment stays the one given."""
    at = _now(at)
    dossier, old = _start(dossier, "forward", by, version, at)
    to_agency = to_agency.agency()
    if to_agency.pk == dossier.agency_id or not dossier.agency.path.startswith(to_agency.path):
        raise ValidationError(_("Chỉ chuyển liên thông lên cơ quan cấp trên của nơi tiếp nhận."))
    desk = desk_of(to_agency)
    from_unit = dossier.handling_unit
    handover = _handover(dossier, "forward", by, from_unit, desk, at, note=note)
    dossier.forwarded = True
    dossier.processing_agency = to_agency
    dossier.handling_unit = desk
    dossier.handler = None
    dossier.stage = Stage.DESK
    _finish(dossier, "forward", by, old, at, note, {"to_agency": to_agency.pk}, unit=from_unit)
    return handover


@REGISTRY.implements("return_forwarded")
@transaction.atomic
def dossier_return_forwarded(
    *,
    dossier: Dossier,
    by: Staff,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Handover:
    """The district desk sends the result of a forwarded dossier back to the receiving unit."""
    at = _now(at)
    dossier, old = _start(dossier, "return_forwarded", by, version, at)
    from_unit = dossier.handling_unit
    handover = _handover(
        dossier, "return_forwarded", by, from_unit, dossier.receiving_unit, at, note=note
    )
    dossier.handling_unit = dossier.receiving_unit
    _finish(dossier, "return_forwarded", by, old, at, note, unit=from_unit)
    if result_message_due(dossier, "return_forwarded"):
        notify_dossier(dossier, "result_ready")
    return handover


@REGISTRY.implements("return_result")
@transaction.atomic
def dossier_return_result(
    *,
    dossier: Dossier,
    by: Staff,
    method: str = ReturnMethod.COUNTER,
    collected_by: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The desk returns the result to the applicant (status 10): who collected it and how."""
    at = _now(at)
    dossier, old = _start(dossier, "return_result", by, version, at)
    if method not in ReturnMethod.values:
        raise ValidationError({"method": _("Hình thức trả kết quả không hợp lệ.")})
    if method == ReturnMethod.COUNTER and not collected_by.strip():
        raise ValidationError({"collected_by": _("Cần ghi tên người nhận kết quả.")})
    Handover.objects.filter(dossier=dossier, received_at__isnull=True).update(received_at=at)
    _finish_step(dossier, at)
    dossier.returned_at = at
    dossier.return_method = method
    dossier.collected_by = collected_by.strip()
    dossier.stage = Stage.CLOSED
    dossier.handler = None
    done = _finish(dossier, "return_result", by, old, at, collected_by)
    if method == ReturnMethod.POST:
        notify_dossier(dossier, "result_posted")
    return done


@REGISTRY.implements("supplement_request")
@transaction.atomic
def dossier_supplement_request(
    *,
    dossier: Dossier,
    by: Staff,
    missing: str,
    reason: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Supplement:
    """Ask the applicant for more papers (form 2, status 5): the clock stops until they come.
    Some procedures allow this only once."""
    at = _now(at)
    dossier, old = _start(dossier, "supplement_request", by, version, at)
    if not missing.strip():
        raise ValidationError({"missing": _("Cần ghi rõ giấy tờ cần bổ sung.")})
    supplement = Supplement.objects.create(
        dossier=dossier,
        missing=missing.strip(),
        reason=reason,
        requested_by=by,
        requested_at=at,
        due_before=dossier.due_at,
    )
    dossier.paused_at = at
    _finish(dossier, "supplement_request", by, old, at, missing)
    notify_dossier(dossier, "supplement")
    return supplement


def _supplement_restart_clock(dossier: Dossier, at: dt.datetime) -> Supplement:
    """Close the open supplement request of a locked dossier at ``at`` and move its due time by
    the working time waited (new due = old due + waited). The one computation for the staff
    and the online path; the caller saves the dossier."""
    supplement = open_supplement(dossier)
    if supplement is None or dossier.paused_at is None or dossier.due_at is None:
        raise ValidationError(_("Không có yêu cầu bổ sung đang chờ."))
    waited = deadlines.working_time_between(dossier.agency, dossier.paused_at, at)
    new_due = deadlines.add_working_time(dossier.agency, dossier.due_at, waited)
    supplement.received_at = at
    supplement.waited_seconds = int(waited.total_seconds())
    supplement.due_after = new_due
    supplement.save()
    dossier.paused_seconds += int(waited.total_seconds())
    dossier.paused_at = None
    dossier.due_at = new_due
    return supplement


@REGISTRY.implements("supplement_receive")
@transaction.atomic
def dossier_supplement_receive(
    *,
    dossier: Dossier,
    by: Staff,
    note: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Supplement:
    """The papers came: the clock restarts and the appointment moves by the working time
    waited (new due = old due + waited)."""
    at = _now(at)
    dossier, old = _start(dossier, "supplement_receive", by, version, at)
    supplement = _supplement_restart_clock(dossier, at)
    _finish(
        dossier,
        "supplement_receive",
        by,
        old,
        at,
        note,
        {
            "waited_seconds": supplement.waited_seconds,
            "new_due": supplement.due_after.isoformat() if supplement.due_after else None,
        },
    )
    return supplement


@transaction.atomic
def dossier_supplement_receive_online(
    *,
    dossier: Dossier,
    user: Any,
    files: Sequence[UploadedFile],
    note: str = "",
    at: dt.datetime | None = None,
) -> Supplement:
    """The applicant answers a supplement request online (5 → 4): the files become the
    dossier's attachments (linked to the request), the clock restarts at ``at`` exactly as when
    the desk records receipt, and the desk is told after commit. Only the dossier's own
    applicant account may do this; any bad file refuses the whole answer."""
    at = _now(at)
    if not getattr(user, "is_authenticated", False) or dossier.applicant_user_id != user.pk:
        raise PermissionDenied(_("Bạn không có quyền với hồ sơ này."))
    if not files:
        raise ValidationError(_("Cần đính kèm ít nhất một tệp bổ sung."))
    checked = [validate_upload(f) for f in files]  # every file checked before anything is written
    dossier = _lock(dossier)
    if dossier.applicant_user_id != user.pk:
        raise PermissionDenied(_("Bạn không có quyền với hồ sơ này."))
    if dossier.status != Status.SUPPLEMENT:
        raise ValidationError(_("Hồ sơ không ở trạng thái chờ bổ sung."))
    old = dossier.status
    supplement = _supplement_restart_clock(dossier, at)
    written = _attach(dossier, files, checked, user, supplement=supplement)
    try:
        dossier.status = next_status(old, "supplement_receive")
        dossier.version += 1  # an open action form on this dossier is stale now (ADR 0058)
        dossier.supplement_answered_at = at
        dossier.save()
        StatusHistory.objects.create(
            dossier=dossier,
            action="supplement_receive",
            from_status=old,
            to_status=dossier.status,
            unit=dossier.handling_unit,
            actor=None,
            actor_name=(user.get_full_name() or user.get_username())[:200],
            note=note.strip()[:2000],
            at=at,
        )
        audit_record(
            actor=user,
            action="dossier.supplement_receive_online",
            target=dossier,
            unit=dossier.handling_unit_id,
            data={
                "code": dossier.code,
                "from": old,
                "to": dossier.status,
                "stage": dossier.stage,
                "files": len(written),
                "waited_seconds": supplement.waited_seconds,
                "new_due": dossier.due_at.isoformat() if dossier.due_at else None,
            },
        )
        sync_enqueue(dossier, first=False)
    except BaseException:
        for att in written:  # the transaction rolls back; do not leave the stored files behind
            if att.file.name:
                att.file.storage.delete(att.file.name)
        raise
    notify_desk_supplement(supplement)
    return supplement


def dossier_mark_supplement_answered(*, dossier: Dossier, at: dt.datetime | None = None) -> None:
    """The applicant answered a completion request at intake online (the papers wait in
    e-services until the desk accepts): flag the dossier in the queue until an officer acts on
    it, and make open action forms stale (ADR 0058). Called inside the caller's transaction."""
    Dossier.objects.filter(pk=dossier.pk).update(
        supplement_answered_at=_now(at), version=F("version") + 1
    )


@REGISTRY.implements("apologise")
@transaction.atomic
def dossier_apologise(
    *,
    dossier: Dossier,
    by: Staff,
    reason: str,
    new_due_at: dt.datetime,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Apology:
    """Form 4: the head of the deciding agency apologises and sets a new date, at least one
    working day before the current appointment, and only once."""
    at = _now(at)
    dossier, old = _start(dossier, "apologise", by, version, at)
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do chậm.")})
    assert dossier.due_at is not None  # the action's condition (actions._may_apologise)
    if new_due_at <= dossier.due_at:
        raise ValidationError({"new_due_at": _("Ngày hẹn mới phải sau ngày hẹn hiện tại.")})
    apology = Apology.objects.create(
        dossier=dossier,
        reason=reason.strip(),
        old_due_at=dossier.due_at,
        new_due_at=new_due_at,
        signed_by=by,
        issued_at=at,
    )
    dossier.due_at = new_due_at
    _finish(
        dossier,
        "apologise",
        by,
        old,
        at,
        reason,
        {"old_due": apology.old_due_at.isoformat(), "new_due": new_due_at.isoformat()},
    )
    notify_dossier(dossier, "apology")
    return apology


def _close(
    dossier: Dossier, action: str, by: Staff, old: int, reason: str, at: dt.datetime
) -> Dossier:
    if not reason.strip():
        raise ValidationError({"reason": _("Cần ghi rõ lý do.")})
    dossier.refusal_reason = reason.strip()
    dossier.stage = Stage.CLOSED
    dossier.handler = None
    if dossier.received_at and not dossier.finished_at:
        dossier.finished_at = at
        dossier.timeliness = deadlines.judge(at, dossier.due_at)
    return _finish(dossier, action, by, old, at, reason)


@REGISTRY.implements("refuse")
@transaction.atomic
def dossier_refuse(
    *,
    dossier: Dossier,
    by: Staff,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Refuse a waiting online dossier (desk) or refuse to grant during processing (leader),
    form 3 with the specific reason."""
    at = _now(at)
    dossier, old = _start(dossier, "refuse", by, version, at)
    dossier = _close(dossier, "refuse", by, old, reason, at)
    # At the counter the applicant holds form 3; otherwise this message is how they learn it.
    notify_dossier(dossier, "refused")
    return dossier


@REGISTRY.implements("stop")
@transaction.atomic
def dossier_stop(
    *,
    dossier: Dossier,
    by: Staff,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Stop processing (status 8), decided by the leader of the deciding agency."""
    at = _now(at)
    dossier, old = _start(dossier, "stop", by, version, at)
    return _close(dossier, "stop", by, old, reason, at)


@REGISTRY.implements("withdraw")
@transaction.atomic
def dossier_withdraw(
    *,
    dossier: Dossier,
    by: Staff,
    reason: str,
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (status 7), recorded by the receiving desk."""
    at = _now(at)
    dossier, old = _start(dossier, "withdraw", by, version, at)
    return _close(dossier, "withdraw", by, old, reason, at)


@REGISTRY.implements("request_payment")
@transaction.atomic
def dossier_request_payment(
    *,
    dossier: Dossier,
    by: Staff,
    amount: int,
    note: str = "",
    quantity: int = 1,
    override_reason: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """Ask for the fee (status 6); the status before is restored when it is paid. The amount
    may not exceed what the procedure version's fee table allows (``fees.fee_ceiling`` for
    ``quantity`` units of its per-unit rates) unless ``override_reason`` is given by an officer
    the policy lets decide it (``dossier.fee_override``: the department head handling the
    dossier or a leader of the agency; at a ward, its leaders); such an override is audited
    (``dossier.fee_override``)."""
    at = _now(at)
    dossier, old = _start(dossier, "request_payment", by, version, at)
    if amount <= 0:
        raise ValidationError({"amount": _("Số tiền phải lớn hơn 0.")})
    if not 1 <= quantity <= fees.MAX_QUANTITY:
        raise ValidationError({"quantity": _("Số lượng tính phí không hợp lệ.")})
    ceiling = fees.fee_ceiling(dossier.procedure_version, quantity)
    reason = override_reason.strip()
    data: dict[str, Any] = {"amount": amount, "ceiling": ceiling.amount}
    if amount > ceiling.amount:
        if not reason:
            raise ValidationError({"amount": _fee_over_ceiling(amount, ceiling)})
        policy.ensure_at(by.user, "dossier.fee_override", any_desk_place(dossier))
        data.update(quantity=quantity, override_reason=reason)
    dossier.status_before_payment = old
    dossier.fee_total = amount
    dossier.fee_paid = False
    _finish(dossier, "request_payment", by, old, at, note, data)
    if amount > ceiling.amount:
        audit_record(
            actor=by.user,
            action="dossier.fee_override",
            target=dossier,
            unit=dossier.handling_unit_id,
            data={
                "code": dossier.code,
                "amount": amount,
                "ceiling": ceiling.amount,
                "quantity": quantity,
                "reason": reason,
            },
        )
    notify_dossier(dossier, "payment")
    return dossier


def _fee_over_ceiling(amount: int, ceiling: fees.FeeCeiling) -> str:
    if ceiling.free:
        table = _("Biểu phí, lệ phí của thủ tục không thu khoản nào.")
    elif ceiling.per_unit:
        table = _(
            "Biểu phí, lệ phí của thủ tục cho phép thu tối đa %(max)s cho %(n)s trang, bản "
            "hoặc trường hợp."
        ) % {"max": vnd(ceiling.amount), "n": ceiling.quantity}
    else:
        table = _("Biểu phí, lệ phí của thủ tục cho phép thu tối đa %(max)s.") % {
            "max": vnd(ceiling.amount)
        }
    return " ".join(
        [
            _("Số tiền %(amount)s vượt mức thu theo quy định.") % {"amount": vnd(amount)},
            table,
            _(
                "Nếu phải thu khác biểu phí, ghi lý do thu vượt; chỉ trưởng phòng chuyên môn "
                "hoặc lãnh đạo cơ quan được quyết định."
            ),
        ]
    )


@REGISTRY.implements("payment_confirmed")
@transaction.atomic
def dossier_payment_confirmed(
    *,
    dossier: Dossier,
    by: Staff | None,
    reference: str = "",
    version: int | None = None,
    at: dt.datetime | None = None,
) -> Dossier:
    """The fee was paid (at the counter, or reported by the payment gateway with ``by=None``
    from the e-services app): back to the status before."""
    at = _now(at)
    if by is None:
        claim_version(dossier, version)
        dossier = _lock(dossier)
        next_status(dossier.status, "payment_confirmed", previous=dossier.status_before_payment)
        old = dossier.status
    else:
        dossier, old = _start(dossier, "payment_confirmed", by, version, at)
    dossier.fee_paid = True
    _finish(dossier, "payment_confirmed", by, old, at, reference, {"reference": reference})
    dossier.status_before_payment = None
    dossier.save(update_fields=["status_before_payment"])
    return dossier


# ---------------------------------------------------------------------------------------------
# Rating


@transaction.atomic
def dossier_rate(*, dossier: Dossier, level: int, source: str, comment: str = "") -> Rating:
    """One rating per returned dossier (tablet at the counter or online lookup)."""
    dossier = _lock(dossier)
    if dossier.status != Status.RETURNED:
        raise ValidationError(_("Chỉ đánh giá được hồ sơ đã trả kết quả."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("Hồ sơ này đã được đánh giá."))
    if level not in (1, 2, 3):
        raise ValidationError(_("Mức đánh giá không hợp lệ."))
    rating = Rating.objects.create(
        dossier=dossier, level=level, source=source, comment=comment[:2000]
    )
    audit_record(
        actor=None,
        action="dossier.rate",
        target=dossier,
        unit=dossier.receiving_unit_id,
        data={"level": level, "source": source},
    )
    return rating


def register_next_number(agency: Unit, year: int) -> int:
    """The register row the next accepted dossier will get (shown on the intake page)."""
    last = RegisterEntry.objects.filter(agency=agency, year=year).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1
