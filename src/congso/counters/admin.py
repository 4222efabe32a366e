"""Setting up a hall in the admin: groups, counters, and device tokens (issued once, revocable)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import devices
from .models import Counter, CounterRating, Device, Hall, ServiceGroup


class GroupInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ServiceGroup
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "unit", "priority_run", "is_active"]
    inlines = [GroupInline]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "name", "hall", "staff"]
    list_filter = ["hall"]
    filter_horizontal = ["groups"]
    readonly_fields = ["staff", "opened_at"]


def _show_token(request: HttpRequest, device: Device, token: str) -> None:
    messages.warning(
        request,
        _(
            "Mã của thiết bị “%(name)s”: %(token)s — nhập mã này một lần trên thiết bị, tại "
            "trang /thiet-bi/. Mã chỉ hiện lần này."
        )
        % {"name": device.name, "token": token},
    )


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "kind", "hall", "counter", "last_seen_at", "revoked_at"]
    list_filter = ["hall", "kind"]
    readonly_fields = ["created_at", "last_seen_at", "revoked_at"]
    actions = ["new_token", "revoke"]

    def save_model(self, request: HttpRequest, obj: Device, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token = devices.device_issue_token(device=obj, by=request.user)
        _show_token(request, obj, token)

    @admin.action(description=gettext_lazy("Cấp mã mới (mã cũ hết hiệu lực)"))
    def new_token(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        for device in queryset:
            _show_token(request, device, devices.device_issue_token(device=device, by=request.user))

    @admin.action(description=gettext_lazy("Thu hồi thiết bị"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Device]) -> None:
        for device in queryset:
            devices.device_revoke(device=device, by=request.user)
        messages.success(request, _("Đã thu hồi %(n)s thiết bị.") % {"n": queryset.count()})


@admin.register(CounterRating)
class CounterRatingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["ticket", "counter", "level", "rated_at"]
    list_filter = ["level"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
