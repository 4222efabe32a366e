"""One-stop dossiers (hồ sơ một cửa): the dossier, its papers, history, handovers (form 5),
internal steps, supplements, apologies, ratings, the register (form 6) and code counters."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.core.limits import LimitedTextField
from congso.org.models import Staff, Unit
from congso.procedures.models import ProcedureVersion
from congso.search.fields import FoldedField

from .identity import birth_date_problem, identity_problem

# The workflow enums live below the models (workflow.py); they stay importable from here.
from .workflow import OPEN_STATUSES as OPEN_STATUSES
from .workflow import Stage as Stage
from .workflow import Status as Status
from .workflow import history_label


class Channel(models.IntegerChoices):
    COUNTER = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POST = 3, _("Bưu chính công ích")


class ApplicantKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức, doanh nghiệp")


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Trả trực tiếp tại Bộ phận một cửa")
    POST = "post", _("Trả qua bưu chính công ích")
    ONLINE = "online", _("Trả trực tuyến")


IDENTITY_RE = re.compile(r"^[0-9]{12}$")  # ASCII only: \d also matches ０-９, ٠-٩ (issue #11)
TAX_CODE_RE = re.compile(r"^[0-9]{10}(-?[0-9]{3})?$")


def validate_identity(kind: str, number: str, birth_date: dt.date | None = None) -> None:
    """A person has a 12-digit citizen identity number (CCCD) with a valid province code and
    year of birth (identity.identity_problem, checked against the birth date when given); an
    organisation a tax code of 10 digits, or 13 for a branch (10 + 3, with or without the dash)."""
    if kind == ApplicantKind.INDIVIDUAL:
        problem = identity_problem(number, birth_date=birth_date)
        if problem:
            raise ValidationError({"applicant_id_number": problem})
    if kind == ApplicantKind.ORGANISATION and not TAX_CODE_RE.match(number):
        raise ValidationError({"applicant_id_number": _("Mã số thuế gồm 10 hoặc 13 chữ số.")})


class Dossier(models.Model):
    """A dossier received by one agency under one procedure version, kept forever."""

    code = models.CharField(_("mã hồ sơ"), max_length=60, null=True, blank=True, unique=True)
    # Given at online submission, before there is a code; looked up like a code, also after
    # the code is given (references.py, ADR 0075).
    reference = models.CharField(
        _("mã tham chiếu"), max_length=14, null=True, blank=True, unique=True
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("thủ tục"),
    )
    # Indexed by dossier_register_idx (agency, received_at), whose first column serves too.
    agency = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("cơ quan tiếp nhận"),
    )
    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("bộ phận tiếp nhận")
    )
    # The agency deciding the dossier: the receiving agency, or the district it was forwarded to.
    processing_agency = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan giải quyết")
    )
    handling_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị đang xử lý")
    )
    handler = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người đang xử lý"),
    )
    stage = models.CharField(
        _("khâu xử lý"), max_length=12, choices=Stage.choices, default=Stage.DESK
    )
    forwarded = models.BooleanField(_("liên thông"), default=False)

    applicant_kind = models.CharField(
        _("loại chủ hồ sơ"),
        max_length=12,
        choices=ApplicantKind.choices,
        default=ApplicantKind.INDIVIDUAL,
    )
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=200)
    # fold(applicant_name), for the desk search (selectors.desk_search, ADR 0056).
    applicant_name_folded = FoldedField(max_length=200, source="applicant_name")
    applicant_id_number = models.CharField(_("số CCCD / mã số thuế"), max_length=14, db_index=True)
    applicant_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    proxy_name = models.CharField(_("người nộp thay"), max_length=200, blank=True)
    proxy_id_number = models.CharField(_("số CCCD người nộp thay"), max_length=12, blank=True)
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
        verbose_name=_("tài khoản công dân"),
    )
    request_summary = LimitedTextField(_("nội dung yêu cầu"), blank=True, max_length=limits.SUMMARY)
    form_data = models.JSONField(_("dữ liệu tờ khai điện tử"), default=dict, blank=True)

    channel = models.PositiveSmallIntegerField(
        _("kênh nộp"), choices=Channel.choices, default=Channel.COUNTER
    )
    status = models.PositiveSmallIntegerField(
        _("trạng thái"), choices=Status.choices, default=Status.NEW
    )
    # The status to go back to when the fee is paid (status 6 interrupts 2 or 4).
    status_before_payment = models.PositiveSmallIntegerField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)

    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("thời gian tạm dừng (giây làm việc)"), default=0)
    finished_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    # Judged once when the dossier finishes, so statistics count it with one indexed column.
    timeliness = models.CharField(
        _("tiến độ"), max_length=8, choices=Timeliness.choices, blank=True
    )
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    return_method = models.CharField(
        _("hình thức trả"), max_length=8, choices=ReturnMethod.choices, blank=True
    )
    collected_by = models.CharField(_("người nhận kết quả"), max_length=200, blank=True)
    refusal_reason = LimitedTextField(
        _("lý do từ chối / dừng"), blank=True, max_length=limits.REASON
    )
    fee_total = models.PositiveIntegerField(_("phí, lệ phí (đồng)"), default=0)
    fee_paid = models.BooleanField(_("đã nộp phí"), default=False)
    result_number = models.CharField(_("số, ký hiệu kết quả"), max_length=60, blank=True)
    result_summary = LimitedTextField(_("kết quả giải quyết"), blank=True, max_length=limits.REVIEW)
    result_file = models.FileField(
        _("tệp kết quả"), upload_to="dossiers/results/%Y/%m/", blank=True
    )
    result_signed = models.BooleanField(_("kết quả đã ký số"), default=False)
    # The specialist's review (kết quả thẩm định) and the draft result submitted to the leader:
    # internal, shown to the head, the leader and the clerk; never printed for the applicant
    # unless the officer issuing the result chooses to (dossier_record_result).
    findings = LimitedTextField(_("kết quả thẩm định"), blank=True, max_length=limits.REVIEW)
    result_draft = LimitedTextField(_("dự thảo kết quả"), blank=True, max_length=limits.REVIEW)
    # When the applicant last answered a supplement or completion request online, until an
    # officer next acts on the dossier: the queue flags such dossiers.
    supplement_answered_at = models.DateTimeField(
        _("công dân đã bổ sung lúc"), null=True, blank=True
    )
    current_step = models.PositiveSmallIntegerField(default=0)
    # Optimistic concurrency: every action form and API call sends back the version it was
    # shown, and the action's service refuses a stale one (UPDATE … WHERE version = n, ADR 0058).
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["due_at", "pk"]
        indexes = [
            # Queues: open work of a unit, and of one officer, in the order the queue pages show
            # it. Partial (open dossiers are ≈ 5 % of the table) and covering the status, so tab
            # counts are index-only scans and a page reads only its own rows in due order.
            models.Index(
                fields=["handling_unit", "stage", "due_at", "id"],
                include=["status"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_open_queue_idx",
            ),
            models.Index(
                fields=["handler", "stage", "due_at", "id"],
                include=["status"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="dossier_open_handler_idx",
            ),
            # Liên thông (desk.forwarded): open forwarded dossiers of the agency that received
            # them and of the one deciding them, in due order; a few rows per agency.
            models.Index(
                fields=["agency", "due_at", "id"],
                condition=models.Q(forwarded=True, status__in=OPEN_STATUSES),
                name="dossier_fwd_out_idx",
            ),
            models.Index(
                fields=["processing_agency", "due_at", "id"],
                condition=models.Q(forwarded=True, status__in=OPEN_STATUSES),
                name="dossier_fwd_in_idx",
            ),
            # Statistics: one agency's dossiers by receipt and by finish time.
            models.Index(
                fields=["processing_agency", "received_at"], name="dossier_stats_recv_idx"
            ),
            models.Index(fields=["processing_agency", "finished_at"], name="dossier_stats_fin_idx"),
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_recv_unit_idx"),
            # The register (form 6): one agency's dossiers by receipt time.
            models.Index(fields=["agency", "received_at"], name="dossier_register_idx"),
            models.Index(fields=["status"], name="dossier_status_idx"),
            # The desk search (selectors.search_condition): by phone number (identity numbers and
            # codes have their own), and by the start of the folded name within the receiving
            # agency, or the deciding one when it is another (liên thông). text_pattern_ops lets
            # PostgreSQL serve LIKE 'prefix%' whatever the database collation (ADR 0056).
            models.Index(fields=["applicant_phone"], name="dossier_phone_idx"),
            models.Index(
                fields=["applicant_name_folded", "agency"],
                opclasses=["text_pattern_ops", "int8_ops"],
                name="dossier_name_idx",
            ),
            models.Index(
                fields=["applicant_name_folded", "processing_agency"],
                opclasses=["text_pattern_ops", "int8_ops"],
                condition=~models.Q(processing_agency=models.F("agency")),
                name="dossier_name_fwd_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk} ({self.applicant_name})"

    def clean(self) -> None:
        problem = birth_date_problem(self.applicant_birth_date)
        if problem:
            raise ValidationError({"applicant_birth_date": problem})
        validate_identity(self.applicant_kind, self.applicant_id_number, self.applicant_birth_date)
        problem = identity_problem(self.proxy_id_number) if self.proxy_id_number else None
        if problem:
            raise ValidationError({"proxy_id_number": problem})

    @property
    def ref(self) -> str:
        """What URLs use: the code, or ``id-<pk>`` before the dossier has one."""
        return self.code or f"id-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DossierPaper(models.Model):
    """A row of the checklist: a required paper and how many originals/copies were received."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="papers")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)

    class Meta:
        ordering = ["dossier", "order"]
        verbose_name = _("giấy tờ đã nhận")
        verbose_name_plural = _("giấy tờ đã nhận")

    def __str__(self) -> str:
        return self.name


