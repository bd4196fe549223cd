"""The admin edits configuration (pipelines, stages, fields) and shows data. Business rules stay in services."""

from django.contrib import admin

from podbor.crm.models import (
    ChecklistItem,
    Company,
    Contact,
    ContactEmail,
    ContactPhone,
    CustomField,
    Deal,
    LostReason,
    Pipeline,
    PossibleDuplicate,
    Stage,
    StageChange,
    Tag,
    Task,
    TimelineEntry,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written by the services only; the admin shows it."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["name", "kind", "order", "color", "required_fields", "target_seconds"]


class LostReasonInline(admin.TabularInline):
    model = LostReason
    extra = 0
    fields = ["name", "order"]


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "is_archived", "created_at"]
    list_filter = ["is_archived"]
    list_editable = ["order", "is_archived"]
    search_fields = ["name"]
    inlines = [StageInline, LostReasonInline]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "pipeline", "kind", "order", "color"]
    list_filter = ["pipeline", "kind"]
    search_fields = ["name"]


@admin.register(LostReason)
class LostReasonAdmin(admin.ModelAdmin):
    list_display = ["name", "pipeline", "order"]
    list_filter = ["pipeline"]


class ContactPhoneInline(admin.TabularInline):
    model = ContactPhone
    extra = 0
    fields = ["raw", "e164", "is_valid", "order"]


class ContactEmailInline(admin.TabularInline):
    model = ContactEmail
    extra = 0
    fields = ["raw", "normalized", "order"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "city", "source", "team", "created_at"]
    list_filter = ["team", "gender"]
    search_fields = ["name_folded", "phones__e164", "emails__normalized"]
    list_select_related = ["team"]
    autocomplete_fields = ["company"]
    filter_horizontal = ["tags"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [ContactPhoneInline, ContactEmailInline]


@admin.register(PossibleDuplicate)
class PossibleDuplicateAdmin(admin.ModelAdmin):
    list_display = ["contact", "other", "reason", "score", "created_at", "resolved_at"]
    list_filter = ["resolved_at"]
    list_select_related = ["contact", "other"]
    raw_id_fields = ["contact", "other"]
    readonly_fields = ["contact", "other", "reason", "score", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "inn", "city", "team"]
    list_filter = ["team"]
    search_fields = ["name", "inn"]


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["title", "pipeline", "stage", "responsible", "team", "source", "created_at", "closed_at"]
    list_filter = ["pipeline", "stage", "team", "closed_at"]
    search_fields = ["title", "=id"]
    list_select_related = ["pipeline", "stage", "responsible", "team"]
    raw_id_fields = ["contact", "company", "responsible", "created_by"]
    # Stage moves, links and closing go through the services (guards, history, events): on the deal card.
    readonly_fields = ["pipeline", "stage", "lost_reason", "parent", "stage_entered_at", "closed_at", "created_at",
                       "updated_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "entity", "kind", "pipeline", "order"]
    list_filter = ["entity", "kind", "pipeline"]
    search_fields = ["name", "code"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ["name"]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    fields = ["text", "done", "order"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "assignee", "due_at", "done_at", "deal"]
    list_filter = ["kind", "assignee", "done_at"]
    search_fields = ["title"]
    list_select_related = ["assignee", "deal"]
    raw_id_fields = ["deal", "contact", "assignee", "created_by"]
    inlines = [ChecklistItemInline]


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "author", "deal", "contact", "short_text"]
    list_filter = ["kind"]
    list_select_related = ["author", "deal", "contact"]
    raw_id_fields = ["deal", "contact", "author"]
    date_hierarchy = "created_at"

    @admin.display(description=TimelineEntry._meta.get_field("text").verbose_name)
    def short_text(self, obj: TimelineEntry) -> str:
        return obj.text[:80]


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyAdmin):
    list_display = ["deal", "from_stage", "to_stage", "actor", "at", "seconds_on_previous"]
    list_filter = ["to_stage__pipeline"]
    list_select_related = ["deal", "from_stage", "to_stage", "actor"]
    raw_id_fields = ["deal", "from_stage", "to_stage", "actor"]
    date_hierarchy = "at"
