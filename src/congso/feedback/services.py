"""Every state change of a feedback case that is not a staff action of the registry
(actions.py): submission through the portal, "Dịch vụ công" and the API, verification of the
sender's phone or e-mail, recording by an officer at the desk, and the shared steps (code,
history, audit, notifications) every change uses. Each service owns its transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.accounts.logins import PHONE_RE, normalise_phone
from congso.audit.services import audit_record
from congso.core import limits, ratelimit
from congso.core.numbering import next_number
from congso.core.uploads import JPEG, PDF, PNG, validate_upload
from congso.notify.services import notify_queue
from congso.org import policy
from congso.org.models import Staff, Unit

from . import deadlines
from .models import Attachment, Case, CaseCodeCounter, CaseHistory, Channel, Kind, Stage, Status

HOUR = 3600
# Abuse limits of the public form (per hour): per client address, per sender contact, and
# wrong verification codes per case.
PER_ADDRESS = 10
PER_SENDER = 5
CODE_ATTEMPTS = 5
CODE_MINUTES = 10
MAX_FILES = 3
FILE_KINDS = (PDF, JPEG, PNG)
MIN_BODY = 20
STAFF_CHANNELS = {Channel.COUNTER, Channel.PHONE, Channel.LETTER}
# Markup is not accepted from the public: a tag-like "<x", "</", "<!" anywhere refuses the text.
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")

RATE_MESSAGE = _("Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Vui lòng thử lại sau.")


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def hash_code(code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"feedback:{code}".encode(), hashlib.sha256
    ).hexdigest()


# ---------------------------------------------------------------------------------------------
# Shared steps


def history(
    case: Case,
    action: str,
    from_status: str,
    *,
    at: dt.datetime,
    by: Staff | None = None,
    unit: Unit | None = None,
    note: str = "",
) -> CaseHistory:
    return CaseHistory.objects.create(
        case=case,
        action=action,
        from_status=from_status,
        to_status=case.status,
        unit=unit or case.current_unit,
        actor=by,
        actor_name=by.name if by else "",
        note=note[: limits.NOTE],
        at=at,
    )


def audit(case: Case, action: str, by: Any, data: dict[str, Any] | None = None) -> None:
    audit_record(
        actor=by,
        action=f"feedback.{action}",
        target=case,
        unit=case.current_unit,
        data={"code": case.code or "", "status": case.status, **(data or {})},
    )


def tell_sender(case: Case, event: str, subject: str, body: str, sms: str = "") -> None:
    """Queue an e-mail and/or SMS to the sender (outbox, delivered after commit)."""
    email = case.sender_email or (case.sender_user.email if case.sender_user else "")
    phone = case.sender_phone or (
        getattr(case.sender_user, "phone", "") if case.sender_user else ""
    )
    if email or phone:
        notify_queue(
            event=event,
            reference=case.code or "",
            email=email or "",
            phone=phone or "",
            subject=subject,
            body=body,
            sms_text=sms or body[:300],
        )


def set_due(case: Case, start: dt.datetime, reason: str) -> None:
    """(Re)compute the answer's due time from ``start`` by the rule table; the explanation is
    kept for the detail page. A case extended once keeps its extension on top."""
    due = deadlines.compute(case.kind, case.current_unit.agency(), Stage.ANSWER, start)
    case.due_from = start
    case.due_at = due.at
    case.due_rule = due.rule
    case.due_basis = {**due.basis, "reason": reason}
    if case.extended_at is not None:
        ext = deadlines.extend(case.kind, case.current_unit.agency(), due.at, case.extended_at)
        case.due_at = ext.at
        case.due_basis["extension"] = ext.basis


def _receive(case: Case, at: dt.datetime, by: Staff | None) -> Case:
    """Give the case its code (``PAKN.<agency>.yyyymmdd.NNNN``), start its deadlines, write
    its history and audit row and send the receipt."""
    from_status = case.status
    day = timezone.localdate(at)
    agency = case.agency
    case.status = Status.RECEIVED
    case.received_at = at
    forward = deadlines.compute(case.kind, agency, Stage.FORWARD, at)
    case.forward_due_at = forward.at
    set_due(case, at, "receive")
    case.due_basis["forward"] = forward.basis["text"]
    # Numbered last: the counter row stays locked until commit (core.numbering).
    number = next_number(CaseCodeCounter, agency_id=agency.pk, day=day)
    prefix = agency.stats_code or agency.agency_id or str(agency.pk)
    case.code = f"PAKN.{prefix}.{day:%Y%m%d}.{number:04d}"
    case.save()
    history(case, "receive" if by else "verify", from_status, at=at, by=by, unit=agency)
    audit(case, "receive", by, {"channel": case.channel, "kind": case.kind})
    local_due = timezone.localtime(case.due_at).strftime("%d/%m/%Y") if case.due_at else ""
    tell_sender(
        case,
        "feedback.received",
        _("Đã tiếp nhận phản ánh, kiến nghị %(code)s") % {"code": case.code},
        _(
            "%(agency)s đã tiếp nhận phản ánh, kiến nghị “%(title)s” của ông/bà, mã %(code)s. "
            "Hạn trả lời: %(due)s. Tra cứu tình trạng bằng mã này và số điện thoại hoặc e-mail đã khai."
        )
        % {"agency": agency.name, "title": case.title, "code": case.code, "due": local_due},
        _("%(agency)s da tiep nhan PAKN ma %(code)s, han tra loi %(due)s.")
        % {"agency": agency.short_name or agency.name, "code": case.code, "due": local_due},
    )
    return case


# ---------------------------------------------------------------------------------------------
# Input checks (bad input: a Vietnamese message, nothing written)


@dataclass
class Submission:
    """What a sender gives, whichever way it comes in (form, API, desk)."""

    agency: Unit
    kind: str
    title: str
    body: str
    sender_name: str
    sender_phone: str = ""
    sender_email: str = ""
    sender_address: str = ""
    consent_publish: bool = False
    dossier_code: str = ""
    dossier_id_number: str = ""


def _plain_text(value: str, field: str, limit: int, *, required: bool, minimum: int = 0) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError({field: _("Trường này là bắt buộc.")})
    limits.ensure_length(value, limit, field)
    if _MARKUP.search(value):
        raise ValidationError(
            {field: _("Không nhận mã HTML hoặc định dạng; vui lòng nhập văn bản thuần.")}
        )
    if value and len(value) < minimum:
        raise ValidationError(
            {field: _("Nội dung quá ngắn: cần ít nhất %(n)s ký tự.") % {"n": minimum}}
        )
    return value


def clean_submission(sub: Submission, *, contact_required: bool = True) -> Submission:
    """Check every field; return the cleaned submission or raise ValidationError with the
    fields' Vietnamese messages."""
    errors: dict[str, list[str]] = {}

    def check(field: str, fn: Any) -> Any:
        try:
            return fn()
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
            return ""

    if sub.kind not in Kind.values:
        errors["kind"] = [_("Cần chọn loại phản ánh, kiến nghị.")]
    if not sub.agency.is_agency or not sub.agency.is_active:
        errors["agency"] = [_("Cơ quan nhận không hợp lệ.")]
    sub.title = check(
        "title", lambda: _plain_text(sub.title, "title", limits.TITLE, required=True, minimum=5)
    )
    sub.body = check(
        "body",
        lambda: _plain_text(sub.body, "body", limits.EFORM_TEXT, required=True, minimum=MIN_BODY),
    )
    sub.sender_name = check(
        "sender_name",
        lambda: _plain_text(sub.sender_name, "sender_name", limits.NAME, required=True),
    )
    sub.sender_address = check(
        "sender_address",
        lambda: _plain_text(sub.sender_address, "sender_address", limits.ADDRESS, required=False),
    )
    phone = normalise_phone(sub.sender_phone or "").strip()
    if phone and not PHONE_RE.match(phone):
        errors["sender_phone"] = [_("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0.")]
    sub.sender_phone = phone
    email = (sub.sender_email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["sender_email"] = [_("Địa chỉ e-mail không hợp lệ.")]
    sub.sender_email = email
    if contact_required and not phone and not email:
        errors["sender_phone"] = [
            _("Cần số điện thoại hoặc e-mail để nhận mã xác minh và trả lời.")
        ]
    if sub.kind == Kind.COMPLAINT:
        sub.dossier_code = (sub.dossier_code or "").strip().upper()
        sub.dossier_id_number = (sub.dossier_id_number or "").strip()
        if not sub.dossier_code or not sub.dossier_id_number:
            errors["dossier_code"] = [
                _("Phản ánh về việc giải quyết hồ sơ cần mã hồ sơ và số định danh của người nộp.")
            ]
    if errors:
        raise ValidationError(errors)
    return sub


def _dossier_for(sub: Submission) -> Any:
    """The dossier a complaint is about, proven by the applicant's identity number as the
    public lookup does (a wrong code and a wrong number give the same answer)."""
    if sub.kind != Kind.COMPLAINT:
        return None
    from congso.dossiers.models import Dossier

    dossier = Dossier.objects.filter(
        code=sub.dossier_code, applicant_id_number=sub.dossier_id_number
    ).first()
    if dossier is None:
        raise ValidationError(
            {"dossier_code": _("Mã hồ sơ và số định danh không khớp với hồ sơ nào.")}
        )
    return dossier


def _files(files: Sequence[Any]) -> list[tuple[Any, Any]]:
    if len(files) > MAX_FILES:
        raise ValidationError({"files": _("Tối đa %(n)s tệp đính kèm.") % {"n": MAX_FILES}})
    checked = []
    for upload in files:
        try:
            checked.append((upload, validate_upload(upload, kinds=FILE_KINDS)))
        except ValidationError as exc:
            raise ValidationError({"files": exc.messages}) from exc
    return checked


def _refuse_if_busy(client: str, sender: str) -> None:
    for key, limit in (
        (f"feedback:addr:{client}", PER_ADDRESS),
        (f"feedback:sender:{sender}", PER_SENDER),
    ):
        if key.endswith(":"):
            continue
        if not ratelimit.hit(key, limit, HOUR):
            raise ValidationError(RATE_MESSAGE, code="rate")


# ---------------------------------------------------------------------------------------------
# Submission


def case_submit(
    *,
    sub: Submission,
    channel: str,
    user: Any = None,
    files: Sequence[Any] = (),
    client: str = "",
    honeypot: str = "",
    at: dt.datetime | None = None,
) -> tuple[Case, str]:
    """A case sent from the portal, "Dịch vụ công" or the API. A signed-in citizen's case is
    received at once (code, deadline, receipt); anybody else's waits for the code sent to the
    phone or e-mail given (``case_verify``). Returns the case and, for tests and the demo only,
    the verification code ('' when none was needed). The honeypot, the rate limits and every
    bad field refuse with a Vietnamese message and write nothing."""
    if honeypot:
        raise ValidationError(_("Không gửi được phản ánh. Vui lòng tải lại trang và thử lại."))
    if channel in STAFF_CHANNELS:
        raise PermissionDenied(_("Kênh này chỉ dành cho cán bộ tiếp nhận."))
    citizen = user if getattr(user, "is_authenticated", False) else None
    sub = clean_submission(sub, contact_required=citizen is None)
    dossier = _dossier_for(sub)
    checked = _files(files)
    _refuse_if_busy(
        client, sub.sender_phone or sub.sender_email or (str(citizen.pk) if citizen else "")
    )
    now = _now(at)
    code = "" if citizen else f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        case = Case(
            reference=secrets.token_urlsafe(18),
            kind=sub.kind,
            channel=channel,
            status=Status.PENDING,
            agency=sub.agency,
            triage_unit=sub.agency,
            dossier=dossier,
            title=sub.title,
            body=sub.body,
            sender_name=sub.sender_name,
            sender_phone=sub.sender_phone,
            sender_email=sub.sender_email,
            sender_address=sub.sender_address,
            sender_user=citizen,
            consent_publish=sub.consent_publish,
            submitted_at=now,
            verification_hash=hash_code(code) if code else "",
            verification_sent_at=now if code else None,
        )
        case.save()
        for upload, info in checked:
            upload.seek(0)
            Attachment.objects.create(
                case=case,
                file=ContentFile(upload.read(), name=info.name),
                name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
        history(case, "submit", "", at=now, unit=sub.agency)
        if citizen is not None:
            _receive(case, now, None)
        else:
            audit(case, "submit", None, {"channel": channel, "kind": sub.kind})
            notify_queue(
                event="feedback.verify",
                email=sub.sender_email if not sub.sender_phone else "",
                phone=sub.sender_phone,
                subject=_("Mã xác minh phản ánh, kiến nghị"),
                body=_(
                    "Mã xác minh phản ánh, kiến nghị của ông/bà: %(code)s (hiệu lực %(m)s phút)."
                )
                % {"code": code, "m": CODE_MINUTES},
                sms_text=_("Ma xac minh PAKN: %(code)s (hieu luc %(m)s phut).")
                % {"code": code, "m": CODE_MINUTES},
                urgent=True,
                expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
                secret=code,
            )
    return case, code


def case_verify(
    *, reference: str, code: str, client: str = "", at: dt.datetime | None = None
) -> Case:
    """The sender typed the code sent to them: the case is received (code, deadline, receipt).
    A wrong, expired or exhausted code changes nothing but the count of tries."""
    now = _now(at)
    if client and not ratelimit.hit(f"feedback:verify:{client}", 30, HOUR):
        raise ValidationError(RATE_MESSAGE, code="rate")
    refusal = None
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(reference=reference).first()
        if case is None or case.status != Status.PENDING:
            raise ValidationError(_("Không tìm thấy phản ánh đang chờ xác minh."))
        if case.verification_attempts >= CODE_ATTEMPTS:
            raise ValidationError(
                _("Đã nhập sai mã quá số lần cho phép. Vui lòng gửi lại phản ánh.")
            )
        sent = case.verification_sent_at
        expired = sent is None or now > sent + dt.timedelta(minutes=CODE_MINUTES)
        good = hmac.compare_digest(case.verification_hash, hash_code((code or "").strip()))
        if expired or not good:
            # The try is counted (committed) before the refusal is raised.
            Case.objects.filter(pk=case.pk).update(
                verification_attempts=case.verification_attempts + 1
            )
            refusal = (
                _("Mã xác minh đã hết hiệu lực. Vui lòng gửi lại phản ánh.")
                if expired
                else _("Mã xác minh không đúng.")
            )
        else:
            case.verification_hash = ""
            return _receive(case, now, None)
    raise ValidationError(refusal)


def case_record(
    *,
    sub: Submission,
    channel: str,
    by: Staff,
    files: Sequence[Any] = (),
    at: dt.datetime | None = None,
) -> Case:
    """A case an officer records at the desk (in person, by phone, by letter): received at
    once at the officer's agency, which must be the one named."""
    if channel not in STAFF_CHANNELS:
        raise ValidationError(_("Kênh tiếp nhận không hợp lệ."))
    policy.ensure(by.user, "feedback.receive", sub.agency, agency=sub.agency)
    sub = clean_submission(sub, contact_required=False)
    dossier = _dossier_for(sub)
    checked = _files(files)
    now = _now(at)
    with transaction.atomic():
        case = Case.objects.create(
            reference=secrets.token_urlsafe(18),
            kind=sub.kind,
            channel=channel,
            status=Status.PENDING,
            agency=sub.agency,
            triage_unit=sub.agency,
            dossier=dossier,
            title=sub.title,
            body=sub.body,
            sender_name=sub.sender_name,
            sender_phone=sub.sender_phone,
            sender_email=sub.sender_email,
            sender_address=sub.sender_address,
            consent_publish=sub.consent_publish,
            submitted_at=now,
        )
        for upload, info in checked:
            upload.seek(0)
            Attachment.objects.create(
                case=case,
                file=ContentFile(upload.read(), name=info.name),
                name=info.name,
                content_type=info.content_type,
                size=info.size,
                sha256=info.sha256,
            )
        return _receive(case, now, by)


# ---------------------------------------------------------------------------------------------
# The sender's steps: rating the answer, and reopening it once when not satisfied


def case_rate(
    *,
    case: Case,
    rating: str,
    comment: str = "",
    reopen: bool = False,
    at: dt.datetime | None = None,
) -> Case:
    """The sender rates the answer (once). An unsatisfied rating with ``reopen`` sends the
    case back to the unit that answered, with a new answer time, once in its life. The caller
    has proven to be the sender (their account, or the code with the contact given)."""
    from .models import Rating
    from .workflow import next_status

    now = _now(at)
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Cần chọn hài lòng hoặc không hài lòng.")})
    comment = _plain_text(comment, "rating_comment", limits.NOTE, required=False)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        next_status(case.status, "rate")
        if case.rating:
            raise ValidationError(_("Câu trả lời này đã được đánh giá."))
        old = case.status
        case.rating, case.rating_comment, case.rated_at = rating, comment, now
        case.version += 1
        case.save()
        history(case, "rate", old, at=now, note=comment)
        audit(case, "rate", None, {"rating": rating})
        if reopen and rating == Rating.UNSATISFIED:
            if case.reopened_at is not None:
                raise ValidationError(_("Phản ánh chỉ được mở lại một lần."))
            case.status = next_status(case.status, "reopen")
            case.reopened_at = now
            case.rating = ""  # the unsatisfied rating stays in the history and the audit
            case.answered_at = None
            case.answered_late = None
            set_due(case, now, "reopen")
            case.version += 1
            case.save()
            history(case, "reopen", old, at=now, note=comment)
            audit(case, "reopen", None, {})
    return case
