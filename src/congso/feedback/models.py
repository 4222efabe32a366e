"""Citizen feedback and questions (phản ánh, kiến nghị; hỏi đáp): the case, its history,
attachments, the deadline rule table and the code counter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page

from congso.core import limits
from congso.core.limits import LimitedTextField
from congso.org.models import Staff, Unit, UnitKind
from congso.portal.models import PUBLISH_PANEL, LimitedRichTextField, PortalPage
from congso.portal.richtext import FEATURES
from congso.search.fields import FoldedField

from .workflow import OPEN_STATUSES as OPEN_STATUSES
from .workflow import Status as Status
from .workflow import history_label


class Kind(models.TextChoices):
    QUESTION = "question", _("Hỏi đáp về thủ tục, chính sách")
    REGULATION = "regulation", _("Phản ánh, kiến nghị về quy định hành chính")
    COMPLAINT = "complaint", _("Phản ánh về việc giải quyết hồ sơ, thái độ cán bộ")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng/Trang thông tin điện tử")
    ESERVICES = "eservices", _("Dịch vụ công trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại bộ phận tiếp nhận")
    PHONE = "phone", _("Điện thoại")
    LETTER = "letter", _("Thư, văn bản")
    API = "api", _("Kết nối API")


class Stage(models.TextChoices):
    """What a deadline rule measures."""

    FORWARD = "forward", _("Chuyển cơ quan có thẩm quyền")
    ANSWER = "answer", _("Xử lý, trả lời")
    EXTENSION = "extension", _("Gia hạn (một lần)")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


LEVELS = [
    ("", _("Mọi cấp")),
    (UnitKind.WARD, _("Cấp xã")),
    (UnitKind.DISTRICT, _("Cấp huyện")),
    (UnitKind.PROVINCE, _("Cấp tỉnh")),
]


class DeadlineRule(models.Model):
    """One version of a deadline rule: for a kind of case (blank: every kind) at a level of
    agency (blank: every level), how many working days a stage may take, and the legal text
    that says so. Rules are never edited in place once used: an administrator adds a new
    version with the day it applies from; a case keeps the rule it was computed with."""

    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, blank=True)
    level = models.CharField(_("cấp"), max_length=16, choices=LEVELS, blank=True)
    stage = models.CharField(_("bước"), max_length=16, choices=Stage.choices)
    working_days = models.DecimalField(
        _("số ngày làm việc"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    legal_basis = LimitedTextField(_("căn cứ pháp lý"), max_length=limits.REASON)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    note = LimitedTextField(_("ghi chú"), max_length=limits.NOTE, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("quy tắc thời hạn phản ánh")
        verbose_name_plural = _("quy tắc thời hạn phản ánh")
        ordering = ["stage", "kind", "level", "-valid_from", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "level", "stage", "version"], name="feedback_rule_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} — {self.get_kind_display() or _('mọi loại')}: {self.working_days} ngày (v{self.version})"


class CaseCodeCounter(models.Model):
    """The last case number an agency gave on a day (PAKN.yyyymmdd.NNNN restarts daily)."""

    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="feedback_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class Case(models.Model):
    """A question, feedback on a regulation or a complaint, from its receipt to its rating."""

    code = models.CharField(_("mã phản ánh"), max_length=40, null=True, blank=True, unique=True)
    # Given at submission (before verification there is no code): what the sender's browser
    # holds to verify, never shown as a code.
    reference = models.CharField(max_length=32, unique=True)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=16, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # The agency that received it: its code series, its portal publishes the answer.
    agency = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="feedback_received", verbose_name=_("nơi nhận")
    )
    # The agency whose desk triages it now (the receiving one, or where it was forwarded).
    triage_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="feedback_triage",
        verbose_name=_("nơi phân loại"),
    )
    # The department (or agency) handling it once routed.
    handling_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_handling",
        verbose_name=_("đơn vị xử lý"),
    )
    handler = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    field = models.ForeignKey(
        "procedures.Field",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lĩnh vực"),
    )
    procedure = models.ForeignKey(
        "procedures.Procedure",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thủ tục"),
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback",
        verbose_name=_("hồ sơ liên quan"),
    )
    title = models.CharField(_("tiêu đề"), max_length=limits.TITLE)
    body = LimitedTextField(_("nội dung"), max_length=limits.EFORM_TEXT)
    search_text = FoldedField(max_length=limits.EFORM_TEXT + limits.TITLE, source="search_source")

    sender_name = models.CharField(_("họ tên người gửi"), max_length=limits.NAME)
    sender_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    sender_email = models.EmailField(_("e-mail"), blank=True)
    sender_address = models.CharField(_("địa chỉ"), max_length=limits.ADDRESS, blank=True)
    sender_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feedback_cases",
    )
    consent_publish = models.BooleanField(_("đồng ý công khai câu hỏi và trả lời"), default=False)
    verification_hash = models.CharField(max_length=64, blank=True)
    verification_sent_at = models.DateTimeField(null=True, blank=True)
    verification_attempts = models.PositiveSmallIntegerField(default=0)

    submitted_at = models.DateTimeField(_("thời điểm gửi"))
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    forward_due_at = models.DateTimeField(_("hạn chuyển"), null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    # The answer's time counts from here: the receipt, or the competent agency's receipt of a
    # case forwarded inside CongSo.
    due_from = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True, db_index=True)
    due_rule = models.ForeignKey(
        DeadlineRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How the due time was computed, as shown to officers: rule, days, start, reason.
    due_basis = models.JSONField(default=dict, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    extension_reason = LimitedTextField(max_length=limits.REASON, blank=True)
    forwarded_out_to = models.CharField(max_length=limits.NAME, blank=True)
    forward_letter = models.CharField(_("số văn bản chuyển"), max_length=60, blank=True)
    refusal_reason = LimitedTextField(max_length=limits.REASON, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="duplicates"
    )

    answer = LimitedTextField(_("nội dung trả lời"), max_length=limits.REVIEW, blank=True)
    drafted_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    answered_late = models.BooleanField(null=True, blank=True)
    # The published version: personal data removed, confirmed by the approver.
    public_question = LimitedTextField(max_length=limits.EFORM_TEXT, blank=True)
    public_answer = LimitedTextField(max_length=limits.REVIEW, blank=True)
    public_search = FoldedField(
        max_length=limits.EFORM_TEXT + limits.REVIEW, source="public_search_source"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    redaction_confirmed_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    rating = models.CharField(max_length=16, choices=Rating.choices, blank=True)
    rating_comment = LimitedTextField(max_length=limits.NOTE, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    reopened_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="feedback_open_due"),
            models.Index(fields=["agency", "received_at"], name="feedback_agency_received"),
            models.Index(fields=["agency", "published_at"], name="feedback_published"),
        ]

    def __str__(self) -> str:
        return self.code or self.reference

    @property
    def search_source(self) -> str:
        return f"{self.title} {self.body}"

    @property
    def public_search_source(self) -> str:
        return f"{self.title} {self.public_question} {self.public_answer}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def current_unit(self) -> Unit:
        return self.handling_unit or self.triage_unit


class CaseHistory(models.Model):
    """One row per step, with the unit it happened in."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=limits.NAME, blank=True)
    note = LimitedTextField(max_length=limits.NOTE, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("lịch sử xử lý phản ánh")
        verbose_name_plural = _("lịch sử xử lý phản ánh")

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} → {self.to_status}"

    @property
    def label(self) -> str:
        return history_label(self.action)


