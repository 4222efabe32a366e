"""The citizen side: profiles, verification codes, drafts, online submissions, payments."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.core.limits import LimitedTextField
from congso.procedures.models import ProcedureVersion

# [0-9], not \d: \d also matches ０-９, ٠-٩ and other scripts' digits (issue #11, finding 13).
tax_code_validator = RegexValidator(
    r"^[0-9]{10}([0-9]{3})?$", _("Mã số thuế gồm 10 hoặc 13 chữ số."), code="tax_code"
)
identity_number_validator = RegexValidator(
    r"^[0-9]{12}$", _("Số định danh cá nhân (CCCD) gồm 12 chữ số."), code="identity_number"
)


class CitizenProfile(models.Model):
    """What a citizen or organisation account carries beyond accounts.User."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="citizen_profile",
        verbose_name=_("tài khoản"),
    )
    identity_number = models.CharField(
        _("số định danh cá nhân"), max_length=12, blank=True, validators=[identity_number_validator]
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=13, blank=True, validators=[tax_code_validator]
    )
    organisation_name = models.CharField(_("tên tổ chức"), max_length=300, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    email_verified = models.BooleanField(_("đã xác thực e-mail"), default=False)
    phone_verified = models.BooleanField(_("đã xác thực số điện thoại"), default=False)
    # "sub" of the national e-ID provider, set after the first e-ID login.
    eid_subject = models.CharField(_("định danh VNeID"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")
        constraints = [
            models.UniqueConstraint(
                fields=["identity_number"],
                condition=~models.Q(identity_number=""),
                name="eservices_identity_number_unique",
            ),
            models.UniqueConstraint(
                fields=["eid_subject"],
                condition=~models.Q(eid_subject=""),
                name="eservices_eid_subject_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_verified(self) -> bool:
        return self.email_verified or self.phone_verified


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Xác thực đăng ký")
    RESET = "reset", _("Đặt lại mật khẩu")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Tin nhắn SMS")


class VerificationCode(models.Model):
    """A one-time 6-digit code sent by e-mail or SMS; only its hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verification_codes"
    )
    purpose = models.CharField(max_length=16, choices=CodePurpose.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    destination = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mã xác thực")
        verbose_name_plural = _("mã xác thực")
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.destination}"


def draft_upload_to(instance: DraftAttachment, filename: str) -> str:
    return f"eservices/drafts/{instance.draft.public_id}/{uuid.uuid4().hex[:8]}-{filename}"


class Draft(models.Model):
    """An online application being prepared (hồ sơ lưu nháp); becomes a dossier on submission."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="eservice_drafts",
        verbose_name=_("người nộp"),
    )
    version = models.ForeignKey(
        "procedures.ProcedureVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thủ tục"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan tiếp nhận")
    )
    data = models.JSONField(_("nội dung tờ khai"), default=dict, blank=True)
    # The applicant block (name, id_number, address, phone, email) as last typed, kept even
    # when invalid, so a reopened draft shows what was entered rather than the profile's values.
    applicant = models.JSONField(_("thông tin chủ hồ sơ"), default=dict, blank=True)
    # Set once submitted; the draft then stays as the record of what was sent.
    submitted_at = models.DateTimeField(null=True, blank=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="online_draft",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ nháp")
        verbose_name_plural = _("hồ sơ nháp")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"{self.version.name} — {self.owner}"


class DraftAttachment(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="attachments")
    paper = models.ForeignKey(
        "procedures.RequiredPaper",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(upload_to=draft_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paper__order", "pk"]

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One row per idempotency key: a retried or double-clicked submit finds it and stops."""

    key = models.UUIDField(unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="submissions")
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.key)


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")


class Payment(models.Model):
    """An online fee payment. Paid only when the gateway's server-to-server confirmation
    (IPN) has been verified; the payer's return redirect never makes it final."""

    order_ref = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="eservice_payments",
        verbose_name=_("người nộp"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_payments",
        verbose_name=_("hồ sơ"),
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("cơ quan thu"),
    )
    description = models.CharField(_("nội dung"), max_length=255)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    provider = models.CharField(_("cổng thanh toán"), max_length=30, default="vnpay")
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    provider_txn = models.CharField(_("mã giao dịch tại cổng"), max_length=64, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    paid_at = models.DateTimeField(_("thời điểm thanh toán"), null=True, blank=True)
    # Every confirmation received, verified or not, as received (evidence for disputes).
    confirmations = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thanh toán trực tuyến")
        verbose_name_plural = _("thanh toán trực tuyến")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.order_ref


def reply_upload_to(instance: SupplementReplyFile, filename: str) -> str:
    return f"eservices/supplements/{instance.reply.dossier_id}/{uuid.uuid4().hex[:8]}-{filename}"


class SupplementReply(models.Model):
    """The applicant's online answer to a supplement request (papers plus a note)."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="supplement_replies"
    )
    supplement = models.ForeignKey(
        "dossiers.Supplement", on_delete=models.CASCADE, related_name="online_replies"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = LimitedTextField(_("ghi chú"), blank=True, max_length=limits.NOTE)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bổ sung hồ sơ trực tuyến")
        verbose_name_plural = _("bổ sung hồ sơ trực tuyến")
        constraints = [
            models.UniqueConstraint(fields=["supplement"], name="eservices_one_reply_per_request")
        ]

    def __str__(self) -> str:
        return f"{self.dossier} — {self.submitted_at:%d/%m/%Y}"


class SupplementReplyFile(models.Model):
    reply = models.ForeignKey(SupplementReply, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=reply_upload_to, max_length=300)
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name


class ElectronicResult(models.Model):
    """The signed PDF of a dossier's result as released to the applicant (signed once, kept)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="electronic_result"
    )
    file = models.FileField(upload_to="eservices/results/%Y/%m/", max_length=300)
    sha256 = models.CharField(max_length=64)
    signed_by = models.CharField(max_length=200)
    signed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")

    def __str__(self) -> str:
        return str(self.dossier)


class EFormSchema(ProcedureVersion):
    """The e-form of a procedure version, as administrators edit it (see admin.py)."""

    class Meta:
        proxy = True
        verbose_name = _("biểu mẫu điện tử")
        verbose_name_plural = _("biểu mẫu điện tử")
