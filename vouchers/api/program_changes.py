"""Program changes with consequences for what is already issued (vouchers.services.program_changes):
deadlines, serving area, and a city the operator adds to the common-use area."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.errors import NotFound
from accounts.models import City
from vouchers.api import selectors
from vouchers.api.common import now, responses, visible_or_404
from vouchers.api.programs import ProgramOutputSerializer, program_date_field
from vouchers.models import Program
from vouchers.models.materials import MaterialFileType
from vouchers.program_dates import china_date
from vouchers.program_selectors import programs_serving_whole_common_area
from vouchers.services import program_changes


class ProgramDeadlinesApi(APIView):
    """Move the use-by date and redemption deadline of a program, deciding explicitly whether
    the active vouchers already issued take the new use-by date (`vouchers_follow`)."""

    permission_classes = [ActionPermission]
    access_action = "program.manage"

    class ProgramDeadlinesInputSerializer(InputSerializer):
        use_by_at = program_date_field()
        redemption_deadline_at = program_date_field()
        vouchers_follow = serializers.BooleanField(
            help_text="true: active vouchers take the new use-by; false: they keep theirs"
        )
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=ProgramDeadlinesInputSerializer,
        responses=responses({200: ProgramOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, program_id: int):
        program = visible_or_404(selectors.programs_visible(actor=request.user), program_id)
        data = self.ProgramDeadlinesInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program_changes.program_deadlines_change(
            actor=request.user, program=program, now=now(), **data.validated_data
        )
        program = selectors.programs_visible(actor=request.user).get(pk=program.pk)
        return Response(ProgramOutputSerializer(program).data)


class MaterialInputSerializer(InputSerializer):
    key = serializers.CharField(max_length=16, required=False, default="",
                                help_text="a current material's key keeps its documents")
    name = serializers.CharField(max_length=64)
    name_en = serializers.CharField(max_length=128, required=False, default="")
    required = serializers.BooleanField()
    types = serializers.ListField(child=serializers.ChoiceField(choices=MaterialFileType.choices),
                                  allow_empty=False)


class ProgramMaterialsApi(APIView):
    """Set the documents an application under the program needs (材料清单)."""

    permission_classes = [ActionPermission]
    access_action = "program.manage"

    class ProgramMaterialsInputSerializer(InputSerializer):
        materials = MaterialInputSerializer(many=True, allow_empty=True)
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=ProgramMaterialsInputSerializer,
        responses=responses({200: ProgramOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, program_id: int):
        program = visible_or_404(selectors.programs_visible(actor=request.user), program_id)
        data = self.ProgramMaterialsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program_changes.program_materials_change(
            actor=request.user, program=program, now=now(),
            materials=[dict(item) for item in data.validated_data["materials"]],
            reason=data.validated_data["reason"],
        )
        program = selectors.programs_visible(actor=request.user).get(pk=program.pk)
        return Response(ProgramOutputSerializer(program).data)


class ProgramServingAreaApi(APIView):
    """Set the cities whose institutions accept the program's vouchers; open orders with an
    institution in a removed city stay valid."""

    permission_classes = [ActionPermission]
    access_action = "program.manage"

    class ProgramServingAreaInputSerializer(InputSerializer):
        serving_city_codes = serializers.SlugRelatedField(
            slug_field="code", queryset=City.objects.all(), many=True, allow_empty=False
        )
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=ProgramServingAreaInputSerializer,
        responses=responses({200: ProgramOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, program_id: int):
        program = visible_or_404(selectors.programs_visible(actor=request.user), program_id)
        data = self.ProgramServingAreaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program_changes.program_serving_area_change(
            actor=request.user, program=program, now=now(),
            cities=data.validated_data["serving_city_codes"],
            reason=data.validated_data["reason"],
        )
        program = selectors.programs_visible(actor=request.user).get(pk=program.pk)
        return Response(ProgramOutputSerializer(program).data)


class CityProgramsAddApi(APIView):
    """The platform operator adds a city of the common-use area to this year's programs that
    serve the whole area (`program_ids`: some of those listed by GET)."""

    permission_classes = [ActionPermission]
    access_action = "reference.manage"

    class CityProgramOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        region_code = serializers.CharField(source="region.short_code")
        year = serializers.IntegerField()
        name = serializers.CharField()

    class CityProgramsAddInputSerializer(InputSerializer):
        program_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1), allow_empty=False
        )
        reason = serializers.CharField(max_length=2000)

    def _city(self, city_id: int) -> City:
        return visible_or_404(City.objects.all(), city_id)

    @extend_schema(responses=responses({200: CityProgramOutputSerializer(many=True)}, 403, 404))
    def get(self, request, city_id: int):
        offered = programs_serving_whole_common_area(
            city=self._city(city_id), year=china_date(now()).year
        )
        return Response(self.CityProgramOutputSerializer(offered, many=True).data)

    @extend_schema(
        request=CityProgramsAddInputSerializer,
        responses=responses({200: CityProgramOutputSerializer(many=True)}, 400, 403, 404, 422),
    )
    @idempotent
    def post(self, request, city_id: int):
        city = self._city(city_id)
        data = self.CityProgramsAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = Program.objects.filter(pk__in=data.validated_data["program_ids"])
        if chosen.count() != len(set(data.validated_data["program_ids"])):
            raise NotFound(_("所选项目不存在"))
        added = program_changes.city_add_to_programs(
            actor=request.user, city=city, programs=list(chosen),
            reason=data.validated_data["reason"], now=now(),
        )
        return Response(self.CityProgramOutputSerializer(added, many=True).data)
