"""Django admin for the platform operator: organisations, users and reference data.

Reference-data edits that matter (the common-use area) go through the audited service.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.errors import ApplicationError
from accounts.models import AuditEntry, City, District, Objection, Organisation, Region, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "short_code", "name", "authority_name"]


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "in_common_area"]
    list_filter = ["region", "in_common_area"]
    readonly_fields = ["in_common_area"]
    actions = ["add_to_common_area", "remove_from_common_area"]

    @admin.action(description=_("纳入通用区域（记录审计）"))
    def add_to_common_area(self, request, queryset):
        self._set_common_area(request, queryset, in_common_area=True)

    @admin.action(description=_("移出通用区域（记录审计）"))
    def remove_from_common_area(self, request, queryset):
        self._set_common_area(request, queryset, in_common_area=False)

    def _set_common_area(self, request, queryset, *, in_common_area: bool) -> None:
        for city in queryset:
            try:
                services.city_set_common_area(
                    actor=request.user,
                    city=city,
                    in_common_area=in_common_area,
                    reason="平台运营方在管理后台修改（安徽省名单须核实确认）",
                )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
        self.message_user(request, _("已更新并记录审计"))


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "region", "city", "status"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["status", "reviewed_at", "notice_ends_at", "created_at"]
    filter_horizontal = ["related_organisations"]


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["organisation", "lodged_by", "status", "created_at"]
    readonly_fields = ["status", "resolution", "resolved_at", "created_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("机构与角色"), {"fields": ("organisation", "role")}),
    )


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "action", "actor", "organisation", "object_type", "object_id"]
    list_filter = ["action", "region"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
