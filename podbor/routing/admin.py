"""Read-only views of routing data for administrators. Rules are written on the rules pages (or the API), where
rule_create/rule_update check them: the admin must not be a way around that validation."""

from django.contrib import admin

from podbor.routing.models import Assignment, DistributionRule, QueuedDeal, RuleMember


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class RuleMemberInline(admin.TabularInline):
    model = RuleMember
    fields = ["user", "weight", "assigned_count", "last_assigned_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DistributionRule)
class DistributionRuleAdmin(ReadOnlyAdmin):
    list_display = ["name", "pipeline", "source", "strategy", "team", "priority", "is_active"]
    list_filter = ["pipeline", "strategy", "is_active"]
    inlines = [RuleMemberInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["deal", "user", "rule", "strategy", "reason", "actor", "created_at"]
    list_filter = ["strategy", "reason"]
    raw_id_fields = ["deal"]
    list_select_related = ["deal", "user", "rule", "actor"]


@admin.register(QueuedDeal)
class QueuedDealAdmin(ReadOnlyAdmin):
    list_display = ["deal", "rule", "queued_at", "reason"]
    raw_id_fields = ["deal"]
    list_select_related = ["deal", "rule"]
