from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    """When a periodic job (``congso.core.tasks.periodic``) runs next. One row per job, locked
    while a tick decides to start it, so several workers start it once."""

    name = models.CharField(_("tên việc"), max_length=200, primary_key=True)
    next_run_at = models.DateTimeField(_("lần chạy tới"))
    last_run_at = models.DateTimeField(_("lần chạy gần nhất"), null=True, blank=True)

    objects: models.Manager[ScheduledJob] = models.Manager()

    class Meta:
        verbose_name = _("việc định kỳ")
        verbose_name_plural = _("việc định kỳ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UploadDay(models.Model):
    """What one account uploaded on one local day: the per-user upload quota
    (``congso.core.uploads.charge_upload_quota``, ADR 0104). Charged in the caller's
    transaction, so a refused or rolled-back operation gives its bytes back."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+", verbose_name=_("tài khoản")
    )
    day = models.DateField(_("ngày"))
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    files = models.PositiveIntegerField(_("số tệp"), default=0)

    objects: models.Manager[UploadDay] = models.Manager()

    class Meta:
        verbose_name = _("lượng tải lên trong ngày")
        verbose_name_plural = _("lượng tải lên trong ngày")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="core_uploadday_user_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {self.files} / {self.size}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang tạo tệp")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")
    EXPIRED = "expired", _("Đã hết hạn")


def _export_path(instance: ExportJob, filename: str) -> str:
    return f"exports/{instance.pk}/{filename}"


class ExportJob(models.Model):
    """A large export built by the task worker (congso.core.export_jobs, ADR 0047): who asked,
    what (the export's dotted path and its JSON parameters), how far it is, and the file until
    it expires. Only the person who asked sees it; the export's own rule is asked again at
    download."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="export_jobs",
        verbose_name=_("người yêu cầu"),
    )
    kind = models.CharField(_("loại tệp xuất"), max_length=200)
    params = models.JSONField(_("tham số"), default=dict)
    title = models.CharField(_("nội dung"), max_length=500)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_done = models.PositiveIntegerField(_("số dòng đã ghi"), default=0)
    rows_total = models.PositiveIntegerField(_("tổng số dòng"), null=True, blank=True)
    file = models.FileField(_("tệp"), upload_to=_export_path, max_length=300, blank=True)
    filename = models.CharField(_("tên tệp"), max_length=200, blank=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("lúc yêu cầu"), auto_now_add=True)
    started_at = models.DateTimeField(_("lúc bắt đầu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("lúc xong"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)

    objects: models.Manager[ExportJob] = models.Manager()

    class Meta:
        verbose_name = _("tệp xuất chạy nền")
        verbose_name_plural = _("tệp xuất chạy nền")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="core_export_owner"),
            models.Index(fields=["status", "expires_at"], name="core_export_expiry"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
