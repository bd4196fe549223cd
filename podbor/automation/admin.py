from django.contrib import admin

from podbor.automation.models import ProcessDefinition, ProcessInstance, ProcessTrigger


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "name", "version", "is_active", "deployed_at")
    list_filter = ("is_active",)
    readonly_fields = ("spec", "next_tick_at", "start_messages")


@admin.register(ProcessInstance)
class ProcessInstanceAdmin(admin.ModelAdmin):
    list_display = ("pk", "definition", "deal", "status", "next_timer_at", "started_at")
    list_filter = ("status",)
    raw_id_fields = ("deal", "contact", "definition")


@admin.register(ProcessTrigger)
class ProcessTriggerAdmin(admin.ModelAdmin):
    list_display = ("process_key", "kind", "pipeline", "stage", "field", "is_active")
