"""Vouchers with their available, held and spent amounts, and the institution directory."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import ActionPermission
from vouchers import visibility
from vouchers.api import selectors
from vouchers.api.common import AS_OF_PARAMETER, as_of_or_none, responses, visible_or_404
from vouchers.api.filters import InstitutionFilter, VoucherFilter
from vouchers.as_of import voucher_as_of
from vouchers.models import Voucher
from vouchers.rating_selectors import RatingSummary, rating_summaries


class VoucherOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    application_id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    program_name = serializers.CharField()
    region_code = serializers.CharField()
    enterprise_id = serializers.IntegerField()
    enterprise_name = serializers.CharField()
    amount_fen = serializers.IntegerField()
    available_fen = serializers.IntegerField()
    held_fen = serializers.IntegerField()
    spent_fen = serializers.IntegerField()
    returned_fen = serializers.IntegerField()
    state = serializers.ChoiceField(choices=Voucher.State.choices)
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    as_of = serializers.DateTimeField(
        required=False,  # an output only: not read_only, or the schema would require it
        help_text="Only with ?as_of= (detail): the moment the balances are as of")


class VoucherListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "voucher.view"
    serializer_class = VoucherOutputSerializer
    filterset_class = VoucherFilter
    ordering_fields = ["issued_at", "amount_fen", "expires_at", "id"]

    def get_queryset(self):
        return selectors.vouchers_visible(actor=self.request.user)


class VoucherDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "voucher.view"

    @extend_schema(parameters=[AS_OF_PARAMETER],
                   responses=responses({200: VoucherOutputSerializer}, 400, 404))
    def get(self, request, voucher_id: int):
        moment = as_of_or_none(request)
        voucher = visible_or_404(selectors.vouchers_visible(actor=request.user), voucher_id)
        data = VoucherOutputSerializer(voucher).data
        if moment is not None:
            figures = voucher_as_of(voucher, moment=moment)
            data.update(available_fen=figures.available_fen, held_fen=figures.held_fen,
                        spent_fen=figures.spent_fen, returned_fen=figures.returned_fen,
                        as_of=moment.isoformat())
        return Response(data)


class InstitutionOutputSerializer(serializers.Serializer):
    class InstitutionServiceOutputSerializer(serializers.Serializer):
        category_code = serializers.CharField(source="category.code")
        category_name = serializers.CharField(source="category.name")
        price_note = serializers.CharField()

    id = serializers.IntegerField()
    name = serializers.CharField()
    credit_code = serializers.CharField()
    region_code = serializers.CharField(source="region.short_code")
    city_code = serializers.CharField(source="city.code")
    city_name = serializers.CharField(source="city.name")
    services = InstitutionServiceOutputSerializer(many=True)
    rating_count = serializers.SerializerMethodField(help_text="ratings received")
    rating_average = serializers.SerializerMethodField(
        help_text="mean score 1.00–5.00; null below MIN_RATINGS_SHOWN (3) ratings")

    @extend_schema_field(serializers.IntegerField())
    def get_rating_count(self, institution: Any) -> int:
        return self._summary(institution).count

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_rating_average(self, institution: Any) -> float | None:
        return self._summary(institution).average

    def _summary(self, institution: Any) -> RatingSummary:
        summaries = self.context.get("ratings") or {}
        if institution.pk not in summaries:  # a single institution: read its own
            summaries.update(rating_summaries(institution_ids=[institution.pk]))
        return summaries[institution.pk]


class InstitutionListApi(generics.ListAPIView):
    """The directory of admitted institutions of the common-use area and their catalogue."""

    permission_classes = [ActionPermission]
    access_action = "institution.search"
    serializer_class = InstitutionOutputSerializer
    filterset_class = InstitutionFilter
    ordering_fields = ["name", "id"]

    def get_queryset(self):
        return visibility.institutions_directory()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        summaries = rating_summaries(institution_ids=[institution.pk for institution in page])
        data = InstitutionOutputSerializer(page, many=True, context={"ratings": summaries}).data
        return self.get_paginated_response(data)


class InstitutionDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "institution.search"

    @extend_schema(responses=responses({200: InstitutionOutputSerializer}, 404))
    def get(self, request, institution_id: int):
        institution = visible_or_404(visibility.institutions_directory(), institution_id)
        return Response(InstitutionOutputSerializer(institution, context={"ratings": {}}).data)
