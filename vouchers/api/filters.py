"""django-filter filter sets of the voucher API lists (on ApiFilterSet: strict ids and values)."""

from __future__ import annotations

import django_filters

from accounts.api.filtering import ApiFilterSet
from accounts.models import Organisation
from vouchers.ledger.models import Account, Transfer
from vouchers.models import (
    Application,
    Delivery,
    PaymentBatch,
    Program,
    Redemption,
    ServiceOrder,
    Voucher,
)


class ProgramFilter(ApiFilterSet):
    region = django_filters.CharFilter(field_name="region__short_code")

    class Meta:
        model = Program
        fields = ["year", "payee_mode", "region"]


class ApplicationFilter(ApiFilterSet):
    submitted_after = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Application
        fields = ["state", "program", "enterprise"]


class VoucherFilter(ApiFilterSet):
    class Meta:
        model = Voucher
        fields = ["state", "program", "enterprise"]


class InstitutionFilter(ApiFilterSet):
    region = django_filters.CharFilter(field_name="region__short_code")
    city = django_filters.CharFilter(field_name="city__code")
    category = django_filters.CharFilter(method="filter_category")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")

    class Meta:
        model = Organisation
        fields = ["region", "city", "category", "name"]

    def filter_category(self, queryset, name, value):
        return queryset.filter(
            catalogue_entries__category__code=value, catalogue_entries__is_active=True
        ).distinct()


class OrderFilter(ApiFilterSet):
    category = django_filters.CharFilter(field_name="category__code")

    class Meta:
        model = ServiceOrder
        fields = ["state", "voucher", "enterprise", "institution", "category"]


class DeliveryFilter(ApiFilterSet):
    class Meta:
        model = Delivery
        fields = ["state", "order"]


class RedemptionFilter(ApiFilterSet):
    class Meta:
        model = Redemption
        fields = ["state", "program", "payee", "batch"]


class PaymentBatchFilter(ApiFilterSet):
    class Meta:
        model = PaymentBatch
        fields = ["state", "payee"]


class AccountFilter(ApiFilterSet):
    class Meta:
        model = Account
        fields = ["kind", "owner_type", "owner_id"]


class TransferFilter(ApiFilterSet):
    class Meta:
        model = Transfer
        fields = ["phase", "business_type", "business_id"]
