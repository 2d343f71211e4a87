"""Admin: reference data is editable; life-cycle records are read-only (services change them)."""

from __future__ import annotations

from django.contrib import admin

from vouchers import models


@admin.register(models.ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "is_active"]
    list_editable = ["is_active"]


@admin.register(models.InstitutionService)
class InstitutionServiceAdmin(admin.ModelAdmin):
    list_display = ["institution", "category", "price_note", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["institution__name"]
    autocomplete_fields = ["institution"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """State and money change only through the services (with audit and ledger)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ["name", "region", "year", "payee_mode", "budget_fen", "use_by_at"]
    list_filter = ["region", "year", "payee_mode"]


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = ["pk", "enterprise", "program", "amount_fen", "approved_fen", "state"]
    list_filter = ["state", "program__region"]


@admin.register(models.Voucher)
class VoucherAdmin(ReadOnlyAdmin):
    list_display = ["code", "enterprise", "amount_fen", "returned_fen", "state", "expires_at"]
    list_filter = ["state", "program__region"]
    search_fields = ["code"]


@admin.register(models.ServiceOrder)
class ServiceOrderAdmin(ReadOnlyAdmin):
    list_display = ["pk", "enterprise", "institution", "total_fee_fen", "voucher_fen", "state"]
    list_filter = ["state"]


@admin.register(models.Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "delivered_on", "invoice_code", "invoice_number", "state"]
    search_fields = ["invoice_key"]


@admin.register(models.EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "kind", "content_type", "size_bytes", "uploaded_at"]


@admin.register(models.Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = [
        "pk", "payee", "invoice_code", "invoice_number", "requested_fen", "approved_fen", "state"
    ]
    search_fields = ["invoice_key"]
    list_filter = ["state", "program__region"]


@admin.register(models.PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ["number", "payee", "total_fen", "state", "payment_reference", "paid_on"]
    list_filter = ["region", "year"]


@admin.register(models.SpotCheck)
class SpotCheckAdmin(ReadOnlyAdmin):
    list_display = ["pk", "region", "program", "period_start", "period_end", "rate_bp", "seed"]


@admin.register(models.OversightCase)
class OversightCaseAdmin(ReadOnlyAdmin):
    list_display = ["pk", "region", "redemption", "state", "outcome", "opened_at", "closed_at"]


@admin.register(models.Blacklisting)
class BlacklistingAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "region", "created_by", "created_at"]


@admin.register(models.ClawBack)
class ClawBackAdmin(ReadOnlyAdmin):
    list_display = ["redemption", "amount_fen", "created_by", "created_at"]
