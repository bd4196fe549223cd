from django.contrib import admin

from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessTrigger


class ReadOnly(admin.ModelAdmin):
    """To look at, not to change: deploying, starting, retrying and triggers go through the services (the designer
    and the API), which validate and keep a version's diagram and its spec together."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(ReadOnly):
    list_display = ("key", "name", "version", "is_active", "deployed_at")
    list_filter = ("is_active",)
    readonly_fields = ("spec", "next_tick_at", "start_messages")


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(ReadOnly):
    list_display = ("pk", "definition", "deal", "status", "next_timer_at", "started_at")
    list_filter = ("status",)
    raw_id_fields = ("deal", "contact", "definition")


@admin.register(ProcessTrigger)
class ProcessTriggerAdmin(ReadOnly):
    list_display = ("process_key", "kind", "pipeline", "stage", "field", "is_active")
