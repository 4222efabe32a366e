from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import CalendarOverride
from .services import calendar_override_delete, calendar_override_save


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "unit")
    list_filter = ("kind", ("unit", admin.EmptyFieldListFilter))
    search_fields = ("name", "note", "unit__name")
    date_hierarchy = "date"
    autocomplete_fields = ["unit"]
    fields = ("date", "kind", "name", "unit", "note")
    # Unit.__str__ names the successor of a merged unit.
    list_select_related = ("unit", "unit__successor")

    # Edits go through the services so each one is audited and invalidates cached calendars.
    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        calendar_override_save(override=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        calendar_override_delete(override=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for obj in queryset:
            calendar_override_delete(override=obj, by=request.user)
