"""Applications (申领): enterprises submit; the issuing region's reviewer approves or rejects."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.parsers import JSONParser, MultiPartParser
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.uploads import MAX_UPLOAD_BYTES, Upload
from vouchers.api import selectors
from vouchers.api.common import decide, fen_field, now, responses, visible_or_404
from vouchers.api.filters import ApplicationFilter
from vouchers.models import Application, ServiceCategory
from vouchers.services import application_returns
from vouchers.services import applications as services


class DocumentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    material_key = serializers.CharField()
    material_name = serializers.CharField()
    version = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size_bytes = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class SubmissionOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    amount_fen = serializers.IntegerField()
    purpose = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    returned_at = serializers.DateTimeField(allow_null=True)
    return_reason = serializers.CharField()
    documents = DocumentOutputSerializer(many=True)


class ApplicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    program_id = serializers.IntegerField()
    program_name = serializers.CharField(source="program.name")
    region_code = serializers.CharField(source="program.region.short_code")
    enterprise_id = serializers.IntegerField()
    enterprise_name = serializers.CharField(source="enterprise.name")
    amount_fen = serializers.IntegerField()
    approved_fen = serializers.IntegerField(allow_null=True)
    purpose = serializers.CharField()
    planned_categories = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=Application.State.choices)
    reason = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)
    voucher_id = serializers.IntegerField(source="issued_voucher_id", allow_null=True)
    submissions = SubmissionOutputSerializer(many=True, help_text="oldest first; each document "
                                             "version with the submission that sent it")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_planned_categories(self, application) -> list[str]:
        return [category.code for category in application.planned_categories.all()]


def _reload(request, application_id: int) -> Application:
    return selectors.applications_visible(actor=request.user).get(pk=application_id)


class ApplicationListApi(generics.ListAPIView):
    permission_classes = [ActionPermission]
    access_action = "application.view"
    serializer_class = ApplicationOutputSerializer
    filterset_class = ApplicationFilter
    ordering_fields = ["submitted_at", "amount_fen", "id"]

    def get_queryset(self):
        return selectors.applications_visible(actor=self.request.user)


class ApplicationDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "application.view"

    @extend_schema(responses=responses({200: ApplicationOutputSerializer}, 404))
    def get(self, request, application_id: int):
        queryset = selectors.applications_visible(actor=request.user)
        return Response(ApplicationOutputSerializer(visible_or_404(queryset, application_id)).data)


def _fields(request):
    # A multipart body's files are the documents (_documents); the serializer reads the rest.
    return request.POST if request.content_type.startswith("multipart/") else request.data


def _documents(request) -> dict[str, Upload]:
    # One byte over the limit is enough for the upload check to refuse an oversized file.
    return {name.removeprefix("document_"): Upload(
                name=upload.name or "", content=upload.read(MAX_UPLOAD_BYTES + 1))
            for name, upload in request.FILES.items() if name.startswith("document_")}


class ApplicationSubmitApi(APIView):
    """JSON without files, or multipart/form-data with one file per material of the program's
    list (application_materials) in the field document_<key>: PDF, PNG or JPEG as the material
    accepts, at most 10 MB. A required material without a file is refused with 422
    materials_missing naming it."""

    permission_classes = [ActionPermission]
    access_action = "application.submit"
    parser_classes = [JSONParser, MultiPartParser]

    class ApplicationSubmitInputSerializer(InputSerializer):
        program_id = serializers.IntegerField(min_value=1)
        amount_fen = fen_field()
        purpose = serializers.CharField(max_length=2000)
        planned_categories = serializers.SlugRelatedField(
            slug_field="code", queryset=ServiceCategory.objects.all(), many=True,
            allow_empty=False,
        )

    @extend_schema(
        request={"application/json": ApplicationSubmitInputSerializer,
                 "multipart/form-data": ApplicationSubmitInputSerializer},
        responses=responses({201: ApplicationOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request):
        data = self.ApplicationSubmitInputSerializer(data=_fields(request))
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        program = visible_or_404(
            selectors.programs_visible(actor=request.user), fields.pop("program_id")
        )
        application = services.application_submit(
            actor=request.user, program=program, now=now(), documents=_documents(request),
            **fields,
        )
        return Response(
            ApplicationOutputSerializer(_reload(request, application.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class ApplicationApproveApi(APIView):
    permission_classes = [ActionPermission]
    # A decision's optional fields come as JSON only: a malformed multipart body must not read
    # as "no fields" and approve with the defaults.
    parser_classes = [JSONParser]
    access_action = "application.review"

    class ApplicationApproveInputSerializer(InputSerializer):
        amount_fen = fen_field(required=False, help_text="less than requested; default all")
        reason = serializers.CharField(max_length=2000, required=False, default="")

    @extend_schema(
        request=ApplicationApproveInputSerializer,
        responses=responses({200: ApplicationOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, application_id: int):
        decide(request, records=selectors.applications_visible(actor=request.user),
               pk=application_id, service=services.application_approve,
               record_name="application", body=self.ApplicationApproveInputSerializer)
        return Response(ApplicationOutputSerializer(_reload(request, application_id)).data)


class ApplicationRejectApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "application.review"

    class ApplicationRejectInputSerializer(InputSerializer):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=ApplicationRejectInputSerializer,
        responses=responses({200: ApplicationOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, application_id: int):
        decide(request, records=selectors.applications_visible(actor=request.user),
               pk=application_id, service=services.application_reject,
               record_name="application", body=self.ApplicationRejectInputSerializer)
        return Response(ApplicationOutputSerializer(_reload(request, application_id)).data)


class ApplicationReturnApi(APIView):
    """The reviewer returns a submitted application to the enterprise for correction."""

    permission_classes = [ActionPermission]
    access_action = "application.review"

    class ApplicationReturnInputSerializer(InputSerializer):
        reason = serializers.CharField(max_length=2000)

    @extend_schema(
        request=ApplicationReturnInputSerializer,
        responses=responses({200: ApplicationOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, application_id: int):
        decide(request, records=selectors.applications_visible(actor=request.user),
               pk=application_id, service=application_returns.application_return,
               record_name="application", body=self.ApplicationReturnInputSerializer)
        return Response(ApplicationOutputSerializer(_reload(request, application_id)).data)


class ApplicationResubmitApi(APIView):
    """The enterprise resubmits its returned application, corrected. Files in document_<key>
    are stored as new versions of those materials; the others keep their latest version."""

    permission_classes = [ActionPermission]
    access_action = "application.submit"
    parser_classes = [JSONParser, MultiPartParser]

    class ApplicationResubmitInputSerializer(InputSerializer):
        amount_fen = fen_field()
        purpose = serializers.CharField(max_length=2000)
        planned_categories = serializers.SlugRelatedField(
            slug_field="code", queryset=ServiceCategory.objects.all(), many=True,
            allow_empty=False,
        )

    @extend_schema(
        request={"application/json": ApplicationResubmitInputSerializer,
                 "multipart/form-data": ApplicationResubmitInputSerializer},
        responses=responses({200: ApplicationOutputSerializer}, 400, 403, 404, 409, 422),
    )
    @idempotent
    def post(self, request, application_id: int):
        queryset = selectors.applications_visible(actor=request.user)
        application = visible_or_404(queryset, application_id)
        data = self.ApplicationResubmitInputSerializer(data=_fields(request))
        data.is_valid(raise_exception=True)
        application_returns.application_resubmit(
            actor=request.user, application=application, now=now(),
            documents=_documents(request), **data.validated_data,
        )
        return Response(ApplicationOutputSerializer(_reload(request, application.pk)).data)
