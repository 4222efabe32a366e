"""The QĐ 766 index as JSON (/api/v1/index766/): each group and sub-indicator with its value
(null when missing, never 0 for no data), maximum, formula name, share and inputs with their
origin."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from congso.dossiers.api import STAFF_AUTH

from . import periods, selectors, views

router = Router(tags=["Chỉ số phục vụ (QĐ 766)"])


class InputOut(Schema):
    key: str
    value: int | None
    origin: str
    sources: list[str]


class SubOut(Schema):
    key: str
    label: str
    value: Decimal | None
    maximum: Decimal
    formula: str
    share_of: str
    share_percent: Decimal | None
    full_when_empty: bool
    missing: list[str]
    inputs: list[InputOut]
    lost_figure: str


class GroupOut(Schema):
    key: str
    label: str
    value: Decimal | None
    maximum: Decimal
    judged_maximum: Decimal
    complete: bool
    sub_indicators: list[SubOut]


class IndexOut(Schema):
    unit_id: int
    unit: str
    period: str
    period_label: str
    value: Decimal | None
    judged_maximum: Decimal
    complete: bool
    groups: list[GroupOut]


class ErrorOut(Schema):
    detail: str


@router.get(
    "/",
    auth=STAFF_AUTH,
    response={200: IndexOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Chỉ số phục vụ người dân, doanh nghiệp (QĐ 766) của một đơn vị trong một kỳ",
)
def index766(request: HttpRequest, don_vi: str = "", ky: str = "") -> Any:
    """``don_vi``: one of the caller's units (default the first); ``ky``: a month (2026-03),
    a quarter (2026-Q1) or a year (2026), default this month."""
    units = views._units(request)
    unit = selectors.unit_for(request.user, don_vi, units)
    period = periods.parse(ky)
    view = selectors.index_for(unit, period)
    r = view.result
    return {
        "unit_id": unit.pk,
        "unit": unit.name,
        "period": period.code,
        "period_label": period.label,
        "value": r.value,
        "judged_maximum": r.judged_maximum,
        "complete": r.complete,
        "groups": [
            {
                "key": g.group.key,
                "label": str(g.group.label),
                "value": g.value,
                "maximum": g.group.maximum,
                "judged_maximum": g.judged_maximum,
                "complete": g.complete,
                "sub_indicators": [
                    {
                        "key": s.sub.key,
                        "label": str(s.sub.label),
                        "value": s.value,
                        "maximum": s.sub.maximum,
                        "formula": s.sub.formula_name,
                        "share_of": s.sub.share_text,
                        "share_percent": s.share,
                        "full_when_empty": s.full_when_empty,
                        "missing": s.missing,
                        "lost_figure": s.sub.lost,
                        "inputs": [
                            {
                                "key": k,
                                "value": v,
                                "origin": view.provenance[k].origin,
                                "sources": view.provenance[k].sources,
                            }
                            for k, v in s.inputs.items()
                        ],
                    }
                    for s in g.subs
                ],
            }
            for g in r.groups
        ],
    }
