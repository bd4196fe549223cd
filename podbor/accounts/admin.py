from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from podbor.accounts.models import ApiToken, PresenceChange, Skill, Team, User, WorkSchedule


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


class WorkScheduleInline(admin.TabularInline):
    """Working hours: a manager left "At work" outside them counts as Off after the grace period."""

    model = WorkSchedule
    extra = 0
    fields = ["weekday", "starts_at", "ends_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "team", "presence", "is_active"]
    list_filter = ["role", "team", "presence", "is_active"]
    search_fields = ["username", "first_name", "last_name", "email"]
    list_select_related = ["team"]
    filter_horizontal = [*DjangoUserAdmin.filter_horizontal, "skills"]
    # Presence is switched by its owner (header, API), so that every switch is kept; here it is only shown.
    readonly_fields = ["presence", "presence_since"]
    inlines = [WorkScheduleInline]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Podbor"), {"fields": ["role", "team", "middle_name", "phone", "skills", "presence", "presence_since"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Podbor"), {"fields": ["role", "team", "first_name", "last_name"]}),
    ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued by their owners on /me/tokens/; here they can only be seen and revoked (by date)."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "prefix"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at", "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(PresenceChange)
class PresenceChangeAdmin(admin.ModelAdmin):
    """The presence history is a record: read-only."""

    list_display = ["at", "user", "previous", "status", "via"]
    list_filter = ["status", "via"]
    search_fields = ["user__username", "user__last_name"]
    list_select_related = ["user"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
