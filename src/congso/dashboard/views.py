"""The leaders' dashboard (/bang-dieu-hanh/), the list behind each of its numbers
(/bang-dieu-hanh/ho-so/), its XLSX download (``?dinh_dang=xlsx``) and the QĐ 766 index page
(/bang-dieu-hanh/chi-so-766/). Units come from the permission policy (``dashboard.view``,
selectors.watched_units); a unit the caller does not watch is 404, as one that does not exist.
The views only parse and render: figures.py counts, index766.py scores."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from congso.core.downloads import XLSX, generated_response
from congso.core.exports import xlsx_table
from congso.dossiers import selectors as dossier_selectors
from congso.dossiers import stats
from congso.org.models import Unit
from congso.procedures.models import Field, Level

from . import figures, index766, periods, report, selectors
from .counters import COUNTER_BY_KEY

LIST_PAGE_SIZE = 50
CHANNELS = [(1, _("Trực tiếp")), (2, _("Trực tuyến")), (3, _("Bưu chính"))]


def _units(request: HttpRequest) -> list[Unit]:
    units = selectors.watched_units(request.user)
    if not units:
        raise PermissionDenied(_("Bảng điều hành dành cho lãnh đạo đơn vị."))
    return units


def _period_text(start: dt.date, end: dt.date) -> str:
    return _("Từ ngày %(start)s đến ngày %(end)s") % {
        "start": f"{start:%d/%m/%Y}",
        "end": f"{end:%d/%m/%Y}",
    }


def _context(request: HttpRequest) -> dict[str, Any]:
    """Unit, period and filters of the request (ValidationError for a bad one)."""
    units = _units(request)
    unit = selectors.unit_for(request.user, request.GET.get("don_vi"), units)
    start, end = figures.period(request.GET)
    f = figures.filters(request.GET, unit)
    agencies = selectors.agencies_under(unit)
    return {
        "units": units,
        "unit": unit,
        "start": start,
        "end": end,
        "filters": f,
        "agencies": agencies,
        "window": figures.window(agencies, start, end),
    }


def _query(ctx: dict[str, Any], **more: str) -> str:
    params = {
        "don_vi": str(ctx["unit"].pk),
        "tu": ctx["start"].isoformat(),
        "den": ctx["end"].isoformat(),
        **ctx["filters"].params(),
        **more,
    }
    return urlencode(params)


def _cells(ctx: dict[str, Any], row: dict[str, Any]) -> list[dict[str, Any]]:
    """The row's figures, each with the link to its dossiers (none for a 0)."""
    base = reverse("dashboard:dossiers")
    out = []
    for key in figures.KEYS:
        value = row[key]
        more = {"chi_so": key}
        if row["unit_id"] is not None:
            more["co_quan"] = str(row["unit_id"])
        out.append(
            {
                "key": key,
                "label": stats.FIGURE_BY_KEY[key].label,
                "value": value,
                "url": f"{base}?{_query(ctx, **more)}" if value else "",
            }
        )
    return out


