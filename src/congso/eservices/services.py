"""State changes of the citizen side (payments here; accounts in accounts.py, submission in
submission.py)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.audit.services import audit_record

from . import payments
from .models import Payment, PaymentStatus

PAID_HOOKS: list = []  # callables(payment) run inside the confirming transaction


def _new_order_ref() -> str:
    return timezone.localtime().strftime("%y%m%d") + secrets.token_hex(5).upper()


@transaction.atomic
def payment_create(*, payer, amount: int, description: str, unit=None,  # type: ignore[no-untyped-def]
                   dossier=None) -> Payment:  # type: ignore[no-untyped-def]
    """Open a pending payment with a fresh unique order reference.

    A dossier has at most one pending payment: asking again returns it rather than a second one.
    """
    if amount <= 0:
        raise ValidationError(_("Số tiền thanh toán phải lớn hơn 0."))
    if dossier is not None:
        existing = Payment.objects.filter(dossier=dossier, payer=payer).exclude(
            status=PaymentStatus.FAILED).first()
        if existing is not None:
            return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    order_ref=_new_order_ref(), payer=payer, amount=amount,
                    description=description[:255], dossier=dossier, unit=unit)
            break
        except IntegrityError:  # pragma: no cover - 40 random bits colliding
            continue
    audit_record(actor=payer, action="payment.create", target=payment,
                 data={"amount": amount, "dossier": getattr(dossier, "pk", None)})
    return payment


def payment_redirect_url(*, payment: Payment, return_url: str, client_ip: str) -> str:
    """The signed gateway URL the payer is sent to."""
    return payments.get_provider().redirect_url(
        order_ref=payment.order_ref, amount=payment.amount, description=payment.description,
        return_url=return_url, client_ip=client_ip, created_at=timezone.now())


def payment_confirm(params: Mapping[str, str]) -> tuple[str, str]:
    """Handle the gateway's server-to-server confirmation (IPN); return (RspCode, Message).

    Checks, in the protocol's order: signature, order exists (and is ours: merchant code),
    amount matches exactly, not already confirmed. Only then is the payment final, and the
    dossier told (PAID_HOOKS) in the same transaction. Every confirmation is kept as evidence.
    """
    provider = payments.get_provider()
    result = provider.verify(params)
    if result is None:
        return payments.RSP_BAD_SIGNATURE
    if result.merchant != provider.merchant:
        return payments.RSP_NOT_FOUND
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_ref=result.order_ref).first()
        if payment is None:
            return payments.RSP_NOT_FOUND
        payment.confirmations = [*payment.confirmations,
                                 {"at": timezone.now().isoformat(), "params": dict(params)}]
        if result.amount != payment.amount:
            payment.save(update_fields=["confirmations"])
            audit_record(actor=None, action="payment.wrong_amount", target=payment,
                         data={"expected": payment.amount, "got": result.amount})
            return payments.RSP_BAD_AMOUNT
        if payment.status != PaymentStatus.PENDING:
            # Replays change nothing but the evidence list.
            payment.save(update_fields=["confirmations"])
            return payments.RSP_ALREADY
        payment.provider_txn = result.provider_txn
        payment.bank_code = result.bank_code
        if result.success:
            payment.status = PaymentStatus.PAID
            payment.paid_at = result.paid_at or timezone.now()
        else:
            payment.status = PaymentStatus.FAILED
        payment.save()
        audit_record(actor=None, action="payment.confirm", target=payment, unit=payment.unit,
                     data={"status": payment.status, "txn": result.provider_txn,
                           "code": result.response_code})
        if payment.status == PaymentStatus.PAID:
            for hook in PAID_HOOKS:
                hook(payment)
    return payments.RSP_OK


def payment_check_return(params: Mapping[str, str]) -> tuple[Payment | None, bool]:
    """The payer's return redirect: verify its signature and look up the payment.

    Returns (payment, signature_ok). It never changes the payment: the IPN decides.
    """
    result = payments.get_provider().verify(params)
    if result is None:
        return None, False
    return Payment.objects.filter(order_ref=result.order_ref).first(), True


def drafts_move_on_merge(source, successor) -> int:  # type: ignore[no-untyped-def]
    """Unit merge: drafts not yet submitted to the dissolved unit go to its successor (what
    was submitted is the dossiers app's to move; payments stay with the unit that collected)."""
    from .models import Draft

    return Draft.objects.filter(unit=source, submitted_at__isnull=True).update(unit=successor)
