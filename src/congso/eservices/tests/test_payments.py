"""The gateway protocol: signed redirect, signed IPN with every check, sandbox, receipt."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from congso.audit.services import audit_verify
from congso.eservices import payments
from congso.eservices.models import Payment, PaymentStatus
from congso.eservices.services import payment_create, payment_redirect_url

from .factories import CitizenFactory

pytestmark = pytest.mark.django_db

IPN = "/api/v1/eservices/payment/ipn"


@pytest.fixture
def payment():
    return payment_create(payer=CitizenFactory(), amount=50000, description="Lệ phí hộ tịch")


def gateway_params(payment, *, success=True, amount=None, secret=None, **override):
    provider = payments.get_provider()
    request_params = dict(
        parse_qsl(
            urlsplit(
                payment_redirect_url(
                    payment=payment,
                    return_url="http://testserver/dich-vu-cong/thanh-toan/ket-qua/",
                    client_ip="127.0.0.1",
                )
            ).query
        )
    )
    if amount is not None:
        request_params["vnp_Amount"] = str(amount * 100)
    request_params.update(override)
    if secret:
        provider = payments.VnpayProvider(merchant=provider.merchant, secret=secret, gateway_url="")
    return provider.gateway_result_params(
        request_params=request_params, success=success, transaction_no="14000001"
    )


def test_redirect_url_is_sorted_and_signed(payment, settings):
    url = payment_redirect_url(payment=payment, return_url="http://x/ret", client_ip="1.2.3.4")
    query = urlsplit(url).query
    keys = [k for k, _v in parse_qsl(query)]
    assert keys[:-1] == sorted(keys[:-1]) and keys[-1] == "vnp_SecureHash"
    params = dict(parse_qsl(query))
    assert params["vnp_Amount"] == "5000000" and params["vnp_TxnRef"] == payment.order_ref
    assert params["vnp_TmnCode"] == settings.CONGSO_PAYMENT_MERCHANT
    assert len(params["vnp_SecureHash"]) == 128  # hex of SHA-512
    assert params["vnp_SecureHash"] == payments.sign_params(params, settings.CONGSO_PAYMENT_SECRET)
    # Known-answer: the canonical string is form-encoded (spaces as +) and HMAC-SHA512 signed.
    assert (
        payments._canonical_query({"vnp_B": "a b", "vnp_A": "x/y", "other": "z"})
        == "vnp_A=x%2Fy&vnp_B=a+b"
    )


def test_success_then_replay_is_idempotent(client, payment):
    params = gateway_params(payment)
    assert client.get(IPN, params).json() == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.provider_txn == "14000001"
    assert payment.paid_at is not None
    assert client.get(IPN, params).json() == {"RspCode": "02", "Message": "Order already confirmed"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and len(payment.confirmations) == 2
    assert audit_verify().ok


def test_forged_signature_changes_nothing(client, payment):
    forged = gateway_params(payment, secret="attacker-guess")
    assert client.get(IPN, forged).json()["RspCode"] == "97"
    tampered = gateway_params(payment)
    tampered["vnp_Amount"] = "100"  # changed after signing
    assert client.get(IPN, tampered).json()["RspCode"] == "97"
    unsigned = {k: v for k, v in gateway_params(payment).items() if k != "vnp_SecureHash"}
    assert client.get(IPN, unsigned).json()["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.confirmations == []


def test_wrong_amount_is_refused(client, payment):
    assert client.get(IPN, gateway_params(payment, amount=5000)).json()["RspCode"] == "04"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    # A correct confirmation afterwards still works.
    assert client.get(IPN, gateway_params(payment)).json()["RspCode"] == "00"


def test_unknown_order_and_other_merchant(client, payment):
    assert client.get(IPN, gateway_params(payment, vnp_TxnRef="KHONGCO")).json()["RspCode"] == "01"
    assert client.get(IPN, gateway_params(payment, vnp_TmnCode="KHAC")).json()["RspCode"] == "01"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_cancelled_payment_is_failed_not_paid(client, payment):
    assert client.get(IPN, gateway_params(payment, success=False)).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED


def test_return_page_never_decides_and_rejects_tampering(client, payment):
    params = gateway_params(payment)
    client.force_login(payment.payer)
    page = client.get("/dich-vu-cong/thanh-toan/ket-qua/", params)
    assert page.status_code == 200 and "Chờ thanh toán" in page.content.decode()
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING  # only the IPN makes it final
    tampered = {**params, "vnp_ResponseCode": "00", "vnp_Amount": "1"}
    bad = client.get("/dich-vu-cong/thanh-toan/ket-qua/", tampered)
    assert bad.status_code == 400 and "sai chữ ký" in bad.content.decode()


def test_sandbox_gateway_pay_confirms_and_redirects_signed(client, payment, settings):
    settings.CONGSO_PAYMENT_SANDBOX = True
    client.force_login(payment.payer)
    start = client.post(f"/dich-vu-cong/thanh-toan/{payment.order_ref}/")
    assert start.status_code == 302 and "/sandbox-thanh-toan/?" in start.url
    gateway_page = client.get(start.url)
    assert (
        "Thanh toán" in gateway_page.content.decode()
        and "50.000 đ" in gateway_page.content.decode()
    )
    form = dict(parse_qsl(urlsplit(start.url).query))
    back = client.post("/sandbox-thanh-toan/", {**form, "action": "pay"})
    assert back.status_code == 302
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    result = client.get(back.url)
    assert "Đã thanh toán" in result.content.decode()
    receipt = client.get(f"/dich-vu-cong/thanh-toan/{payment.order_ref}/bien-lai.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    # Someone else cannot fetch it.
    client.force_login(CitizenFactory())
    assert (
        client.get(f"/dich-vu-cong/thanh-toan/{payment.order_ref}/bien-lai.pdf").status_code == 404
    )


def test_sandbox_refuses_a_forged_request_and_is_off_by_default(client, payment, settings):
    settings.CONGSO_PAYMENT_SANDBOX = True
    url = payment_redirect_url(payment=payment, return_url="http://x/", client_ip="1.1.1.1")
    form = dict(parse_qsl(urlsplit(url).query))
    form["vnp_Amount"] = "100"
    assert client.post("/sandbox-thanh-toan/", {**form, "action": "pay"}).status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    settings.CONGSO_PAYMENT_SANDBOX = False
    assert client.get("/sandbox-thanh-toan/").status_code == 404


def test_order_refs_unique_and_amount_positive():
    payer = CitizenFactory()
    refs = {payment_create(payer=payer, amount=1000, description="x").order_ref for _ in range(20)}
    assert len(refs) == 20 == Payment.objects.count()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        payment_create(payer=payer, amount=0, description="x")


# --- issue 11 item 4: only the gateway's result decides, and what is recorded stays (ADR 0090)


def test_signed_payment_request_fed_to_the_ipn_changes_nothing(client, payment):
    """The redirect URL the payer's browser holds is signed with the merchant secret like a
    result; sent to the IPN it used to answer 00 and mark the payment failed, so that the
    gateway's real "paid" then got 02 (citizen charged, dossier unpaid)."""
    request_url = payment_redirect_url(
        payment=payment,
        return_url="http://testserver/dich-vu-cong/thanh-toan/ket-qua/",
        client_ip="127.0.0.1",
    )
    request_params = dict(parse_qsl(urlsplit(request_url).query))
    assert payments.get_provider().verify(request_params) is None
    assert client.get(IPN, request_params).json()["RspCode"] == "97"
    # A gateway result with a request field added is refused too (it no longer verifies, and
    # the gateway never sends request fields back).
    mixed = {**gateway_params(payment), "vnp_Command": "pay"}
    assert client.get(IPN, mixed).json()["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING and payment.confirmations == []
    assert client.get(IPN, gateway_params(payment)).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID


def test_result_missing_the_gateway_markers_is_not_a_result(client, payment):
    provider = payments.get_provider()
    for missing in (
        "vnp_ResponseCode",
        "vnp_TransactionStatus",
        "vnp_TransactionNo",
        "vnp_PayDate",
    ):
        params = {
            k: v
            for k, v in gateway_params(payment, success=False).items()
            if k not in (missing, "vnp_SecureHash")
        }
        params["vnp_SecureHash"] = payments.sign_params(params, provider.secret)
        assert client.get(IPN, params).json()["RspCode"] == "97", missing
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING


def test_paid_stays_paid_against_a_later_failure_or_replay(client, payment):
    paid = gateway_params(payment)
    assert client.get(IPN, paid).json()["RspCode"] == "00"
    failure = gateway_params(payment, success=False)
    assert client.get(IPN, failure).json()["RspCode"] == "02"
    assert client.get(IPN, paid).json()["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.provider_txn == "14000001"
    assert len(payment.confirmations) == 3


def test_failure_then_genuine_success_for_the_same_order_is_paid(client, payment):
    from congso.audit.models import AuditEvent

    assert client.get(IPN, gateway_params(payment, success=False)).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.FAILED
    # The same failure again changes nothing.
    assert client.get(IPN, gateway_params(payment, success=False)).json()["RspCode"] == "02"
    # The gateway says the money moved after all: that wins, once.
    assert client.get(IPN, gateway_params(payment)).json()["RspCode"] == "00"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.provider_txn == "14000001"
    assert AuditEvent.objects.filter(action="payment.paid_after_failure").count() == 1
    assert client.get(IPN, gateway_params(payment, success=False)).json()["RspCode"] == "02"
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PAID
    assert audit_verify().ok


def test_non_ascii_signature_is_refused_not_a_server_error(client, payment):
    params = {**gateway_params(payment), "vnp_SecureHash": "ẞ" * 128}
    answer = client.get(IPN, params)
    assert answer.status_code == 200 and answer.json()["RspCode"] == "97"
