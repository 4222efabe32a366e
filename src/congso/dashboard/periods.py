"""The periods the index is computed for (month, quarter, year, as the national portal scores)
and how they are written in a query string: ``2026-03``, ``2026-Q1``, ``2026``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from congso.calendar.services import MAX_YEAR, MIN_YEAR


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")
    YEAR = "year", _("Năm")


ROMAN = ["I", "II", "III", "IV"]
_RE = re.compile(r"^(\d{4})(?:-(?:(\d{1,2})|[Qq]([1-4])))?$")


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date

    @property
    def end(self) -> dt.date:
        """The first day after the period."""
        months = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        m = self.start.month - 1 + months
        return dt.date(self.start.year + m // 12, m % 12 + 1, 1)

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}"

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _g("Tháng %(m)s/%(y)s") % {"m": f"{self.start:%m}", "y": self.start.year}
        if self.kind == PeriodKind.QUARTER:
            q = ROMAN[(self.start.month - 1) // 3]
            return _g("Quý %(q)s/%(y)s") % {"q": q, "y": self.start.year}
        return _g("Năm %(y)s") % {"y": self.start.year}

    def is_closed(self, today: dt.date | None = None) -> bool:
        return self.end <= (today or timezone.localdate())

    def months(self) -> list[Period]:
        out, day = [], self.start
        while day < self.end:
            out.append(Period(PeriodKind.MONTH, day))
            day = Period(PeriodKind.MONTH, day).end
        return out


def month_of(day: dt.date) -> Period:
    return Period(PeriodKind.MONTH, day.replace(day=1))


def parse(value: str, today: dt.date | None = None) -> Period:
    """``2026-03`` (month), ``2026-Q1`` (quarter) or ``2026`` (year); empty: this month. A
    period that is not one of these is refused with a Vietnamese message."""
    value = (value or "").strip()
    if not value:
        return month_of(today or timezone.localdate())
    m = _RE.match(value)
    year = int(m.group(1)) if m else 0
    month = int(m.group(2)) if m and m.group(2) else None
    if not m or not (MIN_YEAR <= year <= MAX_YEAR) or (month is not None and not 1 <= month <= 12):
        raise ValidationError(
            _g(
                "Kỳ đánh giá không hợp lệ: “%(value)s”. Nhập tháng (2026-03), quý (2026-Q1)"
                " hoặc năm (2026)."
            )
            % {"value": value[:40]}
        )
    if month is not None:
        return Period(PeriodKind.MONTH, dt.date(year, month, 1))
    if m.group(3):
        return Period(PeriodKind.QUARTER, dt.date(year, 3 * int(m.group(3)) - 2, 1))
    return Period(PeriodKind.YEAR, dt.date(year, 1, 1))
