"""An organisation's identity for its region's reviewer: the city a credit code did not tell,
and the actual controller (accounts.services.organisation_set_city / _set_actual_controller)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.models import City
from vouchers.api.common import now, responses, visible_or_404


class OrganisationIdentityOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    # Plain strings: as choices their enum names would collide with the reports' in the schema.
    kind = serializers.CharField(help_text="enterprise or institution")
    status = serializers.CharField(help_text="pending, notice, approved or rejected")
    credit_code = serializers.CharField()
    region_code = serializers.CharField(source="region.short_code")
    city_code = serializers.CharField(source="city.code", allow_null=True)
    city_name = serializers.CharField(source="city.name", allow_null=True)
    actual_controller = serializers.CharField()
    actual_controller_identifier = serializers.CharField(
        help_text="A credit code in full, or a resident ID number masked to its first 6 and "
        "last 4 characters."
    )


def _identity(request, organisation_id: int) -> Response:
    organisation = selectors.organisations_under_review_of(actor=request.user).get(
        pk=organisation_id
    )
    return Response(OrganisationIdentityOutputSerializer(organisation).data)


class OrganisationCitySetApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "registration.review"

    class OrganisationCityInputSerializer(InputSerializer):
        city_code = serializers.SlugRelatedField(slug_field="code", queryset=City.objects.all())
        reason = serializers.CharField(max_length=500, required=False, default="",
                                       allow_blank=True)

    @extend_schema(
        request=OrganisationCityInputSerializer,
        responses=responses({200: OrganisationIdentityOutputSerializer}, 400, 403, 404, 422),
    )
    @idempotent
    def post(self, request, organisation_id: int):
        organisation = visible_or_404(
            selectors.organisations_under_review_of(actor=request.user), organisation_id
        )
        data = self.OrganisationCityInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.organisation_set_city(
            actor=request.user, organisation=organisation, city=data.validated_data["city_code"],
            reason=data.validated_data["reason"], now=now(),
        )
        return _identity(request, organisation.pk)


class OrganisationActualControllerSetApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "registration.review"

    class OrganisationActualControllerInputSerializer(InputSerializer):
        actual_controller = serializers.CharField(max_length=128, allow_blank=True)
        actual_controller_identifier = serializers.CharField(
            max_length=40, required=False, default="", allow_blank=True
        )
        reason = serializers.CharField(max_length=500)

    @extend_schema(
        request=OrganisationActualControllerInputSerializer,
        responses=responses({200: OrganisationIdentityOutputSerializer}, 400, 403, 404, 422),
    )
    @idempotent
    def post(self, request, organisation_id: int):
        organisation = visible_or_404(
            selectors.organisations_under_review_of(actor=request.user), organisation_id
        )
        data = self.OrganisationActualControllerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.organisation_set_actual_controller(
            actor=request.user, organisation=organisation, now=now(), **data.validated_data
        )
        return _identity(request, organisation.pk)
