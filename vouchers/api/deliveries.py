"""Deliveries and evidence: the institution logs and uploads, the enterprise confirms or
disputes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.parsers import MultiPartParser
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from vouchers.api import selectors
from vouchers.api.common import (
    INVOICE_CODE_HELP,
    INVOICE_NUMBER_HELP,
    now,
    responses,
    visible_or_404,
)
from vouchers.api.filters import DeliveryFilter
from vouchers.invoices import InvoiceKind
from vouchers.models import Delivery, EvidenceFile, EvidenceKind
from vouchers.services import deliveries as services
from vouchers.services.deliveries import MAX_EVIDENCE_BYTES


class DeliveryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    delivered_on = serializers.DateField()
    description = serializers.CharField()
    invoice_kind = serializers.ChoiceField(choices=InvoiceKind.choices)
    invoice_code = serializers.CharField(help_text=INVOICE_CODE_HELP)
    invoice_number = serializers.CharField(help_text=INVOICE_NUMBER_HELP)
    report_number = serializers.CharField()
    state = serializers.ChoiceField(choices=Delivery.State.choices)
    dispute_reason = serializers.CharField()
    logged_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


def _reload(request, delivery_id: int) -> Delivery:
    return selectors.deliveries_visible(actor=request.user).get(pk=delivery_id)


class DeliveryListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "delivery.view"
    serializer_class = DeliveryOutputSerializer
    filterset_class = DeliveryFilter
    ordering_fields = ["logged_at", "delivered_on", "id"]

    def get_queryset(self):
        return selectors.deliveries_visible(actor=self.request.user)


class DeliveryDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "delivery.view"

    @extend_schema(responses=responses({200: DeliveryOutputSerializer}, 404))
    def get(self, request, delivery_id: int):
        delivery = visible_or_404(selectors.deliveries_visible(actor=request.user), delivery_id)
        return Response(DeliveryOutputSerializer(delivery).data)


class DeliveryLogApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "delivery.log"

    class DeliveryLogInputSerializer(InputSerializer):
        order_id = serializers.IntegerField(min_value=1)
        delivered_on = serializers.DateField()
        description = serializers.CharField(max_length=2000)
        # Shapes are checked by delivery_log (422 with codes invoice_*), as on the web form.
        invoice_code = serializers.CharField(
            max_length=40, required=False, allow_blank=True, default="",
            help_text=INVOICE_CODE_HELP,
        )
        invoice_number = serializers.CharField(max_length=80, help_text=INVOICE_NUMBER_HELP)
        report_number = serializers.CharField(max_length=64)

    @extend_schema(
        request=DeliveryLogInputSerializer,
        responses=responses({201: DeliveryOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request):
        data = self.DeliveryLogInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        order = visible_or_404(selectors.orders_visible(actor=request.user), fields.pop("order_id"))
        delivery = services.delivery_log(actor=request.user, order=order, now=now(), **fields)
        return Response(
            DeliveryOutputSerializer(_reload(request, delivery.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class DeliveryConfirmApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "delivery.confirm"

    @extend_schema(
        request=None, responses=responses({200: DeliveryOutputSerializer}, 403, 404, 409)
    )
    @idempotent
    def post(self, request, delivery_id: int):
        delivery = visible_or_404(selectors.deliveries_visible(actor=request.user), delivery_id)
        services.delivery_confirm(actor=request.user, delivery=delivery, now=now())
        return Response(DeliveryOutputSerializer(_reload(request, delivery.pk)).data)


class DeliveryDisputeApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "delivery.dispute"

    class DeliveryDisputeInputSerializer(InputSerializer):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=DeliveryDisputeInputSerializer,
        responses=responses({200: DeliveryOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, delivery_id: int):
        delivery = visible_or_404(selectors.deliveries_visible(actor=request.user), delivery_id)
        data = self.DeliveryDisputeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.delivery_dispute(
            actor=request.user, delivery=delivery, now=now(), **data.validated_data
        )
        return Response(DeliveryOutputSerializer(_reload(request, delivery.pk)).data)


EVIDENCE_KINDS = (
    "one of: " + ", ".join(EvidenceKind.values) + ". payment_proof is the proof of the "
    "enterprise's own share under 通兑 (payee = institution) and of its payment of the whole "
    "fee under 通用 (payee = enterprise)"
)


class EvidenceOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, help_text=EVIDENCE_KINDS)
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class EvidenceListApi(generics.ListAPIView):
    """The evidence files of one order (metadata; the files are downloaded on the web pages)."""

    permission_classes = [ActionPermission]
    access_action = "evidence.view"
    serializer_class = EvidenceOutputSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["uploaded_at", "kind", "id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request
            return EvidenceFile.objects.none()
        orders = selectors.orders_visible(actor=self.request.user)
        order = visible_or_404(orders, self.kwargs["order_id"])
        return selectors.evidence_visible(actor=self.request.user).filter(order=order)


class EvidenceUploadApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "evidence.upload"
    parser_classes = [MultiPartParser]

    class EvidenceUploadInputSerializer(InputSerializer):
        kind = serializers.ChoiceField(choices=EvidenceKind.choices, help_text=EVIDENCE_KINDS)
        file = serializers.FileField(help_text="PDF, PNG or JPEG, at most 10 MB")

    @extend_schema(
        request={"multipart/form-data": EvidenceUploadInputSerializer},
        responses=responses({201: EvidenceOutputSerializer}, 400, 403, 404, 422),
    )
    @idempotent
    def post(self, request, order_id: int):
        order = visible_or_404(selectors.orders_visible(actor=request.user), order_id)
        data = self.EvidenceUploadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        # One byte over the limit is enough for the service to refuse an oversized file.
        content = upload.read(MAX_EVIDENCE_BYTES + 1)
        evidence = services.evidence_attach(
            actor=request.user, order=order, kind=data.validated_data["kind"],
            name=upload.name or "", content=content, now=now(),
        )
        return Response(EvidenceOutputSerializer(evidence).data, status=status.HTTP_201_CREATED)
