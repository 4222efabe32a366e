from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import SignerPin
from .pins import signer_pin_unlock


@admin.register(SignerPin)
class SignerPinAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only (the hash is never shown); the one action removes a locked or forgotten PIN."""

    list_display = ("user", "failed_attempts", "locked_at", "changed_at")
    list_filter = ("locked_at",)
    search_fields = ("user__username", "user__full_name")
    fields = ("user", "failed_attempts", "locked_at", "changed_at")
    readonly_fields = fields
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Mở khoá (xoá mã PIN để người ký đặt mã mới)"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[SignerPin]) -> None:
        for row in list(queryset.select_related("user")):
            signer_pin_unlock(by=request.user, user=row.user)
        messages.success(request, _("Đã mở khoá mã PIN ký số."))
