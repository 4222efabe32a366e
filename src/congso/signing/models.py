"""The second factor of a signature: a PIN per signer, kept only as a hash (ADR 0076)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignerPin(models.Model):
    """The PIN that must be typed before a signer's personal key is used. Set by the signer;
    locked after ``SIGNING_PIN_ATTEMPTS`` wrong tries in a row until an administrator unlocks it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="signing_pin",
        verbose_name=_("người ký"),
    )
    pin_hash = models.CharField(_("mã PIN (đã băm)"), max_length=256)
    failed_attempts = models.PositiveSmallIntegerField(_("số lần nhập sai liên tiếp"), default=0)
    locked_at = models.DateTimeField(_("khoá lúc"), null=True, blank=True)
    changed_at = models.DateTimeField(_("đặt lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mã PIN ký số")
        verbose_name_plural = _("mã PIN ký số")

    def __str__(self) -> str:
        return str(self.user)
