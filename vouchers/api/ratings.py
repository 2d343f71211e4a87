"""Service ratings over the API: the enterprise rates a confirmed delivery; each role lists the
ratings it may see (as on the pages)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from vouchers import rating_selectors
from vouchers.api import selectors
from vouchers.api.common import now, responses, visible_or_404
from vouchers.models import ServiceRating
from vouchers.services import ratings


def score_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=5, **kwargs)


class RatingOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    delivery_id = serializers.IntegerField()
    order_id = serializers.IntegerField(source="delivery.order_id")
    institution_id = serializers.IntegerField()
    enterprise_id = serializers.IntegerField()
    category_code = serializers.CharField(source="category.code")
    quality = serializers.IntegerField()
    timeliness = serializers.IntegerField()
    price = serializers.IntegerField()
    communication = serializers.IntegerField()
    score = serializers.FloatField(help_text="the mean of the four, 1.00–5.00")
    comment = serializers.CharField()
    rated_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RatingListApi(generics.ListAPIView):
    """The enterprise's own ratings, the institution's, its region's institutions' for an
    authority, all for the operator."""

    permission_classes = [ActionPermission]
    access_action = "rating.view"
    serializer_class = RatingOutputSerializer
    ordering_fields = ["rated_at", "score_centi", "id"]

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return ServiceRating.objects.none()
        return rating_selectors.ratings_visible_to(actor=self.request.user)


class DeliveryRateApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "delivery.rate"

    class DeliveryRateInputSerializer(InputSerializer):
        quality = score_field()
        timeliness = score_field()
        price = score_field()
        communication = score_field()
        comment = serializers.CharField(max_length=1000, required=False, default="",
                                        allow_blank=True)

    @extend_schema(
        request=DeliveryRateInputSerializer,
        responses=responses({200: RatingOutputSerializer}, 400, 403, 404, 409, 422),
        description="Rate a confirmed delivery of your order (1–5 each), or change the "
        "rating within 30 days of first giving it.",
    )
    @idempotent
    def post(self, request: Any, delivery_id: int) -> Response:
        delivery = visible_or_404(selectors.deliveries_visible(actor=request.user), delivery_id)
        data = self.DeliveryRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = ratings.delivery_rate(actor=request.user, delivery=delivery, now=now(),
                                       **data.validated_data)
        return Response(RatingOutputSerializer(rating).data, status=status.HTTP_200_OK)
