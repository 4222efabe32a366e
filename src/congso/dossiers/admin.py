from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Dossier, Handover, StatusHistory, SyncJob


class HistoryInline(admin.TabularInline):
    model = StatusHistory
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "at",
        "action",
        "from_status",
        "to_status",
        "unit",
        "actor_name",
        "note",
    )


class HandoverInline(admin.TabularInline):
    model = Handover
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "sent_at",
        "action",
        "from_unit",
        "from_name",
        "to_unit",
        "to_staff",
        "received_at",
        "step_due_at",
        "timeliness",
    )


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    """Read-only: dossiers change only through the services (history, audit, sync)."""

    list_display = [
        "code",
        "applicant_name",
        "status",
        "stage",
        "agency",
        "handling_unit",
        "due_at",
    ]
    list_filter = ["status", "stage", "channel", "forwarded"]
    search_fields = ["code", "applicant_name", "applicant_id_number"]
    inlines = [HistoryInline, HandoverInline]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(SyncJob)
class SyncJobAdmin(admin.ModelAdmin):
    """National-portal sync jobs: failures stay visible with their error until sent."""

    list_display = [
        "pk",
        "service",
        "dossier",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "sent_at",
    ]
    list_filter = ["state", "service"]
    search_fields = ["dossier__code"]
    readonly_fields = [
        "dossier",
        "service",
        "payload",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    ]
    actions = ["retry_now"]

    @admin.action(description=_("Thử gửi lại ngay"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[SyncJob]) -> None:
        n = queryset.exclude(state=SyncJob.State.SENT).update(next_attempt_at=timezone.now())
        self.message_user(
            request, _("Đã đặt %(n)s việc gửi lại ngay.") % {"n": n}, messages.SUCCESS
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["staff", "name", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    readonly_fields = ["key_hash", "created_at", "last_used_at"]
