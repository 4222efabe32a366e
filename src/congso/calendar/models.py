"""Calendar overrides: the yearly day swaps and local days off that the `holidays` package
cannot know (DOMAIN §2)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from congso.core import limits
from congso.core.limits import LimitedTextField


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ")
    COMPENSATORY_DAY_OFF = "compensatory_day_off", _("Ngày nghỉ bù")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


# Kinds that take a day out of working time; the distinction between them is only for people
# reading the calendar (a compensatory day off is paid back by a worked Saturday).
OFF_KINDS = frozenset({OverrideKind.DAY_OFF.value, OverrideKind.COMPENSATORY_DAY_OFF.value})


class CalendarOverride(models.Model):
    """One date whose working status differs from the weekday rule and public holidays.

    ``unit`` empty means every unit. An override on a unit also applies to the units below it
    (a city's decision reaches its wards); the nearest unit's override wins over a farther
    one, and any unit's override wins over a nationwide one.
    """

    date = models.DateField(_("ngày"), db_index=True)
    kind = models.CharField(_("loại"), max_length=24, choices=OverrideKind.choices)
    name = models.CharField(
        _("tên"), max_length=200, help_text=_("Ví dụ: Nghỉ bù dịp Quốc khánh 2/9/2026.")
    )
    note = LimitedTextField(
        _("căn cứ, ghi chú"),
        blank=True,
        max_length=limits.NOTE,
        help_text=_("Văn bản quyết định (số, ngày) hoặc ghi chú."),
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_overrides",
        help_text=_(
            "Để trống: áp dụng cho mọi đơn vị. Nếu chọn, áp dụng "
            "cho đơn vị đó và các đơn vị trực thuộc."
        ),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("ngày nghỉ, ngày làm bù")
        verbose_name_plural = _("ngày nghỉ, ngày làm bù")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "unit"],
                condition=models.Q(unit__isnull=False),
                name="workcalendar_override_unit_date_unique",
            ),
            models.UniqueConstraint(
                fields=["date"],
                condition=models.Q(unit__isnull=True),
                name="workcalendar_override_global_date_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"

    def clean(self) -> None:
        # The `holidays` VN calendar and local time at +07:00 hold for 1976–2099 only.
        if self.date and not 1976 <= self.date.year <= 2099:
            raise ValidationError({"date": _("Chỉ nhập ngày trong các năm 1976–2099.")})


class CalendarState(models.Model):
    """A single row whose token changes with every override edit, in the same transaction, so
    every process knows when its cached calendar is out of date (ADR 0012)."""

    token = models.CharField(max_length=32, default="", blank=True)

    class Meta:
        verbose_name = _("trạng thái lịch")
        verbose_name_plural = _("trạng thái lịch")

    def __str__(self) -> str:
        return self.token
