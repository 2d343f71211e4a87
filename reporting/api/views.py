"""Reports API: request a report, poll its progress, download its files."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.models import Region
from reporting import selectors
from reporting.exporters import CONTENT_TYPES
from reporting.models import ReportRun
from reporting.services import access, files, runs


class ReportRunOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    region = serializers.CharField(source="region.short_code", allow_null=True, default=None)
    parameters = serializers.JSONField()
    status = serializers.CharField()
    progress_percent = serializers.IntegerField()
    error = serializers.CharField(source="error_display")
    result = serializers.JSONField()
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    files = serializers.SerializerMethodField()

    def get_files(self, run) -> list[str]:
        return sorted(report_file.format for report_file in run.files.all())


class ReportRunListApi(generics.ListAPIView):
    # GET lists the runs the actor may see, newest first, in the paginated envelope of every
    # list (before, a bare array of the latest 100); POST requests a run.
    permission_classes = [ActionPermission]
    access_action = {"GET": "report.view", "POST": "report.request"}
    serializer_class = ReportRunOutputSerializer
    filter_backends = ()  # no filters or ordering on this list (as before)

    def get_queryset(self):
        return selectors.runs_for(actor=self.request.user)

    class ReportRequestInputSerializer(InputSerializer):
        kind = serializers.ChoiceField(choices=ReportRun.Kind.choices)
        region = serializers.SlugRelatedField(
            slug_field="short_code", queryset=Region.objects.all(), required=False,
            allow_null=True,
        )
        year = serializers.IntegerField(required=False)
        date_from = serializers.DateField(required=False)
        date_to = serializers.DateField(required=False)
        due_days = serializers.IntegerField(required=False, min_value=1, max_value=365)

    @extend_schema(operation_id="reports_list")
    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    @extend_schema(request=ReportRequestInputSerializer,
                   responses={202: ReportRunOutputSerializer}, operation_id="reports_request")
    @idempotent
    def post(self, request):
        serializer = self.ReportRequestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        kind, region = data.pop("kind"), data.pop("region", None)
        parameters = {key: value.isoformat() if hasattr(value, "isoformat") else value
                      for key, value in data.items()}
        run = runs.report_request(actor=request.user, kind=kind, region=region,
                                  parameters=parameters, now=timezone.now())
        return Response(ReportRunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


def _visible(request, pk: int, action: str) -> ReportRun:
    run = get_object_or_404(
        ReportRun.objects.select_related("region").prefetch_related("files"), pk=pk
    )
    access.require_run_visible(request.user, run, action, now=timezone.now())
    return run


class ReportRunDetailApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "report.view"

    @extend_schema(responses=ReportRunOutputSerializer, operation_id="reports_retrieve")
    def get(self, request, pk: int):
        return Response(ReportRunOutputSerializer(_visible(request, pk, "report.view")).data)


class ReportRunDownloadApi(APIView):
    permission_classes = [ActionPermission]
    access_action = "report.download"

    @extend_schema(responses={200: OpenApiResponse(description="CSV, XLSX or PDF file")},
                   parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH,
                                                enum=sorted(CONTENT_TYPES))],
                   operation_id="reports_download")
    def get(self, request, pk: int, fmt: str):
        run = _visible(request, pk, "report.download")
        report_file = files.report_download(actor=request.user, run=run, fmt=fmt,
                                           now=timezone.now())
        return FileResponse(report_file.file.open("rb"), as_attachment=True,
                            filename=f"{run.kind}-{run.pk}.{fmt}",
                            content_type=CONTENT_TYPES[fmt])
