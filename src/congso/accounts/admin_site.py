"""The Django admin at /quan-tri/, open only to sessions that passed the second factor."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from . import otp


class VerifiedAdminSite(admin.AdminSite):
    """Django's admin site that also refuses a session without a verified second factor
    (SecondFactorMiddleware redirects such sessions first; this holds without it)."""

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and otp.is_verified(request)
