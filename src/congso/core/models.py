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
