from django.contrib import admin

from podbor.events.models import DomainEvent, EventHandled


class EventHandledInline(admin.TabularInline):
    model = EventHandled
    extra = 0
    can_delete = False
    readonly_fields = ["subscriber", "handled_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DomainEvent)
class DomainEventAdmin(admin.ModelAdmin):
    """The outbox is a record of what happened: read-only."""

    list_display = ["id", "kind", "deal_id", "contact_id", "actor_id", "created_at", "dispatched_at"]
    list_filter = ["kind", "dispatched_at"]
    search_fields = ["kind", "=deal_id", "=contact_id"]
    date_hierarchy = "created_at"
    inlines = [EventHandledInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
