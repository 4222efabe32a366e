"""Figures of the queue statistics as Vietnamese write them (12,5 phút; 83,3%)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def _comma(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


@register.filter
def minutes(value: float | None) -> str:
    return "—" if value is None else _comma(value)


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else _comma(100 * value) + "%"


@register.filter
def level(ratings: dict[int, int], key: Any) -> int:
    return int(ratings.get(int(key), 0))
