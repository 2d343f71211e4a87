"""Two-tier review and bulk review over the API (vouchers.services.recommendations,
bulk_reviews, program_changes.program_review_tiers_change)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.idempotency import idempotent
from accounts.api.parsers import JSONParser
from accounts.api.permissions import ActionPermission
from accounts.api.serializers import InputSerializer
from accounts.errors import NotFound
from vouchers.api import selectors
from vouchers.api.common import decide, fen_field, now, responses, visible_or_404
from vouchers.api.programs import ProgramOutputSerializer
from vouchers.models import BulkReview, BulkReviewItem, Recommendation
from vouchers.review_selectors import bulk_review_progress, bulk_reviews_visible_to
from vouchers.services import bulk_reviews, program_changes, recommendations


class RecommendationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application_id = serializers.IntegerField(allow_null=True)
    redemption_id = serializers.IntegerField(allow_null=True)
    city_code = serializers.CharField(source="city.code")
    decision = serializers.ChoiceField(choices=Recommendation.Decision.choices)
    amount_fen = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    recommended_by = serializers.CharField(source="recommended_by.username")
    recommended_at = serializers.DateTimeField()


class RecommendInputSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=Recommendation.Decision.choices)
    amount_fen = fen_field(required=False, help_text="approve: default the requested amount")
    reason = serializers.CharField(max_length=2000, required=False, default="",
                                   help_text="required to return")


def _recommendation_of(record) -> Recommendation:
    recommendation = (record.recommendations.current()
                      .select_related("city", "recommended_by").first())
    if recommendation is None:
        raise NotFound("该事项尚无市级初审意见", code="not_found")
    return recommendation


class ApplicationRecommendApi(APIView):
    """The city reviewer's recommendation on an application of its city (two-tier programs)."""

    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    access_action = "application.recommend"

    @extend_schema(request=RecommendInputSerializer,
                   responses=responses({201: RecommendationOutputSerializer},
                                       400, 403, 404, 409, 422))
    @idempotent
    def post(self, request, application_id: int):
        recommendation = decide(
            request, records=selectors.applications_visible(actor=request.user),
            pk=application_id, service=recommendations.application_recommend,
            record_name="application", body=RecommendInputSerializer)
        return Response(RecommendationOutputSerializer(recommendation).data,
                        status=status.HTTP_201_CREATED)


class ApplicationRecommendationApi(APIView):
    """The city's recommendation on an application, for whoever sees the application."""

    permission_classes = [ActionPermission]
    access_action = "application.view"

    @extend_schema(responses=responses({200: RecommendationOutputSerializer}, 404))
    def get(self, request, application_id: int):
        application = visible_or_404(selectors.applications_visible(actor=request.user),
                                     application_id)
        return Response(RecommendationOutputSerializer(_recommendation_of(application)).data)


class RedemptionRecommendApi(APIView):
    """The city reviewer's recommendation on a redemption of its city (two-tier programs)."""

    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    access_action = "redemption.recommend"

    @extend_schema(request=RecommendInputSerializer,
                   responses=responses({201: RecommendationOutputSerializer},
                                       400, 403, 404, 409, 422))
    @idempotent
    def post(self, request, redemption_id: int):
        recommendation = decide(
            request, records=selectors.redemptions_visible(actor=request.user),
            pk=redemption_id, service=recommendations.redemption_recommend,
            record_name="redemption", body=RecommendInputSerializer)
        return Response(RecommendationOutputSerializer(recommendation).data,
                        status=status.HTTP_201_CREATED)


class RedemptionRecommendationApi(APIView):
    """The city's recommendation on a redemption, for whoever sees the redemption."""

    permission_classes = [ActionPermission]
    access_action = "redemption.view"

    @extend_schema(responses=responses({200: RecommendationOutputSerializer}, 404))
    def get(self, request, redemption_id: int):
        redemption = visible_or_404(selectors.redemptions_visible(actor=request.user),
                                    redemption_id)
        return Response(RecommendationOutputSerializer(_recommendation_of(redemption)).data)


