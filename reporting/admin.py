from __future__ import annotations

from django.contrib import admin

from reporting.models import Discrepancy, ReportRun, TreasuryPayment


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "region", "status", "progress_percent", "requested_at"]
    list_filter = ["kind", "status", "region"]
    readonly_fields = [field.name for field in ReportRun._meta.fields]


@admin.register(TreasuryPayment)
class TreasuryPaymentAdmin(admin.ModelAdmin):
    list_display = ["batch_reference", "credit_code", "amount_fen", "paid_on", "bank_reference"]
    list_filter = ["region"]
    readonly_fields = [field.name for field in TreasuryPayment._meta.fields]


@admin.register(Discrepancy)
class DiscrepancyAdmin(admin.ModelAdmin):
    list_display = ["run", "kind", "subject", "resolved_at"]
    list_filter = ["kind", "region"]
    readonly_fields = [field.name for field in Discrepancy._meta.fields]
