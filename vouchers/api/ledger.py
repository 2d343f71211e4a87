"""The ledger's read side: accounts of the programs of the actor's region, and their transfers."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import ActionPermission
from vouchers.api import selectors
from vouchers.api.common import AS_OF_PARAMETER, as_of_or_none, responses, visible_or_404
from vouchers.api.filters import AccountFilter, TransferFilter
from vouchers.ledger.as_of import account_balances_as_of
from vouchers.ledger.models import Account, Transfer
from vouchers.ledger.selectors import BALANCE_FIELDS, account_transfers


class LedgerAccountOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField(help_text=", ".join(Account.Kind.values))
    owner_type = serializers.CharField()
    owner_id = serializers.CharField()
    name = serializers.CharField()
    debits_pending_fen = serializers.IntegerField()
    debits_posted_fen = serializers.IntegerField()
    credits_pending_fen = serializers.IntegerField()
    credits_posted_fen = serializers.IntegerField()
    balance_fen = serializers.IntegerField(help_text="credits posted − debits posted")
    available_fen = serializers.IntegerField(help_text="balance − debits pending")
    as_of = serializers.DateTimeField(
        required=False,  # an output only: not read_only, or the schema would require it
        help_text="Only with ?as_of= (detail): the moment the balances are as of")


class LedgerTransferOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    idempotency_key = serializers.CharField()
    debit_account_id = serializers.IntegerField()
    credit_account_id = serializers.IntegerField()
    amount_fen = serializers.IntegerField()
    phase = serializers.ChoiceField(choices=Transfer.Phase.choices)
    pending_transfer_id = serializers.IntegerField(allow_null=True)
    business_type = serializers.CharField()
    business_id = serializers.CharField()
    memo = serializers.CharField()
    created_at = serializers.DateTimeField()


class LedgerAccountListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "ledger.view"
    serializer_class = LedgerAccountOutputSerializer
    filterset_class = AccountFilter
    ordering_fields = ["id", "kind", "created_at"]

    def get_queryset(self):
        return selectors.ledger_accounts_visible(actor=self.request.user)


class LedgerAccountDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "ledger.view"

    @extend_schema(parameters=[AS_OF_PARAMETER],
                   responses=responses({200: LedgerAccountOutputSerializer}, 400, 404))
    def get(self, request, account_id: int):
        moment = as_of_or_none(request)
        queryset = selectors.ledger_accounts_visible(actor=request.user)
        account = visible_or_404(queryset, account_id)
        data = LedgerAccountOutputSerializer(account).data
        if moment is not None:
            balances = account_balances_as_of(account_ids=[account.pk], moment=moment)[account.pk]
            data.update({name: getattr(balances, name) for name in (*BALANCE_FIELDS,
                                                                    "balance_fen",
                                                                    "available_fen")})
            data["as_of"] = moment.isoformat()
        return Response(data)


class LedgerAccountTransferListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "ledger.view"
    serializer_class = LedgerTransferOutputSerializer
    filterset_class = TransferFilter
    ordering_fields = ["created_at", "amount_fen", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return Transfer.objects.none()
        accounts = selectors.ledger_accounts_visible(actor=self.request.user)
        return account_transfers(account=visible_or_404(accounts, self.kwargs["account_id"]))