class ProgramReviewTiersApi(APIView):
    """Require (or not) a city's first review of the program's applications and, separately,
    of its redemptions."""

    permission_classes = [ActionPermission]
    access_action = "program.manage"

    class ProgramReviewTiersInputSerializer(InputSerializer):
        application_city_review = serializers.BooleanField()
        redemption_city_review = serializers.BooleanField()
        reason = serializers.CharField(max_length=2000)

    @extend_schema(request=ProgramReviewTiersInputSerializer,
                   responses=responses({200: ProgramOutputSerializer}, 400, 403, 404, 422))
    @idempotent
    def post(self, request, program_id: int):
        program = visible_or_404(selectors.programs_visible(actor=request.user), program_id)
        data = self.ProgramReviewTiersInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        program_changes.program_review_tiers_change(
            actor=request.user, program=program, now=now(), **data.validated_data)
        program = selectors.programs_visible(actor=request.user).get(pk=program.pk)
        return Response(ProgramOutputSerializer(program).data)


class BulkReviewOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=BulkReview.Kind.choices)
    decision = serializers.ChoiceField(choices=BulkReview.Decision.choices)
    reason = serializers.CharField()
    status = serializers.ChoiceField(choices=BulkReview.Status.choices)
    total = serializers.IntegerField(source="total_count")
    done = serializers.IntegerField(source="progress.done")
    skipped = serializers.IntegerField(source="progress.skipped")
    pending = serializers.IntegerField(source="progress.pending")
    progress_percent = serializers.IntegerField(source="progress.percent")
    attempts = serializers.IntegerField()
    error = serializers.CharField(source="error_display")
    requested_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class BulkReviewItemOutputSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    application_id = serializers.IntegerField(allow_null=True)
    redemption_id = serializers.IntegerField(allow_null=True)
    outcome = serializers.ChoiceField(choices=BulkReviewItem.Outcome.choices)
    code = serializers.CharField()
    message = serializers.CharField(source="message_display")
    processed_at = serializers.DateTimeField(allow_null=True)


def _with_progress(job: BulkReview) -> BulkReview:
    job.progress = bulk_review_progress(job)  # type: ignore[attr-defined]
    return job


class BulkReviewStartApi(APIView):
    """Approve at the requested amounts, or reject with one reason, the records chosen from
    the reviewer's queue (`record_ids`, or all of the queue, of `program_id` if given): a
    background job; read its progress at bulk-reviews/{id}/."""

    permission_classes = [ActionPermission]
    parser_classes = [JSONParser]
    access_action = "home.view"  # the kind's review action is checked by the service

    class BulkReviewStartInputSerializer(InputSerializer):
        kind = serializers.ChoiceField(choices=BulkReview.Kind.choices)
        decision = serializers.ChoiceField(choices=BulkReview.Decision.choices)
        reason = serializers.CharField(max_length=2000, required=False, default="")
        record_ids = serializers.ListField(
            child=serializers.IntegerField(min_value=1), required=False, allow_empty=False,
            max_length=bulk_reviews.MAX_ITEMS)
        program_id = serializers.IntegerField(min_value=1, required=False)

    @extend_schema(request=BulkReviewStartInputSerializer,
                   responses=responses({202: BulkReviewOutputSerializer}, 400, 403, 422))
    @idempotent
    def post(self, request):
        data = self.BulkReviewStartInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = bulk_reviews.bulk_review_start(actor=request.user, now=now(),
                                             **data.validated_data)
        return Response(BulkReviewOutputSerializer(_with_progress(job)).data,
                        status=status.HTTP_202_ACCEPTED)


class BulkReviewDetailApi(APIView):
    """A bulk review's status and progress (items done, skipped, pending)."""

    permission_classes = [ActionPermission]
    access_action = "home.view"  # narrowed to the region's reviewers by the selector

    @extend_schema(responses=responses({200: BulkReviewOutputSerializer}, 404))
    def get(self, request, job_id: int):
        job = visible_or_404(bulk_reviews_visible_to(actor=request.user), job_id)
        return Response(BulkReviewOutputSerializer(_with_progress(job)).data)


class BulkReviewItemListApi(generics.ListAPIView):
    """A bulk review's items in order, with each skipped item's reason (?outcome=skipped)."""

    permission_classes = [ActionPermission]
    access_action = "home.view"
    serializer_class = BulkReviewItemOutputSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return BulkReviewItem.objects.none()
        job = visible_or_404(bulk_reviews_visible_to(actor=self.request.user),
                             self.kwargs["job_id"])
        items = job.items.order_by("position")
        outcome = self.request.query_params.get("outcome")
        if outcome in BulkReviewItem.Outcome.values:
            items = items.filter(outcome=outcome)
        return items
