"""/api/v1/eservices/: the payment gateway's server-to-server confirmation (IPN)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from . import services

router = Router(tags=["Dịch vụ công trực tuyến"])


class IpnAnswer(Schema):
    RspCode: str
    Message: str


@router.get("/payment/ipn", response=IpnAnswer, auth=None,
            summary="Xác nhận giao dịch từ cổng thanh toán (IPN)")
def payment_ipn(request: HttpRequest) -> IpnAnswer:
    """The gateway calls this with the signed vnp_* result parameters in the query string.

    The answer follows the gateway protocol: 00 confirmed, 01 order not found, 02 already
    confirmed, 04 invalid amount, 97 invalid signature, 99 other error. Always HTTP 200, as
    the gateway expects; it retries until it gets 00 or 02.
    """
    code, message = services.payment_confirm(request.GET.dict())
    return IpnAnswer(RspCode=code, Message=message)
