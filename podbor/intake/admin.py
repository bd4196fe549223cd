"""Intake in the admin: sources are looked at and switched on or off here; they are created and edited on the
intake pages (through the services, which make and check the credentials). Events are history: read-only."""

from django.contrib import admin

from podbor.intake.models import InboundEvent, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "pipeline", "stage", "is_active", "created_at"]
    list_filter = ["kind", "is_active", "pipeline"]
    list_select_related = ["pipeline", "stage"]
    search_fields = ["name", "slug"]
    # The token digest and the HMAC secret are never shown; the token's first characters identify it.
    fields = ["name", "is_active", "slug", "kind", "pipeline", "stage", "relevance", "token_prefix", "created_at"]
    readonly_fields = ["slug", "kind", "pipeline", "stage", "relevance", "token_prefix", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False  # a source without credentials made by the service would accept anybody's signature

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # its events refer to it; switch it off instead


@admin.register(InboundEvent)
class InboundEventAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "status", "matched_by", "received_at", "processed_at", "attempts"]
    list_filter = ["status", "matched_by", "source"]
    list_select_related = ["source"]
    date_hierarchy = "received_at"
    raw_id_fields = ["contact", "deal"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # nothing received is ever deleted
