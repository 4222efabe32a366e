"""Counter devices of a one-stop desk (issue 18): halls, service groups, counters, queue tickets,
calls shown on the boards, device tokens and the ratings given at the satisfaction terminal.

A ticket's life is a row with its times (issued, called, started, finished) so waiting and
serving times are read from the tickets themselves; each call or recall is a ``Call`` row, which
is also the event the boards receive (its primary key is the event id, ADR 0141)."""

from __future__ import annotations

import datetime as dt

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.core.limits import LimitedTextField
from congso.dossiers.models import Dossier, Rating, Satisfaction
from congso.org.models import Staff, Unit


class Hall(models.Model):
    """A waiting hall of a one-stop desk: one kiosk numbering, one board, its counters."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="halls", verbose_name=_("bộ phận một cửa")
    )
    name = models.CharField(_("tên sảnh"), max_length=200)
    # How many priority tickets a counter may call in a row while normal tickets wait
    # (0: priority tickets always first). The rule is per hall (ADR 0140).
    priority_run = models.PositiveSmallIntegerField(
        _("số phiếu ưu tiên liên tiếp tối đa"),
        default=0,
        help_text=_(
            "0: phiếu ưu tiên luôn được gọi trước. N > 0: sau N phiếu ưu tiên liên tiếp, quầy "
            "gọi một phiếu thường nếu có người chờ."
        ),
    )
    # Minutes per ticket assumed before the group has served anyone today.
    default_service_minutes = models.PositiveSmallIntegerField(
        _("thời gian phục vụ ước tính (phút)"), default=6
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    # Bumped by every change the boards show; their stream watches it (ADR 0141).
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("sảnh chờ")
        verbose_name_plural = _("sảnh chờ")
        ordering = ["unit__path", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceGroup(models.Model):
    """A field or group of services chosen at the kiosk; its letter starts the ticket number."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="groups")
    letter = models.CharField(
        _("ký hiệu"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("Ký hiệu gồm 1–2 chữ cái in hoa A–Z."))],
    )
    name = models.CharField(_("tên nhóm dịch vụ"), max_length=200)
    description = models.CharField(_("mô tả ngắn"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("nhóm dịch vụ")
        verbose_name_plural = _("nhóm dịch vụ")
        ordering = ["hall", "order", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "letter"], name="counters_group_letter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.letter} — {self.name}"


class Counter(models.Model):
    """A numbered counter (quầy) in a hall, serving some groups; open while an officer sits."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="counters")
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=200, blank=True)
    groups = models.ManyToManyField(
        ServiceGroup, related_name="counters", verbose_name=_("nhóm dịch vụ phục vụ")
    )
    # The officer sitting at the counter (null: closed). One counter per officer at a time.
    staff = models.OneToOneField(
        Staff,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counter",
        verbose_name=_("cán bộ đang ngồi quầy"),
    )
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")
        ordering = ["hall", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="counters_counter_unique")
        ]

    def __str__(self) -> str:
        return self.name or f"Quầy số {self.number}"

    @property
    def is_open(self) -> bool:
        return self.staff_id is not None


class TicketSeries(models.Model):
    """The last ticket number of a group on a day (core.numbering, ADR 0044)."""

    group = models.ForeignKey(ServiceGroup, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "day"], name="counters_series_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.day}: {self.last}"


class Priority(models.TextChoices):
    """Who is served ahead (Luật Người cao tuổi 2009 Đ.3, Luật Người khuyết tật 2010 Đ.4,
    Pháp lệnh ưu đãi người có công, and the desks' own rules for pregnant women and children
    under six)."""

    NONE = "", _("Thường")
    ELDERLY = "elderly", _("Người cao tuổi")
    DISABLED = "disabled", _("Người khuyết tật")
    PREGNANT = "pregnant", _("Phụ nữ mang thai")
    MERIT = "merit", _("Người có công với cách mạng")
    CHILD = "child", _("Người đi cùng trẻ em dưới 6 tuổi")


class TicketStatus(models.TextChoices):
    BOOKED = "booked", _("Đã đặt lịch")
    WAITING = "waiting", _("Đang chờ")
    CALLED = "called", _("Đã gọi")
    SERVING = "serving", _("Đang phục vụ")
    DONE = "done", _("Đã phục vụ")
    NO_SHOW = "no_show", _("Vắng mặt")


class TicketSource(models.TextChoices):
    KIOSK = "kiosk", _("Máy lấy số")
    ONLINE = "online", _("Đặt trước trực tuyến")
    API = "api", _("API")


class Ticket(models.Model):
    """One queue ticket: ``B-0123`` of group B on its day, with the times of its life."""

    hall = models.ForeignKey(Hall, on_delete=models.PROTECT, related_name="tickets")
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="tickets")
    # The group and number it was issued with (a transfer changes ``group``, not the number).
    issued_group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    number = models.PositiveIntegerField()
    priority = models.CharField(
        _("đối tượng ưu tiên"), max_length=10, choices=Priority.choices, blank=True, default=""
    )
    status = models.CharField(
        max_length=8, choices=TicketStatus.choices, default=TicketStatus.WAITING, db_index=True
    )
    source = models.CharField(max_length=8, choices=TicketSource.choices)
    # Random, for the phone page the QR code opens (reveals nothing about other tickets).
    follow_key = models.CharField(max_length=32, unique=True)
    issued_at = models.DateTimeField()
    # Place in the queue: the issue time, kept on a transfer so the person does not lose it.
    queued_at = models.DateTimeField()
    # A transfer to one counter: only that counter calls it (first, ahead of its groups).
    for_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    served_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    served_by_name = models.CharField(max_length=200, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    recalled_after_skip = models.BooleanField(default=False)
    calls = models.PositiveSmallIntegerField(default=0)
    # Booked online: the slot it was booked for (checked in at the kiosk).
    slot_start = models.DateTimeField(null=True, blank=True)
    booked_name = models.CharField(max_length=limits.NAME, blank=True)
    booked_phone = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("phiếu số thứ tự")
        verbose_name_plural = _("phiếu số thứ tự")
        ordering = ["day", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issued_group", "day", "number"], name="counters_ticket_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["hall", "day", "status"], name="counters_ticket_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"{self.issued_group.letter}-{self.number:04d}"

    @property
    def is_priority(self) -> bool:
        return bool(self.priority)

    @property
    def waited(self) -> dt.timedelta | None:
        if self.called_at is None:
            return None
        return self.called_at - self.queued_at

    @property
    def served(self) -> dt.timedelta | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return self.finished_at - self.started_at


class Call(models.Model):
    """A call of a ticket to a counter (first call, recall, recall after a no-show); the event
    the boards show and speak. Its primary key is the event id of the board stream."""

    class Kind(models.TextChoices):
        CALL = "call", _("Gọi")
        RECALL = "recall", _("Gọi lại")

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="calls")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="call_rows")
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["hall", "id"], name="counters_call_hall_idx")]

    def __str__(self) -> str:
        return f"{self.ticket_id} → {self.counter_id}"


class TicketDossier(models.Model):
    """The dossier a ticket's visit produced (received or returned while it was served): the
    dossier records its ticket here, in the counters app, so the desk's tables stay its own."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="dossier_links")
    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="ticket_link")
    action = models.CharField(max_length=32)  # the desk's history action (receive, return …)
    linked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.ticket_id} ↔ {self.dossier_id}"


