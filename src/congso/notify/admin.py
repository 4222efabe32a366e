from django.contrib import admin

from .models import Notification, SmsOutbox


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "event", "reference", "state"]
    list_filter = ["channel", "state", "event"]
    search_fields = ["recipient", "reference"]
    readonly_fields = [f.name for f in Notification._meta.fields]


@admin.register(SmsOutbox)
class SmsOutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "phone", "text"]
    readonly_fields = ["phone", "text", "created_at"]
