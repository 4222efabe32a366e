"""The one-stop register (form 6) as a workbook: built in the request when small, by the task
worker when larger than EXPORT_INLINE_ROWS (congso.core.export_jobs, ADR 0047). Both write the
same rows through ``register_workbook``; the background one reads them through the same scoped
selector, as the requesting officer, when it runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from congso.core import export_jobs
from congso.core.exports import xlsx_table
from congso.core.models import ExportJob
from congso.org.models import Unit

from . import forms_pdf, selectors
from .models import Dossier


def register_workbook(agency: Unit, rows: Iterable[Dossier], period: str) -> bytes:
    """Form 6 as a workbook, written row by row (user text as text, ADR 0091)."""
    return xlsx_table(
        sheet="So theo doi",
        widths=[8, 24, 40, 26, 30, 26, 17, 17, 17, 24],
        preamble=[[agency.name], [str(forms_pdf.FORM_TITLES[6])], [period]],
        header=forms_pdf.register_header(),
        rows=(forms_pdf.register_row(d) for d in rows),
    )


def _agency(user: Any, params: dict[str, Any]) -> Unit | None:
    return next((a for a in selectors.agencies_for(user) if a.pk == params.get("agency")), None)


def _register_allowed(user: Any, params: dict[str, Any]) -> bool:
    return _agency(user, params) is not None


def _register_build(
    user: Any, params: dict[str, Any], progress: export_jobs.Progress
) -> tuple[str, bytes]:
    agency = _agency(user, params)
    if agency is None:  # asked by the job just before; a role gone in between
        raise PermissionError("register export no longer allowed")
    start, end = dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"])
    rows = selectors.register_rows(
        user, agency, start, end, params.get("field", ""), params.get("text", "")
    )
    progress.total(rows.count())
    content = register_workbook(
        agency, progress.count(rows.iterator(chunk_size=2000)), params["period"]
    )
    return f"so-theo-doi-{start}-{end}.xlsx", content


REGISTER = export_jobs.Export(allowed=_register_allowed, build=_register_build)


def register_start(
    user: Any, agency: Unit, start: dt.date, end: dt.date, field: str, text: str, *, period: str
) -> ExportJob:
    """Queue the register of ``agency`` for [start, end] (the page's filters) for ``user``."""
    return export_jobs.start(
        user=user,
        kind="congso.dossiers.exports.REGISTER",
        params={
            "agency": agency.pk,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "field": field,
            "text": text,
            "period": period,
        },
        title=_("Sổ theo dõi hồ sơ — %(agency)s — %(period)s")
        % {"agency": agency.name, "period": period},
    )