class CounterRating(models.Model):
    """A tap on the satisfaction terminal: the desk's three levels (``Satisfaction``), tied to
    the ticket, the officer and the counter; when the visit returned a dossier's result, the
    same tap is the dossier's ``Rating`` (source: counter device), ADR 0143."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="rating")
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(Staff, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Satisfaction.choices)
    reason = LimitedTextField(_("lý do không hài lòng"), blank=True, max_length=limits.REASON)
    dossier_rating = models.OneToOneField(
        Rating, on_delete=models.SET_NULL, null=True, blank=True, related_name="counter_rating"
    )
    rated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("đánh giá tại quầy")
        verbose_name_plural = _("đánh giá tại quầy")

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.level}"


class Device(models.Model):
    """A kiosk, board or terminal, admitted by a token an administrator issues (only its hash
    is kept) and can revoke (ADR 0142)."""

    class Kind(models.TextChoices):
        KIOSK = "kiosk", _("Máy lấy số")
        BOARD = "board", _("Bảng hiển thị")
        TERMINAL = "terminal", _("Máy đánh giá")

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField(_("loại thiết bị"), max_length=8, choices=Kind.choices)
    counter = models.ForeignKey(
        Counter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("quầy (máy đánh giá)"),
    )
    name = models.CharField(_("tên thiết bị"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # ESC/POS network printer of a kiosk ("192.168.1.50:9100"; empty: browser printing only).
    printer = models.CharField(_("máy in ESC/POS (địa chỉ:cổng)"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thiết bị tại quầy")
        verbose_name_plural = _("thiết bị tại quầy")
        ordering = ["hall", "kind", "name"]

    def __str__(self) -> str:
        return self.name
