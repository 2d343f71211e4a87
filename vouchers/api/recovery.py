"""Claw-backs owed back, and the repayments the issuing region's finance officer records."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from vouchers.api.common import fen_field, now, responses, visible_or_404
from vouchers.models import ClawBackRepayment
from vouchers.recovery_selectors import claw_back_repayments, claw_backs_visible
from vouchers.services import recovery


class RepaymentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    amount_fen = serializers.IntegerField()
    received_on = serializers.DateField()
    bank_reference = serializers.CharField()
    source = serializers.ChoiceField(choices=ClawBackRepayment.Source.choices)
    note = serializers.CharField()
    recorded_at = serializers.DateTimeField()


class ClawBackOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="CB-<id>: what the payee quotes when repaying")
    redemption_id = serializers.IntegerField()
    payee_id = serializers.IntegerField(source="redemption.payee_id")
    payee_name = serializers.CharField(source="redemption.payee.name")
    region_code = serializers.CharField(source="redemption.program.region.short_code")
    amount_fen = serializers.IntegerField()
    repaid_fen = serializers.IntegerField()
    outstanding_fen = serializers.IntegerField()
    due_on = serializers.DateField(
        help_text="The last Beijing date to repay; after it an unpaid claw-back blocks the "
        "payee's redemption requests (claw_back_overdue)")
    created_at = serializers.DateTimeField()


class ClawBackListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "clawback.view"
    serializer_class = ClawBackOutputSerializer
    ordering_fields = ["due_on", "created_at", "amount_fen", "id"]

    def get_queryset(self):
        return claw_backs_visible(actor=self.request.user)


class ClawBackDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "clawback.view"

    class ClawBackDetailOutputSerializer(ClawBackOutputSerializer):
        repayments = serializers.SerializerMethodField()

        def get_repayments(self, claw_back) -> list[dict]:
            return RepaymentOutputSerializer(
                claw_back_repayments(claw_back=claw_back), many=True).data

    @extend_schema(responses=responses({200: ClawBackDetailOutputSerializer}, 404))
    def get(self, request, claw_back_id: int):
        claw_back = visible_or_404(claw_backs_visible(actor=request.user), claw_back_id)
        return Response(self.ClawBackDetailOutputSerializer(claw_back).data)


class ClawBackRepayApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "clawback.repay"

    class ClawBackRepayInputSerializer(InputSerializer):
        amount_fen = fen_field(help_text="At most what is still outstanding "
                                         "(repayment_exceeds_outstanding)")
        received_on = serializers.DateField(help_text="The Beijing date the money arrived")
        bank_reference = serializers.CharField(
            max_length=64, help_text="Recorded once per region: the same reference, claw-back "
            "and amount again returns the first repayment; for another, bank_reference_used")
        note = serializers.CharField(max_length=255, required=False, default="",
                                     allow_blank=True)

    @extend_schema(
        request=ClawBackRepayInputSerializer,
        responses=responses({201: RepaymentOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, claw_back_id: int):
        claw_back = visible_or_404(claw_backs_visible(actor=request.user), claw_back_id)
        data = self.ClawBackRepayInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        repayment = recovery.claw_back_repay(
            actor=request.user, claw_back=claw_back, now=now(), **data.validated_data)
        return Response(RepaymentOutputSerializer(repayment).data, status=status.HTTP_201_CREATED)
