"""Online submission and what follows it on the citizen side: drafts, submit, supplement
replies, paying a dossier's fee, releasing the signed result, rating.

Nothing twice, nothing half: every upload is checked before anything is written; files are
written inside the transaction and deleted again if it fails; a submission is keyed by an
idempotency key from the form (unique), so a double click or a retried request finds the
first dossier instead of making a second.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from congso.accounts.models import AccountKind
from congso.audit.services import audit_record
from congso.core.files import delete_on_commit, file_written, files_removed_on_failure
from congso.core.uploads import charge_upload_quota, validate_upload
from congso.dossiers import services as dossier_services
from congso.dossiers.models import Dossier, Rating, Status
from congso.org import policy
from congso.org.models import Unit
from congso.procedures.models import OnlineLevel, ProcedureVersion, RequiredPaper

from . import eforms, selectors
from .models import (
    CitizenProfile,
    Draft,
    DraftAttachment,
    ElectronicResult,
    Payment,
    PaymentStatus,
    Submission,
    SupplementReply,
    SupplementReplyFile,
)
from .services import PAID_HOOKS, payment_create

logger = logging.getLogger(__name__)


def _ensure_citizen(user: Any) -> None:
    if not getattr(user, "is_authenticated", False) or user.kind == AccountKind.STAFF:
        raise PermissionDenied(_g("Chỉ tài khoản công dân, tổ chức mới nộp hồ sơ trực tuyến."))


@transaction.atomic
def draft_create(*, user: Any, version: ProcedureVersion, unit: Unit) -> Draft:
    """Start an online application of ``version`` to ``unit`` (which must receive it)."""
    _ensure_citizen(user)
    if not version.via_online or version.online_level == OnlineLevel.NONE:
        raise ValidationError(_("Thủ tục này không tiếp nhận trực tuyến."))
    if not selectors.receiving_units(version).filter(pk=unit.pk).exists():
        raise ValidationError(_("Đơn vị đã chọn không tiếp nhận thủ tục này."))
    draft = Draft.objects.create(owner=user, version=version, unit=unit)
    audit_record(actor=user, action="eservices.draft_create", target=draft)
    return draft


def _checked_uploads(
    uploads: Mapping[int | None, Sequence[Any]],
) -> list[tuple[int | None, Any, str]]:
    """Validate every file first (nothing is written if one is bad); (paper id, file, safe name)."""
    checked = []
    for paper_id, files in uploads.items():
        for upload in files:
            result = validate_upload(upload)
            checked.append((paper_id, upload, result.name))
    return checked


APPLICANT_KEYS = ("name", "id_number", "address", "phone", "email")


def draft_save(
    *,
    draft: Draft,
    user: Any,
    data: dict[str, Any],
    uploads: Mapping[int | None, Sequence[Any]] | None = None,
    remove: Iterable[int] = (),
    applicant: Mapping[str, Any] | None = None,
) -> Draft:
    """Save the e-form data, the applicant block as typed and new attachments of a draft, and
    drop the attachments in ``remove`` (rows now, their files once committed); all or nothing."""
    policy.ensure_owns(user, "eservices.draft", draft)
    if draft.submitted_at is not None:
        raise ValidationError(_("Hồ sơ đã nộp, không sửa được bản nháp."))
    papers = {p.pk for p in draft.version.papers.all()}
    uploads = uploads or {}
    if any(pid is not None and pid not in papers for pid in uploads):
        raise ValidationError(_("Giấy tờ không thuộc thủ tục đã chọn."))
    checked = _checked_uploads(uploads)
    with files_removed_on_failure(), transaction.atomic():
        charge_upload_quota(user, [upload.size for _, upload, _ in checked])
        draft = Draft.objects.select_for_update().get(pk=draft.pk)
        draft.data = data
        fields = ["data", "updated_at"]
        if applicant is not None:
            draft.applicant = {k: str(applicant.get(k) or "")[:300] for k in APPLICANT_KEYS}
            fields.append("applicant")
        draft.save(update_fields=fields)
        for gone in DraftAttachment.objects.filter(draft=draft, pk__in=list(remove)):
            delete_on_commit(gone.file)
            gone.delete()
        for paper_id, upload, name in checked:
            att = DraftAttachment(draft=draft, paper_id=paper_id, name=name, size=upload.size)
            upload.seek(0)
            att.file.save(name, File(upload), save=False)
            file_written(att.file)
            att.save()
    return draft


def _applicant(user: Any, draft: Draft, applicant: dict[str, str]) -> dossier_services.Applicant:
    profile = CitizenProfile.objects.filter(user=user).first()
    organisation = user.kind == AccountKind.ORGANISATION
    return dossier_services.Applicant(
        kind="organisation" if organisation else "individual",
        name=applicant.get("name")
        or (
            (profile.organisation_name if profile and organisation else "") or user.get_full_name()
        ),
        id_number=applicant.get("id_number")
        or ((profile.tax_code if organisation else profile.identity_number) if profile else ""),
        address=applicant.get("address") or (profile.address if profile else ""),
        phone=applicant.get("phone") or user.phone,
        email=applicant.get("email") or user.email,
    )


def draft_submit(*, draft: Draft, user: Any, key: uuid.UUID, applicant: dict[str, str]) -> Dossier:
    """Submit a draft: a dossier in status 1 in the receiving agency's "to receive" queue.

    The same key, or a draft already submitted, returns the existing dossier.
    """
    _ensure_citizen(user)
    policy.ensure_owns(user, "eservices.draft", draft)
    existing = Submission.objects.filter(key=key).select_related("dossier").first()
    if existing is not None and existing.dossier is not None:
        policy.ensure_owns(user, "eservices.submission", existing)
        return existing.dossier
    try:
        # Files the dossiers service writes (the attachments' copies) go if this fails.
        with files_removed_on_failure(), transaction.atomic():
            draft = (
                Draft.objects.select_for_update().select_related("version", "unit").get(pk=draft.pk)
            )
            if draft.dossier_id is not None:
                return Dossier.objects.get(pk=draft.dossier_id)
            submission = Submission.objects.create(key=key, owner=user, draft=draft)
            version = draft.version
            schema = version.form_schema or []
            form = eforms.build_form_class(schema)(data=eforms.data_as_post(schema, draft.data))
            if not form.is_valid():
                raise ValidationError(
                    _("Tờ khai điện tử chưa đầy đủ hoặc chưa hợp lệ: %(errors)s")
                    % {"errors": "; ".join(str(m) for errs in form.errors.values() for m in errs)}
                )
            attachments = list(draft.attachments.select_related("paper"))
            have = {a.paper_id for a in attachments}
            missing = [p.name for p in version.papers.all() if p.required and p.pk not in have]
            if missing:
                raise ValidationError(
                    _("Còn thiếu tệp cho giấy tờ bắt buộc: %(names)s.")
                    % {"names": "; ".join(missing)}
                )
            files = []
            for att in attachments:
                att.file.open("rb")
                files.append(UploadedFile(att.file.file, name=att.name, size=att.size))
            try:
                dossier = dossier_services.dossier_submit_online(
                    version=version,
                    agency=draft.unit,
                    applicant=_applicant(user, draft, applicant),
                    applicant_user=user,
                    form_data=draft.data,
                    attachments=files,
                    attachment_papers=[att.paper for att in attachments],
                    request_summary=version.name,
                    idempotency_key=str(key),
                )
            finally:
                for att in attachments:
                    att.file.close()
            if not policy.owns(user, "eservices.dossier", dossier):
                # A key somebody else already used: never hand out their dossier.
                raise PermissionDenied(
                    _g("Mã nộp hồ sơ không hợp lệ; hãy tải lại trang và nộp lại.")
                )
            submission.dossier = dossier
            submission.save(update_fields=["dossier"])
            draft.dossier = dossier
            draft.submitted_at = timezone.now()
            draft.save(update_fields=["dossier", "submitted_at", "updated_at"])
            audit_record(
                actor=user,
                action="eservices.submit",
                target=dossier,
                unit=dossier.receiving_unit_id,
                data={"draft": str(draft.public_id)},
            )
            return dossier
    except IntegrityError:
        # A concurrent request with the same key won the race: return its dossier.
        winner = (
            policy.owned(user, "eservices.submission", Submission.objects.filter(key=key))
            .select_related("dossier")
            .first()
        )
        if winner is not None and winner.dossier is not None:
            return winner.dossier
        raise ValidationError(_("Mã nộp hồ sơ không hợp lệ; hãy tải lại trang và nộp lại."))


def supplement_reply(
    *, dossier: Dossier, user: Any, note: str, files: Sequence[Any]
) -> SupplementReply:
    """The applicant answers the open supplement request online with new papers.

    During processing (status 5) the answer is the receipt: dossiers'
    ``dossier_supplement_receive_online`` attaches the files to the dossier and restarts the
    clock, in this transaction (all or nothing). For a completion request at intake (status 1)
    the papers are kept here until the desk accepts the dossier.
    """
    policy.ensure_owns(user, "eservices.dossier", dossier)
    if not files:
        raise ValidationError(_("Cần đính kèm ít nhất một tệp bổ sung."))
    checked = _checked_uploads({None: files})
    with files_removed_on_failure(), transaction.atomic():
        charge_upload_quota(user, [upload.size for _, upload, _ in checked])
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        # Status 5 (during processing) or status 1 with a completion request at intake.
        if locked.status not in (Status.SUPPLEMENT, Status.NEW):
            raise ValidationError(_("Hồ sơ không ở trạng thái chờ bổ sung."))
        request = (
            locked.supplements.filter(received_at__isnull=True).order_by("-requested_at").first()
        )
        if request is None:
            raise ValidationError(_("Không có yêu cầu bổ sung đang chờ."))
        if SupplementReply.objects.filter(supplement=request).exists():
            raise ValidationError(
                _("Bạn đã gửi bổ sung cho yêu cầu này; vui lòng chờ cán bộ tiếp nhận.")
            )
        reply = SupplementReply.objects.create(
            dossier=locked, supplement=request, author=user, note=note.strip()[:2000]
        )
        if locked.status == Status.SUPPLEMENT:
            dossier_services.dossier_supplement_receive_online(
                dossier=locked, user=user, files=files, note=reply.note
            )
        else:
            for _pid, upload, name in checked:
                row = SupplementReplyFile(reply=reply, name=name, size=upload.size)
                upload.seek(0)
                row.file.save(name, File(upload), save=False)
                file_written(row.file)
                row.save()
            dossier_services.dossier_mark_supplement_answered(dossier=locked)
        audit_record(
            actor=user,
            action="eservices.supplement_reply",
            target=locked,
            unit=locked.handling_unit_id,
            data={"files": len(checked)},
        )
    return reply


def dossier_payment(*, dossier: Dossier, user: Any) -> Payment:
    """The pending online payment of a dossier awaiting its fee (status 6)."""
    policy.ensure_owns(user, "eservices.dossier", dossier)
    if dossier.status != Status.AWAITING_PAYMENT or dossier.fee_paid:
        raise ValidationError(_("Hồ sơ không ở trạng thái chờ nộp phí."))
    return payment_create(
        payer=user,
        amount=dossier.fee_total,
        dossier=dossier,
        unit=dossier.processing_agency,
        description=_g("Phí, lệ phí hồ sơ %(code)s") % {"code": dossier.code},
    )


def _dossier_paid(payment: Payment) -> None:
    """PAID_HOOKS entry: tell the dossier its fee is paid (inside the IPN transaction)."""
    if payment.dossier is None:
        return
    try:
        with transaction.atomic():
            dossier_services.dossier_payment_confirmed(
                dossier=payment.dossier, by=None, reference=payment.order_ref
            )
    except ValidationError as exc:
        # The money is taken either way: keep the payment, flag it for the desk.
        audit_record(
            actor=None,
            action="payment.unmatched",
            target=payment,
            data={"dossier": payment.dossier_id, "error": "; ".join(exc.messages)},
        )


def register_paid_hook() -> None:
    """Called from AppConfig.ready: a confirmed payment tells its dossier."""
    if _dossier_paid not in PAID_HOOKS:
        PAID_HOOKS.append(_dossier_paid)


def result_available(dossier: Dossier) -> bool:
    """A result is released only when it exists and any fee asked for is paid."""
    if dossier.status not in (Status.RESULT_READY, Status.RETURNED):
        return False
    if (
        dossier.fee_total
        and not dossier.fee_paid
        and dossier.history.filter(action="request_payment").exists()
    ):
        return False
    return bool(dossier.result_file) or bool(dossier.result_number or dossier.result_summary)


def _result_pdf_bytes(dossier: Dossier) -> bytes:
    if dossier.result_file:
        with dossier.result_file.open("rb") as f:
            data = f.read()
        if data.startswith(b"%PDF-"):
            return data
    from .receipts import result_notice_pdf

    return result_notice_pdf(dossier)


def result_release(*, dossier: Dossier, user: Any) -> ElectronicResult:
    """The signed result for the applicant: signed once with the deciding agency's
    certificate (PAdES), kept, and served again on later downloads."""
    from congso.signing.services import sign_pdf

    policy.ensure_owns(user, "eservices.dossier", dossier)
    if not result_available(dossier):
        raise ValidationError(
            _("Kết quả chưa được trả hoặc hồ sơ chưa hoàn thành nghĩa vụ tài chính.")
        )
    with files_removed_on_failure(), transaction.atomic():
        locked = (
            Dossier.objects.select_for_update()
            .select_related("processing_agency")
            .get(pk=dossier.pk)
        )
        existing = ElectronicResult.objects.filter(dossier=locked).first()
        if existing is not None:
            return existing
        agency = locked.processing_agency
        if locked.result_signed:
            # Signed by a leader with the PIN and sealed by the agency at the desk
            # (dossiers' sign_result, ADR 0073 as amended): served as it is.
            with locked.result_file.open("rb") as fh:
                signed = fh.read()
        else:
            signed = sign_pdf(
                _result_pdf_bytes(locked),
                unit=agency,
                signer_name=agency.name,
                reason=_g("Kết quả giải quyết thủ tục hành chính"),
                location=agency.name,
                field_name="CongSoKetQua",
            )
        result = ElectronicResult(
            dossier=locked, sha256=hashlib.sha256(signed).hexdigest(), signed_by=agency.name
        )
        result.file.save(f"ket-qua-{locked.code or locked.pk}.pdf", ContentFile(signed), save=False)
        file_written(result.file)
        result.save()
        audit_record(
            actor=user,
            action="eservices.result_release",
            target=locked,
            unit=agency,
            data={"sha256": result.sha256},
        )
    return result


def dossier_rate_online(*, dossier: Dossier, user: Any, level: int, comment: str = "") -> Rating:
    """The applicant rates a returned dossier online (once)."""
    policy.ensure_owns(user, "eservices.dossier", dossier)
    return dossier_services.dossier_rate(
        dossier=dossier, level=level, source=Rating.Source.ONLINE, comment=comment
    )


def paper_uploads(files: Any, papers: Iterable[RequiredPaper]) -> dict[int | None, list[Any]]:
    """Files of a multipart request grouped by paper (input name paper_<id>, several allowed)."""
    result: dict[int | None, list[Any]] = {}
    for paper in papers:
        got = files.getlist(f"paper_{paper.pk}")
        if got:
            result[paper.pk] = got
    extra = files.getlist("paper_other")
    if extra:
        result[None] = extra
    return result


__all__ = ["PaymentStatus"]
