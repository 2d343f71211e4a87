"""Read-only admin views of the ledger: money moves only through `ledger_post`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from vouchers.ledger.models import Account, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # shared by two models
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "kind",
        "name",
        "owner_type",
        "owner_id",
        "debits_pending_fen",
        "debits_posted_fen",
        "credits_pending_fen",
        "credits_posted_fen",
    ]
    list_filter = ["kind", "owner_type"]
    search_fields = ["name", "owner_id"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = [
        "idempotency_key",
        "phase",
        "debit_account",
        "credit_account",
        "amount_fen",
        "business_type",
        "business_id",
        "created_at",
    ]
    list_filter = ["phase", "business_type"]
    search_fields = ["idempotency_key", "business_id"]
    list_select_related = ["debit_account", "credit_account"]
    date_hierarchy = "created_at"
