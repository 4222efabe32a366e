"""The counters' API under /api/v1/counters/ (issue 18): devices authenticate with their device
token (``X-Device-Token``), officers as for the desk's API (bearer token or session + CSRF).
Each operation calls the same service as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyHeader
from pydantic import Field

from congso.core import limits
from congso.dossiers.api import STAFF_AUTH, _staff

from . import devices, selectors, services
from .models import Device, ServiceGroup, Ticket

router = Router(tags=["Xếp hàng tại quầy"])


class DeviceToken(APIKeyHeader):
    """``X-Device-Token``: the token an administrator issued to a kiosk, board or terminal."""

    param_name = "X-Device-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Device | None:
        return devices.device_for_token(key or "")


DEVICE_AUTH = [DeviceToken()]


def _kind(request: HttpRequest, kind: str) -> Device:
    device: Device = request.auth  # type: ignore[attr-defined]
    if device.kind != kind:
        raise HttpError(403, "Thiết bị này không thực hiện được thao tác này.")
    return device


class TicketOut(Schema):
    id: int
    code: str
    group: str
    priority: str
    status: str
    counter: int | None
    ahead: int | None = None
    minutes: int | None = None
    follow_url: str | None = None


def _out(ticket: Ticket, request: HttpRequest | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ticket.pk,
        "code": ticket.code,
        "group": ticket.group.letter,
        "priority": ticket.priority,
        "status": ticket.status,
        "counter": ticket.counter.number if ticket.counter_id else None,  # type: ignore[union-attr]
    }
    if request is not None:
        info = services.queue_info(ticket)
        out.update(
            ahead=info.ahead,
            minutes=info.minutes,
            follow_url=request.build_absolute_uri(
                reverse("counters:follow", args=[ticket.follow_key])
            ),
        )
    return out


def _refuse(exc: ValidationError) -> HttpError:
    return HttpError(400, " ".join(exc.messages))


class IssueIn(Schema):
    group: str = Field(max_length=2, description="Ký hiệu nhóm dịch vụ (A, B …)")
    priority: str = Field("", max_length=10, description="Đối tượng ưu tiên, rỗng nếu không")


@router.post("/tickets", auth=DEVICE_AUTH, response={201: TicketOut}, operation_id="counter_issue")
def counter_issue(request: HttpRequest, body: IssueIn) -> Status:
    """Lấy số (máy lấy số): số mới của nhóm trong ngày, số người chờ trước và thời gian chờ."""
    device = _kind(request, Device.Kind.KIOSK)
    group = ServiceGroup.objects.filter(hall=device.hall, letter=body.group).first()
    if group is None:
        raise HttpError(400, "Không có nhóm dịch vụ này tại sảnh.")
    try:
        ticket = services.ticket_issue(group=group, priority=body.priority)
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return Status(201, _out(ticket, request))


@router.get("/board", auth=DEVICE_AUTH, operation_id="counter_board")
def counter_board(request: HttpRequest) -> dict[str, Any]:
    """Trạng thái bảng hiển thị: số đang phục vụ ở từng quầy, các lượt gọi gần đây."""
    device = _kind(request, Device.Kind.BOARD)
    return selectors.board_state(device.hall)


@router.post(
    "/call", auth=STAFF_AUTH, response={200: TicketOut, 204: None}, operation_id="counter_call"
)
def counter_call(request: HttpRequest) -> Any:
    """Gọi số tiếp theo về quầy cán bộ đang ngồi (ưu tiên theo quy tắc của sảnh)."""
    try:
        ticket = services.ticket_call_next(by=_staff(request))
    except ValidationError as exc:
        raise _refuse(exc) from exc
    if ticket is None:
        return Status(204, None)
    return Status(200, _out(ticket))


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return selectors.ticket_get_for(request.user, ticket_id)


def _act(request: HttpRequest, ticket_id: int, service: Any, **kwargs: Any) -> dict[str, Any]:
    staff = _staff(request)
    try:
        ticket = service(ticket=_ticket(request, ticket_id), by=staff, **kwargs)
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return _out(ticket)


@router.post(
    "/tickets/{ticket_id}/recall",
    auth=STAFF_AUTH,
    response=TicketOut,
    operation_id="counter_recall",
)
def counter_recall(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Gọi lại phiếu đang gọi, hoặc một lần phiếu đã vắng mặt."""
    return _act(request, ticket_id, services.ticket_recall)


