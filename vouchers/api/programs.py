"""Programs: read by the enterprises and authorities of their region; opened, changed and
funded by the region's authority."""

from __future__ import annotations

import re
from datetime import date

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.models import City
from vouchers.api import selectors
from vouchers.api.common import (
    AS_OF_PARAMETER,
    as_of_or_none,
    basis_points_field,
    fen_field,
    now,
    responses,
    visible_or_404,
)
from vouchers.api.filters import ProgramFilter
from vouchers.as_of import program_as_of
from vouchers.models import EvidenceKind, Program, ServiceCategory
from vouchers.program_dates import whole_day
from vouchers.services import programs as services

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ProgramDateField(serializers.DateTimeField):
    """An ISO 8601 datetime (an offset is best; none means Beijing time), or a plain date
    `YYYY-MM-DD` meaning the whole day in Beijing time: an opening from 00:00, a deadline
    until 23:59:59.999999 — the same rule as the web form."""

    def to_internal_value(self, value):
        if isinstance(value, str) and DAY.match(value.strip()):
            try:
                day = date.fromisoformat(value.strip())
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD or ISO 8601 datetime")
            return whole_day(self.field_name, day)
        return super().to_internal_value(value)


def program_date_field(**kwargs) -> ProgramDateField:
    return ProgramDateField(
        help_text="ISO 8601 datetime, or YYYY-MM-DD for the whole day in Beijing time", **kwargs
    )


class MaterialOutputSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="the form field of an application's file: document_<key>")
    name = serializers.CharField()
    name_en = serializers.CharField()
    required = serializers.BooleanField()
    types = serializers.ListField(child=serializers.CharField(), help_text="pdf, png, jpeg")


class ProgramOutputSerializer(serializers.Serializer):
    class ProgramCategoryOutputSerializer(serializers.Serializer):
        code = serializers.CharField(source="category.code")
        name = serializers.CharField(source="category.name")
        ratio_bp = serializers.IntegerField(allow_null=True)

    id = serializers.IntegerField()
    region_code = serializers.CharField(source="region.short_code")
    year = serializers.IntegerField()
    name = serializers.CharField()
    budget_fen = serializers.IntegerField()
    budget_available_fen = serializers.IntegerField(source="budget_account.available_fen")
    payee_mode = serializers.ChoiceField(choices=Program.PayeeMode.choices)
    enterprise_annual_cap_fen = serializers.IntegerField()
    group_annual_cap_fen = serializers.IntegerField(allow_null=True)
    per_claim_max_fen = serializers.IntegerField(allow_null=True)
    ratio_bp = serializers.IntegerField()
    same_region_ratio_bp = serializers.IntegerField(allow_null=True)
    other_region_ratio_bp = serializers.IntegerField(allow_null=True)
    small_order_threshold_fen = serializers.IntegerField(allow_null=True)
    applications_open_at = serializers.DateTimeField()
    applications_close_at = serializers.DateTimeField()
    use_by_at = serializers.DateTimeField()
    redemption_deadline_at = serializers.DateTimeField()
    required_evidence = serializers.ListField(child=serializers.CharField())
    spot_check_rate_bp = serializers.IntegerField()
    spot_check_cadence = serializers.ChoiceField(choices=Program.SpotCheckCadence.choices)
    application_materials = MaterialOutputSerializer(many=True)
    categories = ProgramCategoryOutputSerializer(source="category_rules", many=True)
    created_at = serializers.DateTimeField()
    claw_back_due_days = serializers.IntegerField(
        help_text="Beijing days a payee has to repay a claw-back")
    as_of = serializers.DictField(
        required=False,  # an output only: not read_only, or the schema would require it
        help_text="Only with ?as_of= (detail): the budget figures at that moment (fen)")


class ProgramListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "program.view"
    serializer_class = ProgramOutputSerializer
    filterset_class = ProgramFilter
    ordering_fields = ["year", "created_at", "budget_fen", "id"]

    def get_queryset(self):
        return selectors.programs_visible(actor=self.request.user)


class ProgramDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "program.view"

    class ProgramAsOfOutputSerializer(serializers.Serializer):
        moment = serializers.DateTimeField()
        funded_fen = serializers.IntegerField()
        allocated_fen = serializers.IntegerField()
        held_fen = serializers.IntegerField()
        redeemed_fen = serializers.IntegerField()
        paid_fen = serializers.IntegerField()
        clawed_back_fen = serializers.IntegerField()
        returned_fen = serializers.IntegerField()
        unallocated_fen = serializers.IntegerField()

    @extend_schema(parameters=[AS_OF_PARAMETER],
                   responses=responses({200: ProgramOutputSerializer}, 400, 404))
    def get(self, request, program_id: int):
        moment = as_of_or_none(request)
        program = visible_or_404(selectors.programs_visible(actor=request.user), program_id)
        data = ProgramOutputSerializer(program).data
        if moment is not None:
            figures = program_as_of(program, moment=moment)
            data["budget_available_fen"] = figures.unallocated_fen
            data["as_of"] = self.ProgramAsOfOutputSerializer(figures).data
        return Response(data)


