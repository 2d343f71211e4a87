"""Reads of two-tier and bulk review: the city reviewer's queues, recommendations, jobs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import User
from vouchers.models import Application, BulkReview, BulkReviewItem, Recommendation, Redemption
from vouchers.visibility import applications_visible_to, redemptions_visible_to, scoped


def city_application_queue(*, actor: User) -> QuerySet[Application]:
    """Applications of the city reviewer's city awaiting review under a two-tier program,
    with whether it has recommended already (`recommended`), oldest first."""
    return (
        applications_visible_to(actor=actor, action="application.recommend")
        .filter(state=Application.State.SUBMITTED, program__application_city_review=True)
        .annotate(recommended=Exists(
            Recommendation.objects.current().filter(application=OuterRef("pk"))))
        .select_related("program", "enterprise__city")
        .order_by("submitted_at", "pk")
    )


def city_redemption_queue(*, actor: User) -> QuerySet[Redemption]:
    """Redemptions of the city's enterprises awaiting review under a two-tier program."""
    return (
        redemptions_visible_to(actor=actor, action="redemption.recommend")
        .filter(state=Redemption.State.REQUESTED, program__redemption_city_review=True)
        .annotate(recommended=Exists(Recommendation.objects.filter(redemption=OuterRef("pk"))))
        .select_related("program", "order__enterprise", "order__institution__region")
        .order_by("requested_at", "pk")
    )


def recommendation_for(record: Application | Redemption) -> Recommendation | None:
    return record.recommendations.current().select_related("city", "recommended_by").first()


def recommendations_by_record(field: str, ids: list[int]) -> dict[int, Recommendation]:
    """The recommendations of a page of a queue, by application or redemption id (one
    query); `field` is "application" or "redemption"."""
    rows = (Recommendation.objects.current().filter(**{f"{field}_id__in": ids})
            .select_related("city"))
    return {getattr(row, f"{field}_id"): row for row in rows}


def bulk_reviews_visible_to(*, actor: User) -> QuerySet[BulkReview]:
    """Bulk reviews of the actor's region, for its reviewers."""
    return scoped(BulkReview.objects.all(), actor=actor, action="application.review",
                  issuer="region_id").select_related("requested_by")


@dataclass(frozen=True)
class Progress:
    done: int
    skipped: int
    pending: int
    percent: int
    finished: bool


def bulk_review_progress(job: BulkReview) -> Progress:
    """Items by outcome (one query) and the share processed."""
    counts = job.items.order_by().aggregate(
        done=Count("pk", filter=Q(outcome=BulkReviewItem.Outcome.DONE)),
        skipped=Count("pk", filter=Q(outcome=BulkReviewItem.Outcome.SKIPPED)),
    )
    processed = counts["done"] + counts["skipped"]
    total = job.total_count or 1
    return Progress(done=counts["done"], skipped=counts["skipped"],
                    pending=job.total_count - processed,
                    percent=min(100, 100 * processed // total),
                    finished=job.status in (BulkReview.Status.SUCCEEDED,
                                            BulkReview.Status.FAILED))
