"""Django admin for the catalogue. Drafts are edited here; a published version and its
papers, fees and steps are read-only, and publishing goes through ``version_publish``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from congso.audit.services import audit_record

from .models import (
    Fee,
    Field,
    InternalStep,
    Procedure,
    ProcedureVersion,
    RequiredPaper,
    UnitProcedure,
)
from .services import version_create_draft, version_publish


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


def _published(obj: ProcedureVersion | None) -> bool:
    return (
        obj is not None
        and obj.pk is not None
        and ProcedureVersion.objects.filter(pk=obj.pk, is_published=True).exists()
    )


class LockedWhenPublishedInline(admin.TabularInline):
    """Children of a published version cannot be added, changed or removed."""

    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)


class RequiredPaperInline(LockedWhenPublishedInline):
    model = RequiredPaper
    fields = ["order", "name", "form_name", "form_file", "originals", "copies", "required"]


class FeeInline(LockedWhenPublishedInline):
    model = Fee
    fields = ["kind", "name", "amount", "note"]


class InternalStepInline(LockedWhenPublishedInline):
    model = InternalStep
    fields = ["order", "name", "actor", "department", "budget", "form_name"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "number", "valid_from", "valid_to", "is_published", "duration_display"]
    list_filter = ["is_published", "duration_kind", "online_level", "procedure__level"]
    search_fields = ["name", "procedure__slug", "procedure__national_code"]
    list_select_related = ["procedure"]
    inlines = [RequiredPaperInline, FeeInline, InternalStepInline]
    actions = ["publish_selected", "new_draft_from_selected"]
    autocomplete_fields = ["procedure"]
    readonly_fields = ["is_published", "created_at"]

    @admin.display(description=_("thời hạn"))
    def duration_display(self, obj: ProcedureVersion) -> str:
        return obj.duration_display

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if _published(obj):
            # Everything: a dossier received under this version must keep reading it as it was.
            return [f.name for f in ProcedureVersion._meta.fields]
        if obj is not None:
            return ["procedure", "number", *self.readonly_fields]
        return self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _published(obj) and super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool
    ) -> None:
        if _published(obj):
            raise PermissionDenied(_("Phiên bản đã công bố không được sửa."))
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            action="procedure.version_admin_save",
            target=obj,
            data={"created": not change, "fields": sorted(form.changed_data)},
        )

    @admin.action(description=_("Công bố các phiên bản đã chọn"))
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        for version in queryset.order_by("procedure_id", "number"):
            try:
                version_publish(by=request.user, version=version)
            except (ValidationError, PermissionDenied) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{version}: {text}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Đã công bố %(v)s.") % {"v": version}, messages.SUCCESS
                )

    @admin.action(description=_("Tạo bản nháp phiên bản mới từ thủ tục đã chọn"))
    def new_draft_from_selected(
        self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]
    ) -> None:
        for procedure_id in set(queryset.values_list("procedure_id", flat=True)):
            procedure = Procedure.objects.get(pk=procedure_id)
            try:
                draft = version_create_draft(by=request.user, procedure=procedure)
            except (ValidationError, PermissionDenied) as exc:
                text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
                self.message_user(request, f"{procedure}: {text}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Đã tạo bản nháp %(v)s.") % {"v": draft}, messages.SUCCESS
                )


class VersionInline(admin.TabularInline):
    """A summary: versions are edited on their own page (with papers, fees, steps)."""

    model = ProcedureVersion
    fields = ["number", "link", "valid_from", "valid_to", "is_published"]
    readonly_fields = ["number", "link", "valid_from", "valid_to", "is_published"]
    extra = 0
    can_delete = False
    show_change_link = True

    @admin.display(description=_("tên thủ tục"))
    def link(self, obj: ProcedureVersion) -> str:
        return format_html("{}", obj.name)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class UnitProcedureInline(admin.TabularInline):
    model = UnitProcedure
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["name", "national_code", "field", "level"]
    list_filter = ["level", "field"]
    search_fields = ["name", "search_text", "national_code", "slug"]
    list_select_related = ["field"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VersionInline, UnitProcedureInline]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        # Officers type without diacritics; search the folded text too.
        from congso.search.normalize import fold

        qs, distinct = super().get_search_results(request, queryset, search_term)
        if search_term:
            qs = qs | queryset.filter(search_text__contains=fold(search_term))
        return qs, distinct


@admin.register(UnitProcedure)
class UnitProcedureAdmin(admin.ModelAdmin):
    list_display = ["procedure", "unit", "is_active"]
    list_filter = ["is_active", "unit__kind"]
    search_fields = ["procedure__name", "unit__name"]
    list_select_related = ["procedure", "unit"]
    autocomplete_fields = ["unit", "procedure"]