@router.post(
    "/tickets/{ticket_id}/skip", auth=STAFF_AUTH, response=TicketOut, operation_id="counter_skip"
)
def counter_skip(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Ghi vắng mặt phiếu đang gọi."""
    return _act(request, ticket_id, services.ticket_skip)


@router.post(
    "/tickets/{ticket_id}/start",
    auth=STAFF_AUTH,
    response=TicketOut,
    operation_id="counter_start",
)
def counter_start(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Bắt đầu phục vụ phiếu đã gọi."""
    return _act(request, ticket_id, services.ticket_start)


@router.post(
    "/tickets/{ticket_id}/finish",
    auth=STAFF_AUTH,
    response=TicketOut,
    operation_id="counter_finish",
)
def counter_finish(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    """Kết thúc phục vụ (gắn các hồ sơ cán bộ đã tiếp nhận trong lượt này)."""
    return _act(request, ticket_id, services.ticket_finish)


class TransferIn(Schema):
    group: str | None = Field(None, max_length=2, description="Ký hiệu nhóm nhận phiếu")
    counter: int | None = Field(None, ge=1, le=999, description="Số quầy nhận phiếu")


@router.post(
    "/tickets/{ticket_id}/transfer",
    auth=STAFF_AUTH,
    response=TicketOut,
    operation_id="counter_transfer",
)
def counter_transfer(request: HttpRequest, ticket_id: int, body: TransferIn) -> dict[str, Any]:
    """Chuyển phiếu sang nhóm khác hoặc quầy khác (giữ số và thứ tự)."""
    ticket = _ticket(request, ticket_id)
    group = (
        ServiceGroup.objects.filter(hall=ticket.hall, letter=body.group).first()
        if body.group
        else None
    )
    counter = ticket.hall.counters.filter(number=body.counter).first() if body.counter else None
    if (body.group and group is None) or (body.counter and counter is None):
        raise HttpError(400, "Không có nhóm hoặc quầy này tại sảnh.")
    return _act(request, ticket_id, services.ticket_transfer, group=group, counter=counter)


class RateIn(Schema):
    level: int = Field(ge=1, le=3, description="3 rất hài lòng, 2 hài lòng, 1 không hài lòng")
    reason: str = Field("", max_length=limits.REASON)


class RatingOut(Schema):
    ticket: str
    level: int
    dossier_rated: bool


@router.post("/rate", auth=DEVICE_AUTH, response={201: RatingOut}, operation_id="counter_rate")
def counter_rate(request: HttpRequest, body: RateIn) -> Status:
    """Đánh giá tại quầy (máy đánh giá của quầy): gắn với phiếu, cán bộ và hồ sơ nếu có."""
    device = _kind(request, Device.Kind.TERMINAL)
    if device.counter is None:
        raise HttpError(400, "Máy đánh giá chưa được gán cho quầy nào.")
    try:
        rating = services.ticket_rate(counter=device.counter, level=body.level, reason=body.reason)
    except ValidationError as exc:
        raise _refuse(exc) from exc
    return Status(
        201,
        {
            "ticket": rating.ticket.code,
            "level": rating.level,
            "dossier_rated": rating.dossier_rating_id is not None,
        },
    )


class WaitOut(Schema):
    hall: str
    letter: str
    name: str
    ahead: int
    minutes: int


@router.get("/waits", response=list[WaitOut], operation_id="counter_waits")
def counter_waits(request: HttpRequest) -> list[dict[str, Any]]:
    """Số người đang chờ và thời gian chờ dự kiến theo nhóm, mọi sảnh (công khai, cho cổng)."""
    return selectors.public_waits()
