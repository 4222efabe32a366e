from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from congso.org import policy

from .models import CalendarOverride
from .services import calendar_may_edit, calendar_override_delete, calendar_override_save


class CalendarOverrideForm(forms.ModelForm):
    """Refuses, as a form error, a unit the editor may not edit (the service would refuse)."""

    editor: Any = None

    class Meta:
        model = CalendarOverride
        fields = ("date", "kind", "name", "unit", "note")

    def clean_unit(self) -> Any:
        unit = self.cleaned_data.get("unit")
        if not calendar_may_edit(self.editor, unit):
            raise ValidationError(
                str(policy.RULES["calendar.edit"].message)
                % {"unit": unit.name if unit is not None else _("toàn quốc")}
            )
        return unit


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideForm
    list_display = ("date", "kind", "name", "unit")
    list_filter = ("kind", ("unit", admin.EmptyFieldListFilter))
    search_fields = ("name", "note", "unit__name")
    date_hierarchy = "date"
    autocomplete_fields = ["unit"]
    fields = ("date", "kind", "name", "unit", "note")
    # Unit.__str__ names the successor of a merged unit.
    list_select_related = ("unit", "unit__successor")

    # Who may edit is the policy's calendar.edit (ADR 0046), not Django's model permissions:
    # the pages open for an administrator of some unit, each row's edit for its unit only.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.may_somewhere(request.user, "calendar.edit")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return policy.may_somewhere(request.user, "calendar.edit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.may_somewhere(request.user, "calendar.edit")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is None:
            return policy.may_somewhere(request.user, "calendar.edit")
        return calendar_may_edit(request.user, obj.unit)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"editor": request.user})

    # Edits go through the services so each one is audited and invalidates cached calendars.
    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: Any, change: bool
    ) -> None:
        calendar_override_save(override=obj, by=request.user)

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        calendar_override_delete(override=obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        # All or nothing: one override the editor may not remove refuses the whole action.
        with transaction.atomic():
            for obj in queryset.select_related("unit"):
                calendar_override_delete(override=obj, by=request.user)
