"""Incoming and outgoing documents, their exchange, and work files (NĐ 30/2020)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.core.limits import LimitedTextField
from congso.search.normalize import fold


class DocumentKind(models.Model):
    """One of the 29 kinds of administrative documents (NĐ 30/2020, Phụ lục III)."""

    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên loại văn bản"), max_length=100, unique=True)
    # Blank for Công văn and Thư công, whose symbol has no kind part.
    abbreviation = models.CharField(_("chữ viết tắt"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_letter(self) -> bool:
        """Công văn: its symbol names the drafting unit instead of the kind (45/UBND-VP)."""
        return not self.abbreviation


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Thường")
    URGENT = "urgent", _("Khẩn")
    VERY_URGENT = "very_urgent", _("Thượng khẩn")
    FLASH = "flash", _("Hỏa tốc")


# edXML OtherInfo/Priority (QCVN 102:2016): 0 normal .. 3 flash (4, flash with a set time, is
# read as flash).
URGENCY_PRIORITY = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.VERY_URGENT: 2, Urgency.FLASH: 3}


class Secrecy(models.TextChoices):
    NORMAL = "normal", _("Thường")
    CONFIDENTIAL = "confidential", _("Mật")
    SECRET = "secret", _("Tối mật")
    TOP_SECRET = "top_secret", _("Tuyệt mật")


class Series(models.TextChoices):
    NORMAL = "normal", _("Sổ thường")
    SECRET = "secret", _("Sổ mật")


class Direction(models.TextChoices):
    INCOMING = "incoming", _("Văn bản đến")
    OUTGOING = "outgoing", _("Văn bản đi")


class NumberCounter(models.Model):
    """The last number given in one register (unit, year, incoming/outgoing, series). Rows are
    locked with select_for_update so concurrent registrations never share a number."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    direction = models.CharField(max_length=8, choices=Direction.choices)
    series = models.CharField(max_length=8, choices=Series.choices)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "direction", "series"], name="documents_counter_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}/{self.direction}/{self.series}: {self.last}"


class Channel(models.TextChoices):
    PAPER = "paper", _("Văn bản giấy")
    ELECTRONIC = "electronic", _("Văn bản điện tử")


class IncomingStatus(models.TextChoices):
    REGISTERED = "registered", _("Đã vào sổ")
    PRESENTED = "presented", _("Đã trình lãnh đạo")
    DIRECTED = "directed", _("Đã có ý kiến chỉ đạo")
    IN_PROGRESS = "in_progress", _("Đang giải quyết")
    DONE = "done", _("Đã giải quyết")
    REFUSED = "refused", _("Từ chối nhận")
    RECALLED = "recalled", _("Đã thu hồi")


class IncomingDocument(models.Model):
    """A document received by an agency, with every column of the incoming register."""

    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="incoming_documents",
        verbose_name=_("cơ quan nhận"),
    )
    # The agency responsible now: the registering unit, or its successor after a merge (the
    # number stays in the register of ``unit``, so ``unit`` itself never changes).
    holder = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan đang xử lý")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    series = models.CharField(_("sổ"), max_length=8, choices=Series.choices, default=Series.NORMAL)
    number = models.PositiveIntegerField(_("số đến"))
    received_at = models.DateTimeField(_("ngày giờ đến"))
    sender_name = models.CharField(_("nơi gửi"), max_length=300)
    sender_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan gửi trong hệ thống"),
    )
    sender_organ_id = models.CharField(_("mã định danh nơi gửi"), max_length=35, blank=True)
    number_symbol = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    document_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    kind = models.ForeignKey(
        DocumentKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("loại văn bản"),
    )
    abstract = LimitedTextField(_("trích yếu"), max_length=limits.ABSTRACT)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    urgency = models.CharField(
        _("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        _("độ mật"), max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    channel = models.CharField(
        _("hình thức"), max_length=10, choices=Channel.choices, default=Channel.PAPER
    )
    page_count = models.PositiveSmallIntegerField(_("số trang"), default=1)
    due_date = models.DateField(_("hạn trả lời (theo văn bản)"), null=True, blank=True)
    # Register columns filled when the document is handed to the handling unit or person.
    handover_date = models.DateField(_("ngày chuyển"), null=True, blank=True)
    receipt_note = models.CharField(_("ký nhận"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=IncomingStatus.choices,
        default=IncomingStatus.REGISTERED,
        db_index=True,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("văn thư vào sổ"),
    )
    presented_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("trình lãnh đạo"),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    handling_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị chủ trì"),
    )
    handling_due_at = models.DateTimeField(
        _("hạn giải quyết"), null=True, blank=True, db_index=True
    )
    completed_at = models.DateTimeField(_("ngày hoàn thành"), null=True, blank=True)
    reply = models.ForeignKey(
        "OutgoingDocument",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("văn bản trả lời"),
    )
    # Set when the document came from another agency inside CongSo.
    source = models.ForeignKey(
        "Recipient", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    recall_requested = models.BooleanField(_("bên gửi đề nghị thu hồi"), default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đến")
        verbose_name_plural = _("văn bản đến")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "series", "number"], name="documents_incoming_number_unique"
            )
        ]
        indexes = [models.Index(fields=["unit", "received_at"])]

    def __str__(self) -> str:
        return f"{self.number}/{self.year} — {self.abstract[:80]}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL

    def search_fields(self) -> dict[str, str]:
        return {"title": self.abstract, "symbol": self.number_symbol, "sender": self.sender_name}


