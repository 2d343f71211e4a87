"""Service orders: placed and cancelled by the enterprise; seen by both parties and the
authorities of the issuing and serving regions."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.models import Organisation
from vouchers.api import selectors
from vouchers.api.common import fen_field, now, responses, visible_or_404
from vouchers.api.filters import OrderFilter
from vouchers.models import ServiceCategory, ServiceOrder
from vouchers.services import orders as services


class OrderOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    voucher_id = serializers.IntegerField()
    voucher_code = serializers.CharField(source="voucher.code")
    issuing_region_code = serializers.CharField(source="voucher.program.region.short_code")
    enterprise_id = serializers.IntegerField()
    enterprise_name = serializers.CharField(source="enterprise.name")
    institution_id = serializers.IntegerField()
    institution_name = serializers.CharField(source="institution.name")
    serving_region_code = serializers.CharField(source="institution.region.short_code")
    payee_id = serializers.IntegerField()
    category = serializers.CharField(source="category.code")
    contract_number = serializers.CharField()
    total_fee_fen = serializers.IntegerField()
    ratio_bp = serializers.IntegerField()
    voucher_fen = serializers.IntegerField()
    enterprise_share_fen = serializers.IntegerField()
    enterprise_paid_fen = serializers.IntegerField(
        help_text="what the enterprise pays the institution: its share under 通兑 (payee = "
        "institution), the whole fee under 通用 (payee = enterprise, reimbursed by the voucher)"
    )
    payee_mode = serializers.CharField(source="voucher.program.payee_mode")
    redeemed_fen = serializers.IntegerField(allow_null=True)
    state = serializers.ChoiceField(choices=ServiceOrder.State.choices)
    placed_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    reason = serializers.CharField()
    fee_justification = serializers.CharField()


def _reload(request, order_id: int) -> ServiceOrder:
    return selectors.orders_visible(actor=request.user).get(pk=order_id)


class OrderListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "order.view"
    serializer_class = OrderOutputSerializer
    filterset_class = OrderFilter
    ordering_fields = ["placed_at", "total_fee_fen", "voucher_fen", "id"]

    def get_queryset(self):
        return selectors.orders_visible(actor=self.request.user)


class OrderDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "order.view"

    @extend_schema(responses=responses({200: OrderOutputSerializer}, 404))
    def get(self, request, order_id: int):
        order = visible_or_404(selectors.orders_visible(actor=request.user), order_id)
        return Response(OrderOutputSerializer(order).data)


class OrderPlaceApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "order.place"

    class OrderPlaceInputSerializer(InputSerializer):
        voucher_id = serializers.IntegerField(min_value=1)
        institution_id = serializers.IntegerField(min_value=1)
        category = serializers.SlugRelatedField(
            slug_field="code", queryset=ServiceCategory.objects.all()
        )
        contract_number = serializers.CharField(max_length=64)
        total_fee_fen = fen_field()
        fee_justification = serializers.CharField(
            max_length=1000, required=False, default="", allow_blank=True,
            help_text="required when total_fee_fen is above the large-fee threshold "
            "(LARGE_FEE_THRESHOLD_FEN, default 1000000000 fen = 10 million yuan)",
        )

    @extend_schema(
        request=OrderPlaceInputSerializer,
        responses=responses({201: OrderOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request):
        data = self.OrderPlaceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        voucher = visible_or_404(
            selectors.vouchers_in_scope(actor=request.user), fields.pop("voucher_id")
        )
        # Any institution may be named; order_place says precisely why one is not eligible.
        institution = visible_or_404(
            Organisation.objects.filter(kind=Organisation.Kind.INSTITUTION).select_related(
                "region"
            ),
            fields.pop("institution_id"),
        )
        order = services.order_place(
            actor=request.user, voucher=voucher, institution=institution, now=now(), **fields
        )
        # The new order comes back with the records it was placed with (voucher, program,
        # parties, category): rendered as is, without reading it back.
        return Response(OrderOutputSerializer(order).data, status=status.HTTP_201_CREATED)


class OrderCancelApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "order.cancel"

    class OrderCancelInputSerializer(InputSerializer):
        reason = serializers.CharField(max_length=2000, required=False, default="")

    @extend_schema(
        request=OrderCancelInputSerializer,
        responses=responses({200: OrderOutputSerializer}, 400, 403, 404, 409),
    )
    @idempotent
    def post(self, request, order_id: int):
        order = visible_or_404(selectors.orders_visible(actor=request.user), order_id)
        data = self.OrderCancelInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_cancel(actor=request.user, order=order, now=now(), **data.validated_data)
        return Response(OrderOutputSerializer(_reload(request, order.pk)).data)
