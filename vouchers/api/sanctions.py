"""Sanctions: revoke a voucher, blacklist a party, withdraw an approved claim, and decide
what a blacklisting suspended (vouchers.services.sanctions). Suspended items are listed by
the order and redemption lists with `?state=suspended`."""

from __future__ import annotations

from collections.abc import Callable

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.parsers import JSONParser
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.models import Organisation
from vouchers.api import selectors
from vouchers.api.common import decide, now, responses, visible_or_404
from vouchers.api.orders import OrderOutputSerializer
from vouchers.api.redemptions import RedemptionOutputSerializer
from vouchers.api.vouchers import VoucherOutputSerializer
from vouchers.models import Redemption
from vouchers.services import oversight, sanctions
from vouchers.services import vouchers as voucher_services

DESTINATION_HELP = (
    "where the money goes: voucher (back to the voucher's available balance; on to the "
    "budget anyway if the voucher is no longer active) or budget (the program's budget)"
)


class ReasonInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000)


class StopInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000)
    destination = serializers.ChoiceField(choices=Redemption.ENDING_DESTINATIONS,
                                          help_text=DESTINATION_HELP)


class WithdrawInputSerializer(InputSerializer):
    reason = serializers.CharField(max_length=2000)
    destination = serializers.ChoiceField(
        choices=Redemption.Destination.values,
        help_text="where the money goes: hold (the order is delivered again and its voucher "
        "portion held anew; the payee may claim again, with the same invoice and contract), "
        "or, ending the order, " + DESTINATION_HELP.removeprefix("where the money goes: "))


class BlacklistingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation_id = serializers.IntegerField()
    organisation_name = serializers.CharField(source="organisation.name")
    region_code = serializers.CharField(source="region.short_code")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


def _redemption_answer(request, redemption_id: int, service: Callable[..., object],
                       body: type[InputSerializer] | None = None) -> Response:
    records = selectors.redemptions_visible(actor=request.user)
    decide(request, records=records, pk=redemption_id, service=service,
           record_name="redemption", body=body)
    return Response(RedemptionOutputSerializer(records.get(pk=redemption_id)).data)


def _order_answer(request, order_id: int, service: Callable[..., object],
                  body: type[InputSerializer] | None = None) -> Response:
    records = selectors.orders_visible(actor=request.user)
    decide(request, records=records, pk=order_id, service=service, record_name="order",
           body=body)
    return Response(OrderOutputSerializer(records.get(pk=order_id)).data)


class VoucherRevokeApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "application.review"

    @extend_schema(
        request=ReasonInputSerializer,
        responses=responses({200: VoucherOutputSerializer}, 400, 403, 404, 409, 422),
        description="The issuing region's reviewer revokes a voucher as a sanction: every open "
        "order and unpaid claim on it is stopped and its money returns to the budget.",
    )
    @idempotent
    def post(self, request, voucher_id: int):
        vouchers = selectors.vouchers_visible(actor=request.user)
        voucher = visible_or_404(vouchers, voucher_id)
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        voucher_services.voucher_revoke(actor=request.user, voucher=voucher, now=now(),
                                        **data.validated_data)
        return Response(VoucherOutputSerializer(vouchers.get(pk=voucher.pk)).data)


class OrganisationBlacklistApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "blacklist.manage"

    @extend_schema(
        request=ReasonInputSerializer,
        responses=responses({201: BlacklistingOutputSerializer}, 400, 403, 404, 409, 422),
        description="Blacklist an enterprise or institution: it can no longer apply, order or "
        "redeem, and its open orders and unpaid claims are suspended until their issuing "
        "region decides.",
    )
    @idempotent
    def post(self, request, organisation_id: int):
        organisation = get_object_or_404(
            Organisation.objects.filter(kind__in=(Organisation.Kind.ENTERPRISE,
                                                  Organisation.Kind.INSTITUTION)),
            pk=organisation_id,
        )
        data = ReasonInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        blacklisting = oversight.organisation_blacklist(
            actor=request.user, organisation=organisation, now=now(), **data.validated_data
        )
        return Response(BlacklistingOutputSerializer(blacklisting).data,
                        status=status.HTTP_201_CREATED)


class RedemptionWithdrawApi(APIView):
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    access_action = "redemption.review"

    @extend_schema(
        request=WithdrawInputSerializer,
        responses=responses({200: RedemptionOutputSerializer}, 400, 403, 404, 409, 422),
        description="Withdraw an approved, unpaid claim: its payable amount is reversed by a "
        "compensating entry and it leaves its open batch; its order is held again (hold) "
        "or ends (voucher, budget).",
    )
    @idempotent
    def post(self, request, redemption_id: int):
        return _redemption_answer(request, redemption_id, sanctions.redemption_withdraw,
                                  WithdrawInputSerializer)


class RedemptionSuspensionLiftApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "redemption.review"

    @extend_schema(request=None,
                   responses=responses({200: RedemptionOutputSerializer}, 403, 404, 409))
    @idempotent
    def post(self, request, redemption_id: int):
        return _redemption_answer(request, redemption_id, sanctions.redemption_suspension_lift)


class RedemptionSuspensionRejectApi(APIView):
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    access_action = "redemption.review"

    @extend_schema(
        request=StopInputSerializer,
        responses=responses({200: RedemptionOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, redemption_id: int):
        return _redemption_answer(request, redemption_id, sanctions.redemption_suspension_reject,
                                  StopInputSerializer)


class OrderSuspensionLiftApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "redemption.review"

    @extend_schema(request=None, responses=responses({200: OrderOutputSerializer}, 403, 404, 409))
    @idempotent
    def post(self, request, order_id: int):
        return _order_answer(request, order_id, sanctions.order_suspension_lift)


class OrderSuspensionRejectApi(APIView):
    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    access_action = "redemption.review"

    @extend_schema(
        request=StopInputSerializer,
        responses=responses({200: OrderOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, order_id: int):
        return _order_answer(request, order_id, sanctions.order_suspension_reject,
                             StopInputSerializer)