class Attachment(models.Model):
    """A scanned paper or file (PDF, JPEG, PNG, DOCX) checked by congso.core.uploads."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to="dossiers/attachments/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    # 100: the DOCX media type alone is 71 characters.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set when the file answered a supplement request (sent online by the applicant), so the
    # staff detail page can show which papers came with which answer.
    supplement = models.ForeignKey(
        "Supplement", null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    # The required paper (thành phần hồ sơ) this file answers, when the applicant said so online.
    required_paper = models.ForeignKey(
        "procedures.RequiredPaper",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("thành phần hồ sơ"),
    )

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.original_name


class StatusHistory(models.Model):
    """One row per transition, kept with the unit it happened in (even after a merge)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("thao tác"), max_length=32)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True, choices=Status.choices)
    to_status = models.PositiveSmallIntegerField(choices=Status.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=200, blank=True)
    note = LimitedTextField(blank=True, max_length=limits.NOTE)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("lịch sử trạng thái")
        verbose_name_plural = _("lịch sử trạng thái")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action} → {self.to_status}"

    @property
    def label(self) -> str:
        return history_label(self.action)


class DossierStep(models.Model):
    """An internal step of this dossier (copied from the version's InternalStep) with its own
    due time computed at acceptance from the cumulative budgets."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=300)
    actor = models.CharField(max_length=20)
    department = models.CharField(max_length=20, blank=True)
    budget = models.DecimalField(max_digits=6, decimal_places=2)
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)

    class Meta:
        ordering = ["dossier", "order"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="dossier_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Handover(models.Model):
    """A row of form 5 (phiếu kiểm soát quá trình giải quyết hồ sơ), filled automatically."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    step = models.ForeignKey(
        DossierStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=32)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    from_staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    from_name = models.CharField(max_length=200, blank=True)
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    step_due_at = models.DateTimeField(null=True, blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices, blank=True)
    note = LimitedTextField(blank=True, max_length=limits.NOTE)

    class Meta:
        ordering = ["sent_at", "pk"]
        verbose_name = _("bàn giao (phiếu kiểm soát)")
        verbose_name_plural = _("bàn giao (phiếu kiểm soát)")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_unit_id} → {self.to_unit_id}"


