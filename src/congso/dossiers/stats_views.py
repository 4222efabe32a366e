"""The desk's statistics page (/mot-cua/thong-ke/), its XLSX download (``?dinh_dang=xlsx``) and
the list of the dossiers behind each figure (/mot-cua/thong-ke/ho-so/). One selector
(``stats.statistics`` through ``stats_for_request``) gives the page and the download their
figures; the list uses the condition each figure is counted with (``stats.figure_dossiers``)."""

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
from django.utils import timezone
from django.utils.translation import gettext as _

from congso.core.downloads import XLSX, generated_response
from congso.core.exports import xlsx_table
from congso.org.models import Unit

from . import selectors, stats
from .views import _agencies, _staff

LIST_PAGE_SIZE = 50


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)))


def _window(agencies: list[Unit], start: dt.date, end: dt.date) -> stats.Window:
    """The period as moments; 'nearly late' in the first agency's working time (as the page)."""
    return stats.window(
        _aware(start), _aware(end + dt.timedelta(days=1)), calendar_unit=agencies[0]
    )


def _allowed_agencies(request: HttpRequest) -> list[Unit]:
    agencies = _agencies(request)
    if not agencies:
        raise PermissionDenied(_("Bạn không có quyền xem thống kê."))
    return agencies


def stats_for_request(request: HttpRequest, params: dict[str, str] | None = None) -> dict[str, Any]:
    """The figures of the caller's agencies for the requested period: the page, the XLSX
    download and the API read this. A bad or reversed period raises ValidationError."""
    agencies = _allowed_agencies(request)
    start, end = stats.period(params if params is not None else request.GET)
    w = _window(agencies, start, end)
    rows = stats.statistics(
        Unit.objects.filter(pk__in=[a.pk for a in agencies]), w.start, w.end, now=w.ref, soon=w.soon
    )
    return {"rows": rows, "total": stats.statistics_total(rows), "start": start, "end": end}


def _period_text(start: dt.date, end: dt.date) -> str:
    return _("Từ ngày %(start)s đến ngày %(end)s") % {
        "start": f"{start:%d/%m/%Y}",
        "end": f"{end:%d/%m/%Y}",
    }


def _table_row(row: dict[str, Any], start: dt.date, end: dt.date) -> dict[str, Any]:
    """One row of the page: each figure with the link to its dossiers (none for a 0)."""
    base = reverse("dossiers:stats_dossiers")
    cells = []
    for figure in stats.FIGURES:
        value = row[figure.key]
        params = {"chi_so": figure.key, "tu": start.isoformat(), "den": end.isoformat()}
        if row["unit_id"] is not None:
            params = {"don_vi": str(row["unit_id"]), **params}
        cells.append(
            {
                "figure": figure,
                "value": value,
                "url": f"{base}?{urlencode(params)}" if value else "",
            }
        )
    return {"unit": row["unit"], "cells": cells, "rates": (row["late_rate"], row["on_time_rate"])}


def _groups() -> list[tuple[Any, int]]:
    """The heading's first row: (group or the column's own heading, span)."""
    out: list[tuple[Any, int]] = []
    for figure in stats.FIGURES:
        title = figure.group or figure.heading
        if out and figure.group is not None and out[-1][0] == figure.group:
            out[-1] = (title, out[-1][1] + 1)
        else:
            out.append((title, 1))
    return out


@login_required
def stats_page(request: HttpRequest) -> HttpResponse:
    _staff(request)
    try:
        context = stats_for_request(request)
    except ValidationError as exc:
        # Nothing is counted for a period that does not exist; the form keeps what was typed.
        error = " ".join(exc.messages)
        if request.GET.get("dinh_dang") == "xlsx":
            return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
        return render(
            request,
            "dossiers/stats.html",
            {
                "error": error,
                "tu": request.GET.get("tu", ""),
                "den": request.GET.get("den", ""),
                "figures": stats.FIGURES,
                "groups": _groups(),
                "rate_labels": stats.RATE_LABELS,
            },
            status=400,
        )
    start, end = context["start"], context["end"]
    if request.GET.get("dinh_dang") == "xlsx":
        return _stats_xlsx(context)
    return render(
        request,
        "dossiers/stats.html",
        {
            **context,
            "tu": start.isoformat(),
            "den": end.isoformat(),
            "figures": stats.FIGURES,
            "groups": _groups(),
            "rate_labels": stats.RATE_LABELS,
            "table": [_table_row(r, start, end) for r in context["rows"]],
            "total_row": _table_row(context["total"], start, end),
            "xlsx_query": urlencode(
                {"tu": start.isoformat(), "den": end.isoformat(), "dinh_dang": "xlsx"}
            ),
        },
    )


def _stats_xlsx(context: dict[str, Any]) -> HttpResponse:
    """The page's table as a workbook: the same rows and total, figures as numbers."""
    start, end = context["start"], context["end"]

    def figures(row: dict[str, Any]) -> list[Any]:
        return [
            row["unit"],
            *(row[f.key] for f in stats.FIGURES),
            row["late_rate"],
            row["on_time_rate"],
        ]

    content = xlsx_table(
        sheet="Thong ke",
        widths=[36] + [14] * (len(stats.FIGURES) + 2),
        preamble=[[_("TÌNH HÌNH GIẢI QUYẾT HỒ SƠ")], [_period_text(start, end)], []],
        header=[
            _("Cơ quan"),
            *(str(f.label) for f in stats.FIGURES),
            *(_("%(rate)s (%%)") % {"rate": label} for label in stats.RATE_LABELS),
        ],
        rows=(figures(row) for row in context["rows"]),  # agency names as text (ADR 0091)
        total=figures(context["total"]),
    )
    return generated_response(content, filename=f"thong-ke-{start}-{end}.xlsx", content_type=XLSX)


@login_required
def stats_dossiers(request: HttpRequest) -> HttpResponse:
    """The dossiers behind one figure of the statistics page (``chi_so``) for one of the
    caller's agencies (``don_vi``; none: all of them, the total row) and the period, by the
    condition the figure is counted with, among the dossiers the caller may open."""
    _staff(request)
    agencies = _allowed_agencies(request)
    figure = stats.FIGURE_BY_KEY.get(request.GET.get("chi_so", ""))
    if figure is None:
        raise Http404
    chosen = request.GET.get("don_vi")
    if chosen:
        agency = next((a for a in agencies if str(a.pk) == chosen), None)
        if agency is None:
            raise Http404
        counted = [agency]
    else:
        agency, counted = None, agencies
    try:
        start, end = stats.period(request.GET)
    except ValidationError as exc:
        return render(
            request,
            "dossiers/stats_dossiers.html",
            {"figure": figure, "agency": agency, "error": " ".join(exc.messages)},
            status=400,
        )
    rows = stats.figure_dossiers(
        selectors.visible_dossiers(request.user), counted, figure.key, _window(agencies, start, end)
    )
    page = Paginator(rows, LIST_PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "dossiers/stats_dossiers.html",
        {
            "figure": figure,
            "agency": agency,
            "start": start,
            "end": end,
            "period": _period_text(start, end),
            "page": page,
            "count": page.paginator.count,
            "rows": list(page.object_list),
            "query": query.urlencode(),
            "back": reverse("dossiers:stats")
            + "?"
            + urlencode({"tu": start.isoformat(), "den": end.isoformat()}),
        },
    )
