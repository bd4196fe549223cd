"""Outbound messages in the admin: a read-only view of the outbox; sending belongs to the channel workers."""

from django.contrib import admin

from podbor.messaging.models import OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "channel", "status", "reason", "created_at", "sent_at"]
    list_filter = ["status", "channel"]
    date_hierarchy = "created_at"
    raw_id_fields = ["contact", "deal"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
