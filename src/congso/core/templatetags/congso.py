"""Vietnamese formats: money as 1.500.000 đ, dates as dd/mm/yyyy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from congso.core import limits

register = template.Library()


@register.simple_tag
def text_limit(name: str) -> int:
    """The length limit ``congso.core.limits.<name>``, for a textarea's ``maxlength``."""
    return int(getattr(limits, name))


@register.filter
def vnd(value: int | Decimal | None) -> str:
    if value is None or value == "":
        return ""
    return f"{int(value):,}".replace(",", ".") + " đ"


@register.filter
def vndate(value: dt.date | dt.datetime | None) -> str:
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%d/%m/%Y")


@register.filter
def vndatetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    return value.strftime("%H:%M %d/%m/%Y")
