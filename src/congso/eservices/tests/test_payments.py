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
    request_params = dict(parse_qsl(urlsplit(payment_redirect_url(
        payment=payment, return_url="http://testserver/dich-vu-cong/thanh-toan/ket-qua/",
        client_ip="127.0.0.1")).query))
    if amount is not None:
        request_params["vnp_Amount"] = str(amount * 100)
    request_params.update(override)
    if secret:
        provider = payments.VnpayProvider(merchant=provider.merchant, secret=secret, gateway_url="")
    return provider.gateway_result_params(request_params=request_params, success=success,
                                          transaction_no="14000001")


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
    assert payments._canonical_query({"vnp_B": "a b", "vnp_A": "x/y", "other": "z"}) == "vnp_A=x%2Fy&vnp_B=a+b"


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
    assert "Thanh toán" in gateway_page.content.decode() and "50.000 đ" in gateway_page.content.decode()
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
    assert client.get(f"/dich-vu-cong/thanh-toan/{payment.order_ref}/bien-lai.pdf").status_code == 404


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
