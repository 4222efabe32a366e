"""The stored raw counters of the QĐ 766 index: one row per agency, period and counter, as the
national reporting counts them (TiepNhan, DaGiaiQuyet, …). Counters CongSo computes are frozen
here when a period closes (``services.index_counters_record``), so a past period's index is
reproduced from what was counted then; counters CongSo cannot know are entered by an
administrator with their source (``services.index_counter_enter``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.org.models import Staff, Unit

from .periods import PeriodKind


class CounterOrigin(models.TextChoices):
    COMPUTED = "computed", _("Tính từ dữ liệu CongSo")
    ENTERED = "entered", _("Quản trị viên nhập")


class IndexCounter(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    period = models.CharField(_("loại kỳ"), max_length=8, choices=PeriodKind.choices)
    start = models.DateField(_("từ ngày"))
    key = models.CharField(_("chỉ tiêu đếm"), max_length=48)
    value = models.PositiveIntegerField(_("giá trị"))
    origin = models.CharField(_("nguồn"), max_length=8, choices=CounterOrigin.choices)
    source = models.CharField(_("căn cứ, nguồn số liệu"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))

    class Meta:
        verbose_name = _("số liệu chỉ số QĐ 766")
        verbose_name_plural = _("số liệu chỉ số QĐ 766")
        ordering = ["unit", "period", "start", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "start", "key"], name="dashboard_counter_unique"
            )
        ]
        indexes = [models.Index(fields=["period", "start", "unit"], name="dashboard_counter_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period} {self.start} {self.key}={self.value}"
