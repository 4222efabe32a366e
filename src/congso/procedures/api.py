"""Public, read-only API of the procedure catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from congso.core.paging import Pages
from congso.org.selectors import unit_by_code

from .models import Level, OnlineLevel
from .selectors import catalogue_search, procedure_detail

router = Router(tags=["Thủ tục hành chính"])


class FieldOut(Schema):
    code: str
    name: str


# One catalogue row; version fields come from the current version that catalogue_search
# prefetched (Procedure.current_version).
class ProcedureListOut(Schema):
    slug: str
    national_code: str
    name: str = Field(..., alias="current_version.name")
    field: FieldOut
    level: str
    version: int = Field(..., alias="current_version.number")
    duration: Decimal = Field(..., alias="current_version.duration")
    duration_kind: str = Field(..., alias="current_version.duration_kind")
    duration_text: str = Field(..., alias="current_version.duration_display")
    online_level: str = Field(..., alias="current_version.online_level")
    via_online: bool = Field(..., alias="current_version.via_online")


class PaperOut(Schema):
    order: int
    name: str
    form_name: str
    form_url: str | None
    originals: int
    copies: int
    required: bool


class FeeOut(Schema):
    kind: str
    name: str
    amount: int
    note: str
    per_unit: str  # "trang", "bản", "trường hợp": the amount is per that unit
    from_unit: int | None  # a tier: from which unit on
    max_amount: int | None  # cap of the tiers per unit
    condition: str  # a conditional row: the officer picks the one that applies at intake


class StepOut(Schema):
    order: int
    name: str
    actor: str
    department: str
    budget: Decimal
    form_name: str


class UnitOut(Schema):
    name: str
    agency_id: str
    stats_code: str


class ProcedureDetailOut(Schema):
    slug: str
    national_code: str
    name: str
    field: FieldOut
    level: str
    version: int
    valid_from: dt.date
    valid_to: dt.date | None
    steps: str
    via_counter: bool
    via_post: bool
    via_online: bool
    sets: int
    duration: Decimal
    duration_kind: str
    duration_text: str
    duration_note: str
    levels: list[str]
    applicants: str
    implementing_agency: str
    result: str
    fee_note: str
    conditions: str
    legal_basis: str
    online_level_2015: int
    online_level: str
    supplement_once: bool
    form_schema: list[dict[str, Any]]
    papers: list[PaperOut]
    fees: list[FeeOut]
    internal_steps: list[StepOut]
    units: list[UnitOut]


@router.get("/", response=list[ProcedureListOut], summary="Danh mục thủ tục đang có hiệu lực")
@paginate(Pages, page_size=20)
def list_procedures(
    request: HttpRequest,
    q: str = "",
    field: str = "",
    level: str = "",
    online_level: str = "",
    unit: str = "",
) -> Any:
    """Tìm không phân biệt dấu, hoa thường; lọc theo mã lĩnh vực, cấp (district/ward/province),
    mức độ trực tuyến (none/partial/full) và mã đơn vị tiếp nhận (mã định danh hoặc mã TCTK)."""
    if level and level not in Level.values:
        raise ValidationError(_("Cấp thực hiện không hợp lệ: %(v)s.") % {"v": level})
    if online_level and online_level not in OnlineLevel.values:
        raise ValidationError(_("Mức độ trực tuyến không hợp lệ: %(v)s.") % {"v": online_level})
    unit_obj = None
    if unit:
        unit_obj = unit_by_code(unit)
        if unit_obj is None:
            raise ValidationError(_("Không tìm thấy đơn vị có mã %(v)s.") % {"v": unit})
    return catalogue_search(
        q, field=field or None, level=level, online_level=online_level, unit=unit_obj
    )


@router.get(
    "/{slug}", response=ProcedureDetailOut, summary="Một thủ tục với phiên bản đang có hiệu lực"
)
def get_procedure(request: HttpRequest, slug: str) -> dict[str, Any]:
    procedure = procedure_detail(slug)
    if procedure is None:
        raise HttpError(404, _("Không tìm thấy thủ tục hoặc thủ tục chưa được công bố."))
    v = procedure.current_versions[0]  # type: ignore[attr-defined]
    return {
        "slug": procedure.slug,
        "national_code": procedure.national_code,
        "name": v.name,
        "field": procedure.field,
        "level": procedure.level,
        "version": v.number,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "steps": v.steps,
        "via_counter": v.via_counter,
        "via_post": v.via_post,
        "via_online": v.via_online,
        "sets": v.sets,
        "duration": v.duration,
        "duration_kind": v.duration_kind,
        "duration_text": v.duration_display,
        "duration_note": v.duration_note,
        "levels": procedure.level_list,
        "applicants": v.applicants,
        "implementing_agency": v.implementing_agency,
        "result": v.result,
        "fee_note": v.fee_note,
        "conditions": v.conditions,
        "legal_basis": v.legal_basis,
        "online_level_2015": v.online_level_2015,
        "online_level": v.online_level,
        "supplement_once": v.supplement_once,
        "form_schema": v.form_schema,
        "papers": [
            {
                "order": p.order,
                "name": p.name,
                "form_name": p.form_name,
                "form_url": request.build_absolute_uri(
                    reverse("procedures:form_download", args=[procedure.slug, p.pk])
                )
                if p.form_file
                else None,
                "originals": p.originals,
                "copies": p.copies,
                "required": p.required,
            }
            for p in v.papers.all()
        ],
        "fees": list(v.fees.all()),
        "internal_steps": list(v.internal_steps.all()),
        "units": [o.unit for o in procedure.active_offers],  # type: ignore[attr-defined]
    }
