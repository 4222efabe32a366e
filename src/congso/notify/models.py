"""Every message CongSo sends (e-mail, SMS) is recorded, whatever the backend."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


REDACTED = "••••••"


class Notification(models.Model):
    """One message to one recipient, with its outcome. Written as pending inside the
    transaction of the change it reports (an outbox), then delivered after commit or by the
    ``notify_deliver`` worker, with retries."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    # What the message is about, e.g. "dossier.accepted", and the object's reference.
    event = models.CharField(_("sự kiện"), max_length=64, db_index=True)
    reference = models.CharField(_("tham chiếu"), max_length=64, blank=True, db_index=True)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # A message worth nothing after a moment (a verification code) is not sent after it.
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    # Text inside the body that must not outlive the delivery (the code itself): replaced by
    # REDACTED once the message is sent or expired, so the table keeps no usable code.
    secret = models.CharField(_("phần bí mật"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notify_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.event}"


class SmsOutbox(models.Model):
    """Where the default log backend keeps SMS it would have sent (demo, tests)."""

    phone = models.CharField(_("số điện thoại"), max_length=20)
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SMS (hộp thư đi)")
        verbose_name_plural = _("SMS (hộp thư đi)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:40]}"
