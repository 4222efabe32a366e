"""The feedback API (/api/v1/feedback/): submit and verify (public), status by code with the
sender's phone or e-mail (public), and for staff the scoped list, one case and its registry
actions (one operation per action, the same services the pages call). Staff authenticate as
for the dossier API (token or session, ADR 0031)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from congso.core import limits, ratelimit
from congso.core.http import client_ip
from congso.dossiers.api import STAFF_AUTH
from congso.org.models import Unit
from congso.org.selectors import staff_for

from . import selectors, services
from .actions import REGISTRY, StaleCase
from .models import Case, Channel

router = Router(tags=["Phản ánh, kiến nghị"])


class SubmitIn(Schema):
    agency_id: int = Field(title="Cơ quan nhận")
    kind: str = Field(title="Loại: question, regulation, complaint", max_length=16)
    title: str = Field(title="Tiêu đề", max_length=limits.TITLE)
    body: str = Field(title="Nội dung (văn bản thuần)", max_length=limits.EFORM_TEXT)
    sender_name: str = Field(title="Họ tên", max_length=limits.NAME)
    sender_phone: str = Field("", max_length=20)
    sender_email: str = Field("", max_length=254)
    sender_address: str = Field("", max_length=limits.ADDRESS)
    consent_publish: bool = False
    dossier_code: str = Field("", max_length=60)
    dossier_id_number: str = Field("", max_length=12)


class SubmitOut(Schema):
    reference: str = Field(title="Mã tham chiếu để xác minh (không phải mã phản ánh)")
    status: str
    code: str | None = None


class VerifyIn(Schema):
    reference: str = Field(max_length=32)
    code: str = Field(max_length=6)


class StatusIn(Schema):
    code: str = Field(max_length=40)
    contact: str = Field(title="Số điện thoại hoặc e-mail đã khai", max_length=254)


class StepOut(Schema):
    at: dt.datetime
    action: str
    label: str
    unit: str


class PublicCaseOut(Schema):
    code: str
    title: str
    kind: str
    status: str
    status_label: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    answered_at: dt.datetime | None
    answer: str = ""
    rating: str = ""
    steps: list[StepOut] = []


class CaseOut(PublicCaseOut):
    agency: str
    current_unit: str
    channel: str
    body: str
    due_basis: str = ""
    version: int
    overdue: bool = False
    published: bool = False
    actions: list[str] = []


def _steps(case: Case) -> list[dict[str, Any]]:
    return [
        {"at": h.at, "action": h.action, "label": h.label, "unit": h.unit.name}
        for h in case.history.select_related("unit")
    ]


def _public(case: Case) -> dict[str, Any]:
    return {
        "code": case.code,
        "title": case.title,
        "kind": case.kind,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "received_at": case.received_at,
        "due_at": case.due_at,
        "answered_at": case.answered_at,
        "answer": case.answer if case.status == "answered" else "",
        "rating": case.rating,
        "steps": _steps(case),
    }


def _full(case: Case, staff: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        **_public(case),
        "answer": case.answer,
        "agency": case.agency.name,
        "current_unit": case.current_unit.name,
        "channel": case.channel,
        "body": case.body,
        "due_basis": str(case.due_basis.get("text", "")),
        "version": case.version,
        "overdue": bool(case.is_open and case.due_at and case.due_at < timezone.now()),
        "published": case.is_published,
        "actions": [a.slug for a in REGISTRY.available_for(case, staff)],
    }


@router.post("/submit", response={201: SubmitOut}, summary="Gửi phản ánh, kiến nghị, câu hỏi")
def feedback_submit(request: HttpRequest, data: SubmitIn) -> Any:
    """Without a signed-in citizen the case waits for the code sent to the phone or e-mail
    (``/verify``); rate limits, plain text only, Vietnamese errors (400)."""
    agency = Unit.objects.filter(pk=data.agency_id).first()
    if agency is None:
        raise ValidationError({"agency_id": "Cơ quan nhận không hợp lệ."})
    sub = services.Submission(agency=agency, **data.dict(exclude={"agency_id"}))
    case, _code = services.case_submit(
        sub=sub, channel=Channel.API, user=request.user, client=client_ip(request)
    )
    return Status(201, {"reference": case.reference, "status": case.status, "code": case.code})


@router.post("/verify", response=PublicCaseOut, summary="Xác minh liên hệ bằng mã đã gửi")
def feedback_verify(request: HttpRequest, data: VerifyIn) -> dict[str, Any]:
    case = services.case_verify(reference=data.reference, code=data.code, client=client_ip(request))
    return _public(case)


@router.post("/status", response=PublicCaseOut, summary="Tình trạng theo mã và liên hệ")
def feedback_status(request: HttpRequest, data: StatusIn) -> dict[str, Any]:
    """A wrong code and a wrong contact give the same 404."""
    if not ratelimit.hit(f"feedback:lookup:{client_ip(request)}", 20, 60):
        raise HttpError(429, "Có quá nhiều lượt tra cứu. Vui lòng thử lại sau một phút.")
    case = selectors.case_for_sender(data.code, data.contact)
    if case is None:
        raise Http404
    return _public(case)


@router.get("/cases", auth=STAFF_AUTH, response=list[CaseOut], summary="Phản ánh của đơn vị")
def feedback_cases(request: HttpRequest, view: str = "open", q: str = "") -> list[dict[str, Any]]:
    """``view``: open, overdue, due_soon, all; scoped to the caller's units."""
    staff = _staff(request)
    return [_full(c, staff) for c in selectors.work_queue(request.user, view=view, q=q[:200])]


@router.get("/cases/{code}", auth=STAFF_AUTH, response=CaseOut, summary="Một phản ánh")
def feedback_case(request: HttpRequest, code: str) -> dict[str, Any]:
    staff = _staff(request)
    return _full(selectors.case_get_for(request.user, code), staff)


def _staff(request: HttpRequest) -> Any:
    staff = staff_for(request.user)
    if staff is None:
        raise HttpError(403, "Chức năng dành cho cán bộ.")
    return staff


def _act(name: str) -> Any:
    action = REGISTRY[name]

    def operation(request: HttpRequest, code: str, data: Any) -> Any:
        staff = _staff(request)
        found = selectors.case_get_for(request.user, code)
        try:
            done = action.run(found, staff, data)
        except StaleCase as exc:
            raise HttpError(409, " ".join(exc.messages)) from exc
        return _full(done, staff)

    operation.__annotations__ = {
        "request": HttpRequest,
        "code": str,
        "data": action.input,
        "return": Any,
    }
    operation.__name__ = f"feedback_{name}"
    operation.__doc__ = f"{action.label} (quyền feedback.{name})."
    return operation


for _action in REGISTRY:
    router.post(
        f"/cases/{{code}}/{_action.slug}",
        auth=STAFF_AUTH,
        response=CaseOut,
        summary=str(_action.label),
        operation_id=f"feedback_{_action.name}",
    )(_act(_action.name))
