"""Reads of service ratings: who sees which, an institution's average, the authorities' table.

An average is shown publicly only from MIN_RATINGS_SHOWN ratings, so that one enterprise
cannot make or break an institution's public figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Avg, Count, QuerySet

from accounts.models import User
from vouchers.models import Delivery, ServiceOrder, ServiceRating
from vouchers.visibility import scoped

MIN_RATINGS_SHOWN = 3
LOW_SCORE_CENTI = 250  # a mean of 2.5 or less out of 5 is a review warning
WARNING_WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None  # None below MIN_RATINGS_SHOWN

    @property
    def shown(self) -> bool:
        return self.average is not None


def ratings_visible_to(*, actor: User) -> QuerySet[ServiceRating]:
    """The enterprise's own ratings, the institution's, its region's for an authority, all
    for the operator; newest first."""
    return scoped(
        ServiceRating.objects.select_related("institution", "enterprise", "category",
                                             "delivery__order"),
        actor=actor, action="rating.view", own=("enterprise_id", "institution_id"),
        server="institution__region_id",
    ).order_by("-rated_at", "-pk")


def rating_summaries(*, institution_ids: list[int]) -> dict[int, RatingSummary]:
    """Count and (from MIN_RATINGS_SHOWN) average score of each institution, in one query."""
    rows = (ServiceRating.objects.filter(institution_id__in=institution_ids)
            .values("institution_id").annotate(count=Count("pk"), mean=Avg("score_centi")))
    found = {row["institution_id"]: row for row in rows}
    summaries = {}
    for institution_id in institution_ids:
        row = found.get(institution_id)
        count = row["count"] if row else 0
        average = (round(row["mean"] / 100, 2)
                   if row and count >= MIN_RATINGS_SHOWN else None)
        summaries[institution_id] = RatingSummary(count=count, average=average)
    return summaries


def ratings_by_institution_and_category(*, actor: User) -> list[dict[str, object]]:
    """The authorities' table: per institution and category, count and mean of each
    criterion, lowest overall first."""
    rows = (ratings_visible_to(actor=actor).order_by()
            .values("institution_id", "institution__name", "category__code", "category__name")
            .annotate(count=Count("pk"), mean_centi=Avg("score_centi"),
                      quality=Avg("quality"), timeliness=Avg("timeliness"), price=Avg("price"),
                      communication=Avg("communication"))
            .order_by("mean_centi", "institution__name"))
    return [{**row, "score": row["mean_centi"] / 100} for row in rows]


def deliveries_awaiting_rating(*, enterprise_id: int) -> QuerySet[Delivery]:
    """Confirmed deliveries of the enterprise's orders it has not rated yet."""
    return Delivery.objects.filter(
        order__enterprise_id=enterprise_id, state=Delivery.State.CONFIRMED,
        rating__isnull=True,
    ).select_related("order__institution").order_by("-answered_at")


def order_rating(*, order: ServiceOrder) -> ServiceRating | None:
    return ServiceRating.objects.filter(delivery__order=order).first()
