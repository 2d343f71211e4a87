"""Payment batches: the issuing region's finance officer creates, exports and marks them paid."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.downloads import csv_response
from accounts.models import Organisation
from vouchers import selectors as voucher_selectors
from vouchers.api import selectors
from vouchers.api.common import (
    INVOICE_CODE_HELP,
    INVOICE_NUMBER_HELP,
    now,
    responses,
    visible_or_404,
)
from vouchers.api.filters import PaymentBatchFilter
from vouchers.models import PaymentBatch
from vouchers.services import settlements as services

EXPORT_COLUMNS = [
    "batch_number", "payee_name", "payee_credit_code", "redemption_id", "voucher_code",
    "enterprise_name", "invoice_code", "invoice_number", "contract_number", "amount_fen",
]


class PaymentBatchOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(
        help_text="<region>-PAY-<year>-<sequence>: the Shanghai year of creation and a sequence "
        "consecutive per region and year"
    )
    year = serializers.IntegerField()
    sequence = serializers.IntegerField()
    region_code = serializers.CharField(source="region.short_code")
    payee_id = serializers.IntegerField()
    payee_name = serializers.CharField(source="payee.name")
    total_fen = serializers.IntegerField()
    state = serializers.ChoiceField(choices=PaymentBatch.State.choices)
    created_at = serializers.DateTimeField()
    paid_at = serializers.DateTimeField(allow_null=True)
    paid_on = serializers.DateField(allow_null=True)
    payment_reference = serializers.CharField()
    reason = serializers.CharField()


def _reload(request, batch_id: int) -> PaymentBatch:
    return selectors.batches_visible(actor=request.user).get(pk=batch_id)


class PaymentBatchListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "batch.view"
    serializer_class = PaymentBatchOutputSerializer
    filterset_class = PaymentBatchFilter
    ordering_fields = ["created_at", "total_fen", "id"]

    def get_queryset(self):
        return selectors.batches_visible(actor=self.request.user)


class PaymentBatchDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "batch.view"

    @extend_schema(responses=responses({200: PaymentBatchOutputSerializer}, 404))
    def get(self, request, batch_id: int):
        batch = visible_or_404(selectors.batches_visible(actor=request.user), batch_id)
        return Response(PaymentBatchOutputSerializer(batch).data)


class PaymentBatchCreateApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "batch.manage"

    class PaymentBatchCreateInputSerializer(InputSerializer):
        payee_id = serializers.IntegerField(min_value=1)
        redemptions = serializers.ListField(
            child=serializers.IntegerField(min_value=1), required=False, max_length=1000,
            help_text="Ids of the payee's approved, unbatched redemptions to pay in this batch; "
            "omit it to take all of them. An empty list is refused (batch_empty), and so is "
            "any id no longer approved and unbatched or not of this payee and region "
            "(redemption_not_batchable, 409, `redemptions` lists those ids).",
        )

    @extend_schema(
        request=PaymentBatchCreateInputSerializer,
        responses=responses({201: PaymentBatchOutputSerializer}, 400, 403, 404, 409),
    )
    @idempotent
    def post(self, request):
        data = self.PaymentBatchCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payees = Organisation.objects.filter(
            kind__in=[Organisation.Kind.ENTERPRISE, Organisation.Kind.INSTITUTION]
        )
        payee = visible_or_404(payees, data.validated_data["payee_id"])
        batch = services.payment_batch_create(
            actor=request.user, payee=payee, now=now(),
            redemption_ids=data.validated_data.get("redemptions"),
        )
        return Response(
            PaymentBatchOutputSerializer(_reload(request, batch.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class PaymentBatchPayApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "batch.manage"

    class PaymentBatchPayInputSerializer(InputSerializer):
        payment_reference = serializers.CharField(max_length=64)
        paid_on = serializers.DateField()

    @extend_schema(
        request=PaymentBatchPayInputSerializer,
        responses=responses({200: PaymentBatchOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, batch_id: int):
        batch = visible_or_404(selectors.batches_visible(actor=request.user), batch_id)
        data = self.PaymentBatchPayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.payment_batch_pay(
            actor=request.user, batch=batch, now=now(), **data.validated_data
        )
        return Response(PaymentBatchOutputSerializer(_reload(request, batch.pk)).data)


class PaymentBatchExportRowSerializer(serializers.Serializer):
    batch_number = serializers.CharField()
    payee_name = serializers.CharField()
    payee_credit_code = serializers.CharField(allow_null=True)
    redemption_id = serializers.IntegerField()
    voucher_code = serializers.CharField()
    enterprise_name = serializers.CharField()
    invoice_code = serializers.CharField(help_text=INVOICE_CODE_HELP)
    invoice_number = serializers.CharField(help_text=INVOICE_NUMBER_HELP)
    contract_number = serializers.CharField()
    amount_fen = serializers.IntegerField()


class PaymentBatchExportApi(APIView):
    """The rows the treasury needs for one batch, as JSON."""

    permission_classes = [ActionPermission]
    access_action = "batch.view"

    class PaymentBatchExportOutputSerializer(serializers.Serializer):
        batch_number = serializers.CharField(source="number")
        state = serializers.CharField()
        total_fen = serializers.IntegerField()
        rows = PaymentBatchExportRowSerializer(many=True)

    @extend_schema(responses=responses({200: PaymentBatchExportOutputSerializer}, 404))
    def get(self, request, batch_id: int):
        batch = visible_or_404(selectors.batches_visible(actor=request.user), batch_id)
        batch.rows = voucher_selectors.payment_batch_export_rows(batch=batch)
        return Response(self.PaymentBatchExportOutputSerializer(batch).data)


class PaymentBatchExportCsvApi(APIView):
    """The same rows as CSV (UTF-8 with BOM, formula-safe)."""

    permission_classes = [ActionPermission]
    access_action = "batch.view"

    @extend_schema(
        operation_id="payment_batches_export_csv",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV rows"),
            404: responses({}, 404)[404],
        }
    )
    def get(self, request, batch_id: int):
        batch = visible_or_404(selectors.batches_visible(actor=request.user), batch_id)
        rows = voucher_selectors.payment_batch_export_rows(batch=batch)
        return csv_response(
            filename=f"{batch.number}.csv",
            header=EXPORT_COLUMNS,
            rows=([row[column] for column in EXPORT_COLUMNS] for row in rows),
        )
