"""Redemptions (兑付): the payee requests; the issuing region's reviewer approves or rejects."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.parsers import JSONParser
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from vouchers.api import selectors
from vouchers.api.common import (
    INVOICE_CODE_HELP,
    INVOICE_NUMBER_HELP,
    decide,
    fen_field,
    now,
    responses,
    visible_or_404,
)
from vouchers.api.filters import RedemptionFilter
from vouchers.invoices import InvoiceKind
from vouchers.models import Redemption
from vouchers.services import redemptions as services


class RedemptionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    delivery_id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    issuing_region_code = serializers.CharField(source="program.region.short_code")
    payee_id = serializers.IntegerField()
    payee_name = serializers.CharField(source="payee.name")
    voucher_code = serializers.CharField(source="order.voucher.code")
    institution_id = serializers.IntegerField()
    contract_number = serializers.CharField(source="order.contract_number")
    invoice_kind = serializers.ChoiceField(choices=InvoiceKind.choices)
    invoice_code = serializers.CharField(help_text=INVOICE_CODE_HELP)
    invoice_number = serializers.CharField(help_text=INVOICE_NUMBER_HELP)
    requested_fen = serializers.IntegerField()
    approved_fen = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=Redemption.State.choices)
    requested_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    batch_id = serializers.IntegerField(allow_null=True)


def _reload(request, redemption_id: int) -> Redemption:
    return selectors.redemptions_visible(actor=request.user).get(pk=redemption_id)


class RedemptionListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "redemption.view"
    serializer_class = RedemptionOutputSerializer
    filterset_class = RedemptionFilter
    ordering_fields = ["requested_at", "requested_fen", "id"]

    def get_queryset(self):
        return selectors.redemptions_visible(actor=self.request.user)


class RedemptionDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "redemption.view"

    @extend_schema(responses=responses({200: RedemptionOutputSerializer}, 404))
    def get(self, request, redemption_id: int):
        queryset = selectors.redemptions_visible(actor=request.user)
        return Response(RedemptionOutputSerializer(visible_or_404(queryset, redemption_id)).data)


class RedemptionRequestApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "redemption.request"

    class RedemptionRequestInputSerializer(InputSerializer):
        order_id = serializers.IntegerField(min_value=1)

    @extend_schema(
        request=RedemptionRequestInputSerializer,
        responses=responses({201: RedemptionOutputSerializer}, 400, 403, 404, 409),
    )
    @idempotent
    def post(self, request):
        data = self.RedemptionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        orders = selectors.orders_visible(actor=request.user)
        order = visible_or_404(orders, data.validated_data["order_id"])
        redemption = services.redemption_request(actor=request.user, order=order, now=now())
        return Response(
            RedemptionOutputSerializer(_reload(request, redemption.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class RedemptionApproveApi(APIView):
    permission_classes = [ActionPermission]
    # A decision's optional fields come as JSON only: a malformed multipart body must not read
    # as "no fields" and approve with the defaults.
    parser_classes = [JSONParser]
    access_action = "redemption.review"

    class RedemptionApproveInputSerializer(InputSerializer):
        amount_fen = fen_field(required=False, help_text="less than requested needs a reason")
        reason = serializers.CharField(max_length=2000, required=False, default="")

    @extend_schema(
        request=RedemptionApproveInputSerializer,
        responses=responses({200: RedemptionOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, redemption_id: int):
        decide(request, records=selectors.redemptions_visible(actor=request.user),
               pk=redemption_id, service=services.redemption_approve,
               record_name="redemption", body=self.RedemptionApproveInputSerializer)
        return Response(RedemptionOutputSerializer(_reload(request, redemption_id)).data)


class RedemptionRejectApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "redemption.review"

    class RedemptionRejectInputSerializer(InputSerializer):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=RedemptionRejectInputSerializer,
        responses=responses({200: RedemptionOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, redemption_id: int):
        decide(request, records=selectors.redemptions_visible(actor=request.user),
               pk=redemption_id, service=services.redemption_reject,
               record_name="redemption", body=self.RedemptionRejectInputSerializer)
        return Response(RedemptionOutputSerializer(_reload(request, redemption_id)).data)
