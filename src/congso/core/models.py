from __future__ import annotations

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
