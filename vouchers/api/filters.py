"""django-filter filter sets of the voucher API lists."""

from __future__ import annotations

import django_filters

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


class ProgramFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__short_code")

    class Meta:
        model = Program
        fields = ["year", "payee_mode", "region"]


class ApplicationFilter(django_filters.FilterSet):
    submitted_after = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte")
    submitted_before = django_filters.IsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt")

    class Meta:
        model = Application
        fields = ["state", "program", "enterprise"]


class VoucherFilter(django_filters.FilterSet):
    class Meta:
        model = Voucher
        fields = ["state", "program", "enterprise"]


class InstitutionFilter(django_filters.FilterSet):
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


class OrderFilter(django_filters.FilterSet):
    category = django_filters.CharFilter(field_name="category__code")

    class Meta:
        model = ServiceOrder
        fields = ["state", "voucher", "enterprise", "institution", "category"]


class DeliveryFilter(django_filters.FilterSet):
    class Meta:
        model = Delivery
        fields = ["state", "order"]


class RedemptionFilter(django_filters.FilterSet):
    class Meta:
        model = Redemption
        fields = ["state", "program", "payee", "batch"]


class PaymentBatchFilter(django_filters.FilterSet):
    class Meta:
        model = PaymentBatch
        fields = ["state", "payee"]


class AccountFilter(django_filters.FilterSet):
    class Meta:
        model = Account
        fields = ["kind", "owner_type", "owner_id"]


class TransferFilter(django_filters.FilterSet):
    class Meta:
        model = Transfer
        fields = ["phase", "business_type", "business_id"]
