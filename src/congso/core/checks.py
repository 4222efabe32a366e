"""Deployment checks (``manage.py check --deploy``): development conveniences that must never
reach production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

SANDBOX_SECRET = "sandbox-secret-not-for-production"  # noqa: S105 - the known value we refuse


@register(Tags.security, deploy=True)
def production_secrets(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if getattr(settings, "CONGSO_PAYMENT_SECRET", "") in ("", SANDBOX_SECRET):
        errors.append(Error(
            "CONGSO_PAYMENT_SECRET is the public sandbox value: anyone could forge payment confirmations.",
            hint="Set CONGSO_PAYMENT_SECRET to the merchant secret issued by the payment gateway.",
            id="congso.E001"))
    if getattr(settings, "CONGSO_PAYMENT_SANDBOX", False):
        errors.append(Error("The local payment sandbox (/sandbox-thanh-toan/) is enabled.",
                            hint="Unset CONGSO_PAYMENT_SANDBOX in production.", id="congso.E002"))
    if getattr(settings, "CONGSO_EID_TEST_PROVIDER", False):
        errors.append(Error("The local test e-ID provider (/eid-thu-nghiem/) is enabled.",
                            hint="Unset CONGSO_EID_TEST_PROVIDER in production.", id="congso.E003"))
    return errors
