"""/api/v1/eservices/: the payment gateway's server-to-server confirmation (IPN), and the
signed-in citizen's own dossiers (browser session; read only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from . import selectors, services

router = Router(tags=["Dịch vụ công trực tuyến"])


class IpnAnswer(Schema):
    RspCode: str
    Message: str


@router.get(
    "/payment/ipn",
    response=IpnAnswer,
    auth=None,
    summary="Xác nhận giao dịch từ cổng thanh toán (IPN)",
)
def payment_ipn(request: HttpRequest) -> IpnAnswer:
    """The gateway calls this with the signed vnp_* result parameters in the query string.

    The answer follows the gateway protocol: 00 confirmed, 01 order not found, 02 already
    confirmed, 04 invalid amount, 97 invalid signature, 99 other error. Always HTTP 200, as
    the gateway expects; it retries until it gets 00 or 02.
    """
    code, message = services.payment_confirm(request.GET.dict())
    return IpnAnswer(RspCode=code, Message=message)


class MyDossier(Schema):
    id: int
    code: str | None
    procedure: str
    agency: str
    status: int
    status_label: str
    submitted_at: dt.datetime | None
    due_at: dt.datetime | None
    fee_total: int
    fee_paid: bool


@router.get(
    "/my/dossiers",
    response=list[MyDossier],
    auth=django_auth,
    summary="Hồ sơ của tôi (công dân đã đăng nhập)",
)
def my_dossiers(request: HttpRequest) -> list[dict[str, Any]]:
    """The signed-in citizen's dossiers, newest first (at most 200); never anyone else's."""
    return [
        {
            "id": d.pk,
            "code": d.code,
            "procedure": d.procedure_version.name,
            "agency": d.agency.name,
            "status": d.status,
            "status_label": str(d.get_status_display()),
            "submitted_at": d.submitted_at,
            "due_at": d.due_at,
            "fee_total": d.fee_total,
            "fee_paid": d.fee_paid,
        }
        for d in selectors.my_dossiers(request.user)[:200]
    ]
