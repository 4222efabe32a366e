from django.contrib import admin

from .models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = ("name", "next_run_at", "last_run_at")
    readonly_fields = ("name", "last_run_at")
