"""Who am I, and the reference data (regions, cities)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.permissions import ActionPermission
from accounts.models import City, Region


class MeApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "me.view"

    class MeOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        role = serializers.CharField()
        organisation_id = serializers.IntegerField(allow_null=True)
        organisation_name = serializers.CharField(source="organisation.name", allow_null=True)
        organisation_kind = serializers.CharField(source="organisation.kind", allow_null=True)
        region_code = serializers.CharField(source="organisation.region.short_code",
                                            allow_null=True)

    @extend_schema(responses=MeOutputSerializer, operation_id="me")
    def get(self, request):
        return Response(self.MeOutputSerializer(request.user).data)


class RegionListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "reference.view"
    pagination_class = None
    filter_backends: list[type] = []  # the four regions, always all of them, by code
    queryset = Region.objects.order_by("code")

    class RegionOutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Region
            fields = ["code", "short_code", "name", "authority_name"]

    serializer_class = RegionOutputSerializer


class CityListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "reference.view"
    queryset = City.objects.select_related("region").order_by("code")
    filterset_fields = ["in_common_area", "region__short_code"]
    ordering_fields = ["code", "name"]

    class CityOutputSerializer(serializers.ModelSerializer):
        region_code = serializers.CharField(source="region.short_code")

        class Meta:
            model = City
            fields = ["code", "name", "region_code", "in_common_area"]

    serializer_class = CityOutputSerializer
