"""The dashboard's figures as JSON (/api/v1/dashboard/): the same unit, period and filters as
the page (``views._context``: the permission policy picks the units), the same rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from congso.dossiers.api import STAFF_AUTH

from . import figures, views

router = Router(tags=["Bảng điều hành"])


class FiguresOut(Schema):
    unit_id: int | None
    unit: str
    backlog: int
    received: int
    received_counter: int
    received_online: int
    received_post: int
    finished: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    in_progress: int
    progress_not_due: int
    progress_soon: int
    progress_late: int
    returned: int
    supplemented: int
    refused: int
    apologised: int
    paid_online: int
    rated: int
    unsatisfied: int
    on_time_rate: float | None
    online_rate: float | None
    mean_days: float | None
    mean_legal_days: float | None


class DashboardOut(Schema):
    unit_id: int
    unit: str
    start: dt.date
    end: dt.date
    rows: list[FiguresOut]
    total: FiguresOut


class ErrorOut(Schema):
    detail: str


@router.get(
    "/",
    auth=STAFF_AUTH,
    response={200: DashboardOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Số liệu bảng điều hành theo đơn vị, kỳ và bộ lọc",
)
def dashboard(
    request: HttpRequest,
    don_vi: str = "",
    tu: str = "",
    den: str = "",
    ky: str = "",
    linh_vuc: str = "",
    thu_tuc: str = "",
    kenh: str = "",
    cap: str = "",
) -> Any:
    """The page's parameters: ``don_vi`` (one of the caller's units, default the first),
    ``tu``/``den`` (YYYY-MM-DD) or ``ky`` (ngay, tuan, thang, quy, 6thang, 9thang, nam), and
    the filters ``linh_vuc``, ``thu_tuc``, ``kenh`` (1, 2, 3), ``cap`` (province, district,
    ward). A bad one is answered 400 in Vietnamese; a unit not the caller's, 404."""
    ctx = views._context(request)
    rows = figures.table(ctx["agencies"], ctx["window"], ctx["filters"])
    return {
        "unit_id": ctx["unit"].pk,
        "unit": ctx["unit"].name,
        "start": ctx["start"],
        "end": ctx["end"],
        "rows": rows,
        "total": figures.total(rows),
    }