class Supplement(models.Model):
    """A request to complete (form 2): at intake (before acceptance) or during processing."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    during_processing = models.BooleanField(default=True)
    missing = LimitedTextField(_("nội dung cần bổ sung"), max_length=limits.MISSING)
    reason = LimitedTextField(_("lý do"), blank=True, max_length=limits.REASON)
    requested_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    received_at = models.DateTimeField(null=True, blank=True)
    waited_seconds = models.PositiveIntegerField(default=0)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.missing[:40]}"


class Apology(models.Model):
    """Form 4: the apology with a new date, signed by the head of the agency, once."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    reason = LimitedTextField(_("lý do chậm"), max_length=limits.REASON)
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField(_("ngày hẹn mới"))
    signed_by = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.new_due_at}"


class Satisfaction(models.IntegerChoices):
    VERY_SATISFIED = 3, _("Rất hài lòng")
    SATISFIED = 2, _("Hài lòng")
    UNSATISFIED = 1, _("Không hài lòng")


class Rating(models.Model):
    """The applicant's rating at return: one per dossier, at the counter or online."""

    class Source(models.TextChoices):
        COUNTER = "counter", _("Thiết bị tại quầy")
        ONLINE = "online", _("Trực tuyến")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    level = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Satisfaction.choices)
    source = models.CharField(max_length=8, choices=Source.choices)
    comment = LimitedTextField(_("góp ý"), blank=True, max_length=limits.NOTE)
    rated_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"


class RegisterEntry(models.Model):
    """Form 6: the dossier register, one row number per agency per year."""

    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="register_entry")

    class Meta:
        ordering = ["agency", "year", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "number"], name="dossier_register_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}/{self.number}"


class DossierCodeCounter(models.Model):
    """The last dossier number issued by an agency on a day (codes restart daily)."""

    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class RegisterCounter(models.Model):
    """The last register row number of an agency in a year."""

    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="dossier_regcounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"


class SyncJob(models.Model):
    """Outbox of the national-portal sync: one job per new dossier or status change. A job is
    never deleted; it is retried with backoff until sent, and failures stay visible."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Lỗi, sẽ thử lại")

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="sync_jobs")
    service = models.CharField(max_length=40)  # DongBoHoSoMC or CapNhatTienDoHoSoMC
    payload = models.JSONField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("đồng bộ Cổng DVC quốc gia")
        verbose_name_plural = _("đồng bộ Cổng DVC quốc gia")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="syncjob_due_idx")]

    def __str__(self) -> str:
        return f"{self.service} {self.dossier_id} ({self.state})"


class ApiToken(models.Model):
    """A bearer token for machine clients acting as one staff member (see ADR 0031)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    # Only the SHA-256 of the token is stored; the token itself is shown once.
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("đã thu hồi"), default=False)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.staff} — {self.name}"