class ProgramCategoryInputSerializer(InputSerializer):
    code = serializers.SlugRelatedField(
        slug_field="code", queryset=ServiceCategory.objects.filter(is_active=True)
    )
    ratio_bp = basis_points_field(required=False, allow_null=True, default=None)


class ProgramFieldsInputSerializer(InputSerializer):
    """The rules of a program; on update every field is optional."""

    name = serializers.CharField(max_length=128)
    budget_fen = fen_field()
    payee_mode = serializers.ChoiceField(choices=Program.PayeeMode.choices)
    enterprise_annual_cap_fen = fen_field()
    group_annual_cap_fen = fen_field(required=False, allow_null=True)
    per_claim_max_fen = fen_field(required=False, allow_null=True)
    ratio_bp = basis_points_field()
    same_region_ratio_bp = basis_points_field(required=False, allow_null=True)
    other_region_ratio_bp = basis_points_field(required=False, allow_null=True)
    small_order_threshold_fen = fen_field(required=False, allow_null=True)
    applications_open_at = program_date_field()
    applications_close_at = program_date_field()
    use_by_at = program_date_field()
    redemption_deadline_at = program_date_field()
    required_evidence = serializers.ListField(
        child=serializers.ChoiceField(choices=EvidenceKind.choices), required=False,
        allow_empty=False, help_text="evidence kinds, each once, at least one",
    )
    spot_check_rate_bp = serializers.IntegerField(
        min_value=1, max_value=10_000, required=False,
        help_text="share of each period's approved redemptions spot-checked, in basis points "
                  "(250 = 2.5 %)")
    spot_check_cadence = serializers.ChoiceField(
        choices=Program.SpotCheckCadence.choices, required=False)
    categories = ProgramCategoryInputSerializer(many=True, required=False)
    claw_back_due_days = serializers.IntegerField(
        min_value=1, max_value=365, required=False,
        help_text="Beijing days a payee has to repay a claw-back (default 30)")
    serving_city_codes = serializers.SlugRelatedField(
        slug_field="code", queryset=City.objects.all(), many=True, required=False
    )


def _service_arguments(data: dict) -> dict:
    """Input fields → the service's keyword arguments (categories as a mapping)."""
    arguments = dict(data)
    if "categories" in arguments:
        arguments["categories"] = {
            rule["code"]: rule.get("ratio_bp") for rule in arguments.pop("categories")
        }
    if "serving_city_codes" in arguments:
        arguments["serving_cities"] = arguments.pop("serving_city_codes")
    return arguments


class ProgramCreateApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "program.manage"

    class ProgramCreateInputSerializer(ProgramFieldsInputSerializer):
        year = serializers.IntegerField(min_value=2000, max_value=2100)
        categories = ProgramCategoryInputSerializer(many=True, allow_empty=False)

    @extend_schema(
        request=ProgramCreateInputSerializer,
        responses=responses({201: ProgramOutputSerializer}, 400, 403, 422),
    )
    @idempotent
    def post(self, request):
        data = self.ProgramCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program = services.program_create(
            actor=request.user, now=now(), **_service_arguments(data.validated_data)
        )
        program = selectors.programs_visible(actor=request.user).get(pk=program.pk)
        return Response(ProgramOutputSerializer(program).data, status=status.HTTP_201_CREATED)


class ProgramUpdateApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "program.manage"

    class ProgramUpdateInputSerializer(ProgramFieldsInputSerializer):
        reason = serializers.CharField(max_length=2000)

        def validate(self, attrs):
            if not attrs.get("reason"):  # partial input, yet every change says why
                raise serializers.ValidationError({"reason": "请填写修改原因"}, code="required")
            return attrs

    @extend_schema(
        request=ProgramUpdateInputSerializer,
        responses=responses({200: ProgramOutputSerializer}, 400, 403, 404, 422),
    )
    @idempotent
    def post(self, request, program_id: int):
        program = visible_or_404(selectors.programs_visible(actor=request.user), program_id)
        data = self.ProgramUpdateInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        arguments = _service_arguments(data.validated_data)
        services.program_update(
            actor=request.user, program=program, now=now(),
            reason=arguments.pop("reason", ""), **arguments,
        )
        program = selectors.programs_visible(actor=request.user).get(pk=program.pk)
        return Response(ProgramOutputSerializer(program).data)


class ProgramFundApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "program.fund"

    class ProgramFundInputSerializer(InputSerializer):
        amount_fen = fen_field()
        reference = serializers.CharField(max_length=100, help_text="拨款文号; a replay funds once")

    @extend_schema(
        request=ProgramFundInputSerializer,
        responses=responses({200: ProgramOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, program_id: int):
        program = visible_or_404(selectors.programs_visible(actor=request.user), program_id)
        data = self.ProgramFundInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.program_fund(actor=request.user, program=program, now=now(), **data.validated_data)
        program = selectors.programs_visible(actor=request.user).get(pk=program.pk)
        return Response(ProgramOutputSerializer(program).data)

