from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from congso.procedures.services import version_update_draft

from .models import CitizenProfile, EFormSchema, Payment


class EFormSchemaForm(forms.ModelForm):
    class Meta:
        model = EFormSchema
        fields = ["form_schema"]
        help_texts = {
            "form_schema": 'Ví dụ: [{"name": "ho_ten", "label": "Họ và tên", '
            '"type": "text", "required": true}]'
        }


@admin.register(EFormSchema)
class EFormSchemaAdmin(admin.ModelAdmin):
    """Administrators edit the e-form of a draft procedure version here; the model's validator
    checks the schema and saving goes through the catalogue's service (published versions are
    never edited, so they are not listed)."""

    form = EFormSchemaForm
    list_display = ["name", "number", "online_level", "via_online"]
    list_filter = ["online_level", "via_online"]
    search_fields = ["name", "procedure__national_code"]
    readonly_fields = ["name", "number"]
    fields = ["name", "number", "form_schema"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[EFormSchema]:
        return super().get_queryset(request).filter(is_published=False)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        version_update_draft(by=request.user, version=obj, form_schema=obj.form_schema)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CitizenProfile)
class CitizenProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "identity_number", "tax_code", "email_verified", "phone_verified"]
    search_fields = ["user__username", "user__full_name", "identity_number", "tax_code"]
    raw_id_fields = ["user"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["order_ref", "payer", "amount", "status", "paid_at"]
    list_filter = ["status"]
    search_fields = ["order_ref", "provider_txn"]
    readonly_fields = [*(f.name for f in Payment._meta.fields), "confirmations"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
