"""State changes of the citizen side (payments here; accounts in accounts.py, submission in
submission.py)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congso.audit.services import audit_record

from . import payments
from .models import Payment, PaymentStatus

security_log = logging.getLogger("congso.security")

PAID_HOOKS: list = []  # callables(payment) run inside the confirming transaction


def _new_order_ref() -> str:
    return timezone.localtime().strftime("%y%m%d") + secrets.token_hex(5).upper()


@transaction.atomic
def payment_create(
    *,
    payer,
    amount: int,
    description: str,
    unit=None,  # type: ignore[no-untyped-def]
    dossier=None,
) -> Payment:  # type: ignore[no-untyped-def]
    """Open a pending payment with a fresh unique order reference.

    A dossier has at most one pending payment: asking again returns it rather than a second one.
    """
    if amount <= 0:
        raise ValidationError(_("Số tiền thanh toán phải lớn hơn 0."))
    if dossier is not None:
        existing = (
            Payment.objects.filter(dossier=dossier, payer=payer)
            .exclude(status=PaymentStatus.FAILED)
            .first()
        )
        if existing is not None:
            return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    order_ref=_new_order_ref(),
                    payer=payer,
                    amount=amount,
                    description=description[:255],
                    dossier=dossier,
                    unit=unit,
                )
            break
        except IntegrityError:  # pragma: no cover - 40 random bits colliding
            continue
    audit_record(
        actor=payer,
        action="payment.create",
        target=payment,
        data={"amount": amount, "dossier": getattr(dossier, "pk", None)},
    )
    return payment


def payment_redirect_url(*, payment: Payment, return_url: str, client_ip: str) -> str:
    """The signed gateway URL the payer is sent to."""
    return payments.get_provider().redirect_url(
        order_ref=payment.order_ref,
        amount=payment.amount,
        description=payment.description,
        return_url=return_url,
        client_ip=client_ip,
        created_at=timezone.now(),
    )


def payment_confirm(params: Mapping[str, str]) -> tuple[str, str]:
    """Handle the gateway's server-to-server confirmation (IPN); return (RspCode, Message).

    Checks, in the protocol's order: signature and result shape (a signed *request* is not a
    result, ADR 0090), order exists (and is ours: merchant code), amount matches exactly, then
    the recorded state. Only then is the payment final, and the dossier told (PAID_HOOKS) in
    the same transaction. Every confirmation is kept as evidence.

    What is recorded cannot be overturned (ADR 0090): paid stays paid whatever comes later
    (02); a failure is recorded but yields to a later verified success for the same order,
    since the gateway saying "paid" means the money moved.
    """
    provider = payments.get_provider()
    result = provider.verify(params)
    if result is None:
        security_log.warning(
            "payment IPN refused: not a signed gateway result (ref %s)",
            str(params.get("vnp_TxnRef", ""))[:40],
        )
        return payments.RSP_BAD_SIGNATURE
    if result.merchant != provider.merchant:
        return payments.RSP_NOT_FOUND
    with transaction.atomic():
        payment = Payment.objects.select_for_update().filter(order_ref=result.order_ref).first()
        if payment is None:
            return payments.RSP_NOT_FOUND
        payment.confirmations = [
            *payment.confirmations,
            {"at": timezone.now().isoformat(), "params": dict(params)},
        ]
        if result.amount != payment.amount:
            payment.save(update_fields=["confirmations"])
            audit_record(
                actor=None,
                action="payment.wrong_amount",
                target=payment,
                data={"expected": payment.amount, "got": result.amount},
            )
            return payments.RSP_BAD_AMOUNT
        recorded = payment.status
        if recorded == PaymentStatus.PAID or (
            recorded == PaymentStatus.FAILED and not result.success
        ):
            # Replays and late messages change nothing but the evidence list.
            payment.save(update_fields=["confirmations"])
            if (
                recorded == PaymentStatus.PAID
                and result.success
                and result.provider_txn != payment.provider_txn
            ):
                # A second, different charge for one order: money to give back.
                audit_record(
                    actor=None,
                    action="payment.duplicate_success",
                    target=payment,
                    unit=payment.unit,
                    data={"txn": result.provider_txn, "first_txn": payment.provider_txn},
                )
            return payments.RSP_ALREADY
        payment.provider_txn = result.provider_txn
        payment.bank_code = result.bank_code
        if result.success:
            payment.status = PaymentStatus.PAID
            payment.paid_at = result.paid_at or timezone.now()
        else:
            payment.status = PaymentStatus.FAILED
        payment.save()
        action = (
            "payment.paid_after_failure" if recorded == PaymentStatus.FAILED else "payment.confirm"
        )
        audit_record(
            actor=None,
            action=action,
            target=payment,
            unit=payment.unit,
            data={
                "status": payment.status,
                "txn": result.provider_txn,
                "code": result.response_code,
            },
        )
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