class Attachment(models.Model):
    """A file the sender attached (checked by core.uploads when it came in)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="feedback/%Y/%m/")
    name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# The portal page "Hỏi đáp" (Wagtail): the form and the answers this unit published.


class QuestionsPage(PortalPage):
    """Hỏi đáp of one unit's site: the submission form (to the unit) and its published
    answers, searchable without diacritics (congso.feedback.selectors.published_for)."""

    intro = LimitedRichTextField(_("giới thiệu"), blank=True, features=FEATURES)

    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("intro"), PUBLISH_PANEL]
    template = "feedback/questions_page.html"
    PER_PAGE = 20

    class Meta:
        verbose_name = _("trang hỏi đáp")
        verbose_name_plural = _("trang hỏi đáp")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from django.urls import reverse

        from .selectors import published_for

        context = super().get_context(request, *args, **kwargs)
        portal = context["portal"]
        unit = Unit.objects.filter(pk=portal.unit_id).first() if portal else None
        q = (request.GET.get("q") or "").strip()[: limits.SEARCH]
        context.update(
            q=q,
            answers=published_for(unit, q=q, limit=self.PER_PAGE) if unit else [],
            fixed_agency=unit,
            kinds=Kind.choices,
            form_action=reverse("feedback:submit"),
            back=self.url,
            data={},
            errors={},
        )
        return context
