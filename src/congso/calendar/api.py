"""Public due-date calculator: /api/v1/calendar/due-date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError

from congso.org.selectors import unit_by_code

from .services import KINDS, LOCAL_TZ, MAX_YEAR, MIN_YEAR, due_at, effective_start

router = Router(tags=["Lịch làm việc"])

MAX_AMOUNT = Decimal(3650)


class DueDateUnitOut(Schema):
    name: str
    stats_code: str
    agency_id: str


class DueDateOut(Schema):
    unit: DueDateUnitOut
    start: dt.datetime
    effective_start: dt.datetime
    due_at: dt.datetime
    kind: str
    amount: float


class CalendarErrorOut(Schema):
    detail: str


class DueDateQuery(Schema):
    # Plain strings so each bad value gets its own Vietnamese message instead of pydantic's.
    unit: str = ""
    start: str = ""
    amount: str = ""
    kind: str = ""


def _parse_start(raw: str) -> dt.datetime:
    text = raw.strip()
    if not text:
        raise HttpError(422, _("Thiếu thời điểm tiếp nhận (start)."))
    try:
        # A "+" in a query string arrives as a space when the caller forgot to encode it.
        moment = dt.datetime.fromisoformat(text.replace(" ", "+") if "T" in text else text)
    except ValueError:
        raise HttpError(
            422,
            _(
                "Thời điểm tiếp nhận (start) không đúng định dạng ISO 8601, "
                "ví dụ 2026-08-21T14:30:00+07:00."
            ),
        )
    if moment.tzinfo is None:
        # Documented choice (ADR 0013): a time without offset is Vietnamese local time.
        moment = moment.replace(tzinfo=LOCAL_TZ)
    try:
        local_year = moment.astimezone(LOCAL_TZ).year
    except OverflowError:  # 9999-12-31T23:00-12:00 is in year 10000 in Vietnam
        local_year = MAX_YEAR + 1
    if not MIN_YEAR <= local_year <= MAX_YEAR:
        raise HttpError(422, _("Thời điểm tiếp nhận (start) nằm ngoài khoảng năm được hỗ trợ."))
    return moment


def _parse_amount(raw: str) -> Decimal:
    text = raw.strip().replace(",", ".")
    if not text:
        raise HttpError(422, _("Thiếu thời hạn (amount)."))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise HttpError(422, _("Thời hạn (amount) phải là một số, ví dụ 3 hoặc 0.5."))
    if not amount.is_finite():
        raise HttpError(422, _("Thời hạn (amount) phải là một số, ví dụ 3 hoặc 0.5."))
    if amount < 0:
        raise HttpError(422, _("Thời hạn (amount) không được âm."))
    if amount > MAX_AMOUNT:
        raise HttpError(422, _("Thời hạn (amount) không được lớn hơn 3650."))
    return amount


@router.get(
    "/due-date",
    response={200: DueDateOut, 404: CalendarErrorOut, 422: CalendarErrorOut},
    summary="Tính hạn giải quyết",
    description=(
        "Tính thời hạn trả kết quả theo lịch làm việc của đơn vị. "
        "`unit`: mã đơn vị hành chính (TCTK, ví dụ 00343) hoặc mã định danh (ví dụ H26.09.343); "
        "`start`: thời điểm tiếp nhận theo ISO 8601 (không có múi giờ thì hiểu là giờ Việt Nam); "
        "`amount`: số lượng, 0–3650, có thể lẻ (0.5); "
        "`kind`: working_days | calendar_days | same_day | working_hours."
    ),
)
def due_date(request: HttpRequest, params: Query[DueDateQuery]) -> DueDateOut:
    if params.kind not in KINDS:
        raise HttpError(
            422,
            _(
                "Loại thời hạn (kind) phải là một trong: working_days, "
                "calendar_days, same_day, working_hours."
            ),
        )
    amount = _parse_amount(params.amount)
    start = _parse_start(params.start)
    if not params.unit.strip():
        raise HttpError(422, _("Thiếu mã đơn vị (unit)."))
    unit = unit_by_code(params.unit)
    if unit is None:
        raise HttpError(404, _("Không tìm thấy đơn vị có mã này."))
    try:
        due = due_at(unit, start, amount, params.kind)
    except ValueError:
        raise HttpError(
            422,
            _(
                "Không tính được thời hạn: hạn vượt quá khoảng năm được hỗ trợ "
                "hoặc đơn vị chưa khai báo giờ làm việc."
            ),
        )
    return DueDateOut(
        unit=DueDateUnitOut(name=unit.name, stats_code=unit.stats_code, agency_id=unit.agency_id),
        start=start.astimezone(LOCAL_TZ),
        effective_start=effective_start(unit, start),
        due_at=due,
        kind=params.kind,
        amount=float(amount),
    )