def _choices() -> dict[str, Any]:
    return {
        "fields": list(Field.objects.order_by("name").values_list("pk", "name")),
        "channels": CHANNELS,
        "levels": Level.choices,
        "presets": figures.PRESETS,
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        ctx = _context(request)
    except ValidationError as exc:
        return render(
            request,
            "dashboard/dashboard.html",
            {"error": " ".join(exc.messages), "get": request.GET, **_choices()},
            status=400,
        )
    w, f, agencies = ctx["window"], ctx["filters"], ctx["agencies"]
    rows = figures.table(agencies, w, f)
    total = figures.total(rows)
    if request.GET.get("dinh_dang") == "xlsx":
        return _xlsx(ctx, rows, total)
    trend = figures.trend(agencies, w, f)
    alerts = figures.alerts(agencies, f)
    today = alerts["now"].date().isoformat()
    dossiers_url = reverse("dashboard:dossiers")

    def alert_link(key: str, **more: str) -> str:
        q = {"don_vi": str(ctx["unit"].pk), "tu": today, "den": today, "chi_so": key, **more}
        return f"{dossiers_url}?{urlencode({**q, **f.params()})}"

    for r in alerts["by_unit"]:
        r["late_url"] = alert_link("progress_late", xu_ly=str(r["handling_unit"]))
        r["soon_url"] = alert_link("progress_soon", xu_ly=str(r["handling_unit"]))
    for r in alerts["by_officer"]:
        r["late_url"] = alert_link("progress_late", can_bo=str(r["handler"]))
        r["soon_url"] = alert_link("progress_soon", can_bo=str(r["handler"]))
    for r in alerts["worst"]:
        r["url"] = (
            f"{reverse('dashboard:dashboard')}?"
            + f"{_query(ctx, thu_tuc=str(r['procedure_version__procedure']))}"
        )
    return render(
        request,
        "dashboard/dashboard.html",
        {
            **ctx,
            **_choices(),
            "get": request.GET,
            "period": _period_text(ctx["start"], ctx["end"]),
            "labels": [stats.FIGURE_BY_KEY[k] for k in figures.KEYS],
            "table": [{"row": r, "cells": _cells(ctx, r)} for r in rows],
            "total_row": {"row": total, "cells": _cells(ctx, total)},
            "trend": trend,
            "alerts": alerts,
            "xlsx_query": _query(ctx, dinh_dang="xlsx"),
            "report_query": _query(ctx),
            "index_url": f"{reverse('dashboard:index766')}?"
            + urlencode({"don_vi": ctx["unit"].pk, "ky": f"{ctx['end']:%Y-%m}"}),
        },
    )


def _xlsx(ctx: dict[str, Any], rows: list[dict[str, Any]], total: dict[str, Any]) -> HttpResponse:
    """The dashboard's table as a workbook: the same rows, figures as numbers."""

    def line(row: dict[str, Any]) -> list[Any]:
        return [
            row["unit"],
            *(row[k] for k in figures.KEYS),
            row["on_time_rate"],
            row["online_rate"],
        ]

    start, end = ctx["start"], ctx["end"]
    content = xlsx_table(
        sheet="Bang dieu hanh",
        widths=[36] + [14] * (len(figures.KEYS) + 2),
        preamble=[
            [_("TÌNH HÌNH GIẢI QUYẾT HỒ SƠ — %(unit)s") % {"unit": ctx["unit"].name}],
            [_period_text(start, end)],
            [],
        ],
        header=[
            _("Cơ quan"),
            *(str(stats.FIGURE_BY_KEY[k].label) for k in figures.KEYS),
            _("Tỷ lệ đúng hạn (%)"),
            _("Tỷ lệ trực tuyến (%)"),
        ],
        rows=(line(r) for r in rows),
        total=line(total),
    )
    return generated_response(
        content, filename=f"bang-dieu-hanh-{start}-{end}.xlsx", content_type=XLSX
    )


@login_required
def dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one number of the dashboard or the index, among those the caller
    may open (dossiers.selectors.visible_dossiers), for one agency (``co_quan``) or all."""
    figure = stats.FIGURE_BY_KEY.get(request.GET.get("chi_so", ""))
    if figure is None:
        raise Http404
    try:
        ctx = _context(request)
    except ValidationError as exc:
        return render(
            request,
            "dashboard/dossiers.html",
            {"figure": figure, "error": " ".join(exc.messages)},
            status=400,
        )
    agencies = ctx["agencies"]
    chosen = request.GET.get("co_quan")
    if chosen:
        agencies = [a for a in agencies if str(a.pk) == chosen]
        if not agencies:
            raise Http404
    rows = figures.dossiers(
        dossier_selectors.visible_dossiers(request.user),
        agencies,
        figure.key,
        ctx["window"],
        ctx["filters"],
    )
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "dashboard/dossiers.html",
        {
            **ctx,
            "figure": figure,
            "agency": agencies[0] if chosen else None,
            "period": _period_text(ctx["start"], ctx["end"]),
            "page": page,
            "count": page.paginator.count,
            "rows": list(page.object_list),
            "query": query.urlencode(),
            "back": f"{reverse('dashboard:dashboard')}?{_query(ctx)}",
        },
    )


@login_required
def index_page(request: HttpRequest) -> HttpResponse:
    units = _units(request)
    try:
        unit = selectors.unit_for(request.user, request.GET.get("don_vi"), units)
        period = periods.parse(request.GET.get("ky", ""))
    except ValidationError as exc:
        return render(
            request,
            "dashboard/index766.html",
            {"error": " ".join(exc.messages), "units": units, "ky": request.GET.get("ky", "")},
            status=400,
        )
    view = selectors.index_for(unit, period)
    base = reverse("dashboard:dossiers")
    q = {
        "don_vi": str(unit.pk),
        "tu": period.start.isoformat(),
        "den": period.last_day.isoformat(),
    }
    groups = []
    for g in view.result.groups:
        subs = []
        for r in g.subs:
            lost_url = ""
            if r.sub.lost and r.value is not None and r.value < r.sub.maximum:
                lost_url = f"{base}?{urlencode({**q, 'chi_so': r.sub.lost})}"
            subs.append(
                {
                    "r": r,
                    "lost_url": lost_url,
                    "lost_label": stats.FIGURE_BY_KEY[r.sub.lost].label if r.sub.lost else "",
                    "inputs": [
                        {
                            "key": k,
                            "label": COUNTER_BY_KEY[k].label,
                            "value": v,
                            "provenance": view.provenance.get(k),
                        }
                        for k, v in r.inputs.items()
                    ],
                }
            )
        groups.append({"g": g, "subs": subs})
    return render(
        request,
        "dashboard/index766.html",
        {
            "units": units,
            "unit": unit,
            "period": period,
            "ky": period.code,
            "view": view,
            "groups": groups,
            "chart": [
                {"label": g.group.label, "value": g.value, "maximum": g.group.maximum}
                for g in view.result.groups
            ],
            "dashboard_url": f"{reverse('dashboard:dashboard')}?"
            + urlencode({"don_vi": unit.pk, "tu": q["tu"], "den": q["den"]}),
            "formulas": index766.SUB_INDICATORS,
        },
    )


@login_required
def periodic_report(request: HttpRequest) -> HttpResponse:
    """The TTHC periodic report (biểu 06a/VPCP/KSTT) of a watched unit and period, as XLSX
    (default) or PDF (``dinh_dang=pdf``)."""
    try:
        ctx = _context(request)
    except ValidationError as exc:
        return HttpResponse(
            " ".join(exc.messages), status=400, content_type="text/plain; charset=utf-8"
        )
    found = report.rows(ctx["agencies"], ctx["window"], ctx["filters"])
    text = _period_text(ctx["start"], ctx["end"])
    name = f"bao-cao-tthc-{ctx['start']}-{ctx['end']}"
    if request.GET.get("dinh_dang") == "pdf":
        return generated_response(
            report.pdf_bytes(ctx["unit"], text, found),
            filename=f"{name}.pdf",
            content_type="application/pdf",
            inline=True,
        )
    return generated_response(
        report.xlsx(ctx["unit"], text, found), filename=f"{name}.xlsx", content_type=XLSX
    )