class Attachment(models.Model):
    """A file of a document: the scan of a paper letter, an electronic file, a draft or the
    signed PDF. ``text`` holds what the search index read from it (text layer or OCR)."""

    incoming = models.ForeignKey(
        IncomingDocument,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    outgoing = models.ForeignKey(
        "OutgoingDocument",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("tệp"), upload_to="documents/%Y/%m/")
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A leader's direction on an incoming document (ý kiến chỉ đạo)."""

    incoming = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, related_name="directions"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lãnh đạo chỉ đạo"),
    )
    receiver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhận xử lý"),
    )
    lead_unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đơn vị chủ trì"),
    )
    supporting_units = models.ManyToManyField(
        "org.Unit", blank=True, related_name="+", verbose_name=_("đơn vị phối hợp")
    )
    instruction = LimitedTextField(_("ý kiến chỉ đạo"), max_length=limits.INSTRUCTION)
    deadline_days = models.PositiveSmallIntegerField(
        _("thời hạn (ngày làm việc)"), null=True, blank=True
    )
    due_at = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến chỉ đạo")
        verbose_name_plural = _("ý kiến chỉ đạo")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.instruction[:80]


class HandlingNote(models.Model):
    """A line of the handling history of an incoming document (progress, completion)."""

    incoming = models.ForeignKey(IncomingDocument, on_delete=models.CASCADE, related_name="notes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=IncomingStatus.choices)
    text = LimitedTextField(_("nội dung"), max_length=limits.NOTE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class OutgoingStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_REVIEW = "in_review", _("Đang trình duyệt")
    APPROVED = "approved", _("Đã duyệt")
    SIGNED = "signed", _("Đã ký số, cấp số")
    ISSUED = "issued", _("Đã phát hành")
    RECALL_REQUESTED = "recall_requested", _("Đang thu hồi")
    RECALLED = "recalled", _("Đã thu hồi")


class OutgoingDocument(models.Model):
    """A document an agency drafts, approves, signs, numbers and issues."""

    agency = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        related_name="outgoing_documents",
        verbose_name=_("cơ quan ban hành"),
    )
    drafting_unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị soạn thảo")
    )
    kind = models.ForeignKey(DocumentKind, on_delete=models.PROTECT, verbose_name=_("loại văn bản"))
    abstract = LimitedTextField(_("trích yếu"), max_length=limits.ABSTRACT)
    urgency = models.CharField(
        _("độ khẩn"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL
    )
    secrecy = models.CharField(
        _("độ mật"), max_length=12, choices=Secrecy.choices, default=Secrecy.NORMAL
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ký"),
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=150, blank=True)
    draft = models.FileField(_("dự thảo"), upload_to="documents/drafts/%Y/%m/", blank=True)
    final_pdf = models.FileField(
        _("bản PDF đã ký"), upload_to="documents/signed/%Y/%m/", blank=True
    )
    due_date = models.DateField(_("hạn trả lời"), null=True, blank=True)
    page_count = models.PositiveSmallIntegerField(_("số trang"), default=1)
    copies = models.PositiveSmallIntegerField(_("số lượng bản"), default=1)
    keeping_unit = models.CharField(_("đơn vị, người nhận bản lưu"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    series = models.CharField(_("sổ"), max_length=8, choices=Series.choices, default=Series.NORMAL)
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    notation = models.CharField(_("ký hiệu"), max_length=60, blank=True)
    signed_at = models.DateTimeField(_("thời điểm ký"), null=True, blank=True)
    issued_at = models.DateTimeField(_("ngày phát hành"), null=True, blank=True)
    place = models.CharField(_("địa danh"), max_length=100, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=18,
        choices=OutgoingStatus.choices,
        default=OutgoingStatus.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người soạn"),
    )
    reply_to = models.ForeignKey(
        IncomingDocument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        verbose_name=_("trả lời văn bản đến"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("văn bản đi")
        verbose_name_plural = _("văn bản đi")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "year", "series", "number"],
                name="documents_outgoing_number_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol or _('(chưa cấp số)')} — {self.abstract[:80]}"

    @property
    def number_symbol(self) -> str:
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.notation}"

    @property
    def is_secret(self) -> bool:
        return self.secrecy != Secrecy.NORMAL

    def search_fields(self) -> dict[str, str]:
        return {
            "title": self.abstract,
            "symbol": self.number_symbol,
            "sender": self.drafting_unit.name if self.drafting_unit_id else "",
        }


class ReviewDecision(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    APPROVED = "approved", _("Đồng ý")
    REJECTED = "rejected", _("Yêu cầu sửa")


class ReviewStep(models.Model):
    """One reviewer of the approval chain of an outgoing draft, in order."""

    outgoing = models.ForeignKey(OutgoingDocument, on_delete=models.CASCADE, related_name="reviews")
    order = models.PositiveSmallIntegerField()
    round = models.PositiveSmallIntegerField(default=1)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    decision = models.CharField(
        max_length=10, choices=ReviewDecision.choices, default=ReviewDecision.PENDING
    )
    note = LimitedTextField(_("ý kiến"), blank=True, max_length=limits.NOTE)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.reviewer} — {self.get_decision_display()}"


class PacketCode(models.TextChoices):
    """Status codes of QCVN 102:2016 status packets."""

    ARRIVED = "01", _("Đã đến")
    REFUSED = "02", _("Từ chối tiếp nhận")
    ACCEPTED = "03", _("Đã tiếp nhận")
    ASSIGNED = "04", _("Đã phân công")
    PROCESSING = "05", _("Đang xử lý")
    DONE = "06", _("Hoàn thành")
    RECALL_REQUESTED = "13", _("Đề nghị thu hồi")
    RECALL_ACCEPTED = "15", _("Đồng ý thu hồi")
    RECALL_REFUSED = "16", _("Từ chối thu hồi")


class Recipient(models.Model):
    """A recipient of an issued document: an agency in CongSo (``unit``) or outside (name and
    organ id, reached by an edXML package). ``status`` is the last status packet's code."""

    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, related_name="recipients"
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan nhận trong hệ thống"),
    )
    name = models.CharField(_("tên nơi nhận"), max_length=300)
    organ_id = models.CharField(_("mã định danh"), max_length=35, blank=True)
    # Outside the exchange (gửi ngoài trục liên thông): an outside recipient without an agency
    # code, sent on paper or by e-mail; no edXML package and no status packets come back.
    outside_exchange = models.BooleanField(_("gửi ngoài trục liên thông"), default=False)
    status = models.CharField(max_length=2, choices=PacketCode.choices, blank=True)
    package = models.FileField(upload_to="documents/edxml/%Y/%m/", blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_internal(self) -> bool:
        return self.unit_id is not None


class StatusPacket(models.Model):
    """A status packet from a recipient back to the sender (or the recall request out)."""

    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="packets")
    code = models.CharField(max_length=2, choices=PacketCode.choices)
    note = models.CharField(max_length=300, blank=True)
    by_name = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.code} {self.recipient}"


class WorkFileState(models.TextChoices):
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã đóng")
    ARCHIVED = "archived", _("Đã nộp lưu")


class WorkFile(models.Model):
    """A work file (hồ sơ công việc) of the agency's annual file plan."""

    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="work_files", verbose_name=_("cơ quan")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    code = models.CharField(_("số, ký hiệu hồ sơ"), max_length=50)
    title = models.CharField(_("tiêu đề hồ sơ"), max_length=300)
    # None means permanent (vĩnh viễn).
    retention_years = models.PositiveSmallIntegerField(
        _("thời hạn bảo quản (năm)"), null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người lập hồ sơ"),
    )
    started_on = models.DateField(_("ngày mở"))
    ended_on = models.DateField(_("ngày đóng"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=WorkFileState.choices, default=WorkFileState.OPEN
    )
    archived_on = models.DateField(_("ngày nộp lưu"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hồ sơ công việc")
        verbose_name_plural = _("hồ sơ công việc")
        ordering = ["-year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "code"], name="documents_workfile_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.title}"

    @property
    def archive_due_on(self) -> dt.date | None:
        """Closed files go to the agency archive within a year (Luật Lưu trữ, NĐ 30/2020)."""
        if self.ended_on is None:
            return None
        try:
            return self.ended_on.replace(year=self.ended_on.year + 1)
        except ValueError:  # 29 February
            return self.ended_on + dt.timedelta(days=365)

    @property
    def retention_label(self) -> str:
        return (
            str(_("Vĩnh viễn")) if self.retention_years is None else f"{self.retention_years} năm"
        )


class WorkFileItem(models.Model):
    """A document or one-stop dossier grouped into a work file. Dossiers are referenced by
    (kind, code) so this app does not depend on the dossiers app's models (ADR 0052)."""

    work_file = models.ForeignKey(WorkFile, on_delete=models.CASCADE, related_name="items")
    incoming = models.ForeignKey(
        IncomingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="file_items"
    )
    outgoing = models.ForeignKey(
        OutgoingDocument, on_delete=models.CASCADE, null=True, blank=True, related_name="file_items"
    )
    item_kind = models.CharField(max_length=20, blank=True)  # "dossier"
    item_code = models.CharField(max_length=60, blank=True)
    title = models.CharField(max_length=300, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_file", "incoming"],
                condition=models.Q(incoming__isnull=False),
                name="documents_fileitem_incoming_unique",
            ),
            models.UniqueConstraint(
                fields=["work_file", "outgoing"],
                condition=models.Q(outgoing__isnull=False),
                name="documents_fileitem_outgoing_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.item_code


def folded(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))
