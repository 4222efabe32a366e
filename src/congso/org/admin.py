from django.contrib import admin

from .models import RoleAssignment, Staff, Unit, UnitName


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "stats_code", "agency_id", "parent", "dissolved_at")
    list_filter = ("kind", "has_farmland", "saturday_reception")
    search_fields = ("name", "stats_code", "agency_id")
    readonly_fields = ("path", "successor", "dissolved_at")
    autocomplete_fields = ["parent"]


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("user__full_name", "user__username", "position")
    autocomplete_fields = ["unit"]
    inlines = [RoleInline]


admin.site.register(UnitName)
