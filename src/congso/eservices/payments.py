"""Online fee payment: a provider interface and the common Vietnamese gateway protocol.

The protocol (VNPay and the gateways modelled on it): the payer is redirected to the gateway
with ``vnp_*`` parameters, sorted by name, URL-encoded and signed with HMAC-SHA512 under the
merchant secret (``vnp_SecureHash``). The gateway sends the payer back to ``vnp_ReturnUrl``
with signed result parameters, and independently calls our IPN URL server-to-server with the
same parameters; only a verified IPN makes a payment final, and we answer it with JSON
``{"RspCode": "..", "Message": ".."}``.

The request we send and the results the gateway sends are signed with the same secret and the
same algorithm, so a signature alone does not say *who* spoke: the payment request URL the
payer's browser carries is as well signed as a result. ``verify`` therefore also checks the
message's shape (ADR 0090): a result carries the gateway's result fields (response code,
transaction status, transaction number, pay date) and none of the request's own fields
(command, return URL, payer address, creation date…). A signed request fed to the IPN is
refused and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote_plus, urlencode

from django.conf import settings
from django.utils import timezone

VN_TZ = dt.timezone(dt.timedelta(hours=7))

# IPN answers defined by the protocol.
RSP_OK = ("00", "Confirm Success")
RSP_NOT_FOUND = ("01", "Order not found")
RSP_ALREADY = ("02", "Order already confirmed")
RSP_BAD_AMOUNT = ("04", "Invalid amount")
RSP_BAD_SIGNATURE = ("97", "Invalid signature")
RSP_UNKNOWN = ("99", "Unknown error")

# Fields only the gateway's result (IPN and return redirect) carries, and fields only our
# payment request carries. A signed message is a result only with all of the first and none of
# the second.
RESULT_FIELDS = (
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_ResponseCode",
    "vnp_TransactionStatus",
    "vnp_TransactionNo",
    "vnp_PayDate",
)
REQUEST_ONLY_FIELDS = (
    "vnp_Command",
    "vnp_Version",
    "vnp_ReturnUrl",
    "vnp_IpAddr",
    "vnp_CreateDate",
    "vnp_ExpireDate",
    "vnp_Locale",
    "vnp_CurrCode",
    "vnp_OrderType",
)


@dataclass(frozen=True)
class GatewayResult:
    """What a verified return redirect or IPN says about a payment."""

    order_ref: str
    amount: int  # in đồng
    success: bool
    response_code: str
    provider_txn: str
    bank_code: str
    merchant: str
    paid_at: dt.datetime | None


class PaymentProvider(Protocol):
    code: str

    def redirect_url(
        self,
        *,
        order_ref: str,
        amount: int,
        description: str,
        return_url: str,
        client_ip: str,
        created_at: dt.datetime,
    ) -> str: ...

    def verify(self, params: Mapping[str, str]) -> GatewayResult | None:
        """The parsed result if the parameters carry a valid signature, else None."""


def _canonical_query(params: Mapping[str, str]) -> str:
    """The signed string: vnp_* parameters except the hash, sorted by name, form-encoded."""
    items = sorted(
        (k, v)
        for k, v in params.items()
        if k.startswith("vnp_") and k not in ("vnp_SecureHash", "vnp_SecureHashType") and v != ""
    )
    return "&".join(f"{quote_plus(k)}={quote_plus(str(v))}" for k, v in items)


def is_result_shape(params: Mapping[str, str]) -> bool:
    """True if the parameters look like a gateway result, not like our payment request."""
    if any(params.get(name, "") == "" for name in RESULT_FIELDS):
        return False
    return not any(name in params for name in REQUEST_ONLY_FIELDS)


def hmac_sha512(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha512).hexdigest()


def sign_params(params: Mapping[str, str], secret: str) -> str:
    return hmac_sha512(secret, _canonical_query(params))


def _vn_time(value: dt.datetime) -> str:
    return value.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def _parse_vn_time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None


class VnpayProvider:
    """VNPay API 2.1.0 style gateway."""

    code = "vnpay"

    def __init__(self, *, merchant: str, secret: str, gateway_url: str) -> None:
        self.merchant = merchant
        self.secret = secret
        self.gateway_url = gateway_url

    def redirect_url(
        self,
        *,
        order_ref: str,
        amount: int,
        description: str,
        return_url: str,
        client_ip: str,
        created_at: dt.datetime,
    ) -> str:
        params = {
            "vnp_Version": "2.1.0",
            "vnp_Command": "pay",
            "vnp_TmnCode": self.merchant,
            "vnp_Amount": str(amount * 100),  # the protocol counts in 1/100 đồng
            "vnp_CurrCode": "VND",
            "vnp_TxnRef": order_ref,
            "vnp_OrderInfo": description,
            "vnp_OrderType": "other",
            "vnp_Locale": "vn",
            "vnp_ReturnUrl": return_url,
            "vnp_IpAddr": client_ip or "127.0.0.1",
            "vnp_CreateDate": _vn_time(created_at),
            "vnp_ExpireDate": _vn_time(created_at + dt.timedelta(minutes=15)),
        }
        query = _canonical_query(params)
        return f"{self.gateway_url}?{query}&vnp_SecureHash={hmac_sha512(self.secret, query)}"

    def verify(self, params: Mapping[str, str]) -> GatewayResult | None:
        """The gateway's result if the parameters are signed *and* shaped like a result.

        A signed payment request (our own redirect, which the payer's browser holds) is not a
        result: it has ``vnp_Command``/``vnp_ReturnUrl``… and no response code.
        """
        given = params.get("vnp_SecureHash", "")
        if not given or not given.isascii():
            return None
        if not hmac.compare_digest(given.lower(), sign_params(params, self.secret)):
            return None
        if not is_result_shape(params):
            return None
        try:
            amount_cents = int(params.get("vnp_Amount", ""))
        except ValueError:
            return None
        code = params.get("vnp_ResponseCode", "")
        status = params.get("vnp_TransactionStatus", code)
        return GatewayResult(
            order_ref=params.get("vnp_TxnRef", ""),
            amount=amount_cents // 100 if amount_cents % 100 == 0 else -1,
            success=code == "00" and status == "00",
            response_code=code,
            provider_txn=params.get("vnp_TransactionNo", ""),
            bank_code=params.get("vnp_BankCode", ""),
            merchant=params.get("vnp_TmnCode", ""),
            paid_at=_parse_vn_time(params.get("vnp_PayDate", "")),
        )

    def gateway_result_params(
        self,
        *,
        request_params: Mapping[str, str],
        success: bool,
        transaction_no: str,
        when: dt.datetime | None = None,
    ) -> dict[str, str]:
        """What the gateway sends back for a payment request (used by the sandbox gateway)."""
        params = {
            "vnp_TmnCode": request_params.get("vnp_TmnCode", ""),
            "vnp_Amount": request_params.get("vnp_Amount", ""),
            "vnp_BankCode": "NCB" if success else "",
            "vnp_BankTranNo": f"VNP{transaction_no}" if success else "",
            "vnp_CardType": "ATM" if success else "",
            "vnp_OrderInfo": request_params.get("vnp_OrderInfo", ""),
            "vnp_PayDate": _vn_time(when or timezone.now()),
            "vnp_ResponseCode": "00" if success else "24",
            "vnp_TransactionNo": transaction_no if success else "0",
            "vnp_TransactionStatus": "00" if success else "02",
            "vnp_TxnRef": request_params.get("vnp_TxnRef", ""),
            "vnp_SecureHashType": "HmacSHA512",
        }
        params = {k: v for k, v in params.items() if v != ""}
        params["vnp_SecureHash"] = sign_params(params, self.secret)
        return params


def get_provider() -> VnpayProvider:
    return VnpayProvider(
        merchant=settings.CONGSO_PAYMENT_MERCHANT,
        secret=settings.CONGSO_PAYMENT_SECRET,
        gateway_url=settings.CONGSO_PAYMENT_GATEWAY_URL
        or settings.PUBLIC_URL + "/sandbox-thanh-toan/",
    )


def query_string(params: Mapping[str, str]) -> str:
    return urlencode(params)
