"""The institution's record (信用与绩效): its year's figures, one score out of 100 and a grade.

Recomputed from the facts, never edited: nightly for this year and last (the beat entry
`vouchers-refresh-records`), and after each change that bears on it (an order placed or
cancelled, a delivery logged, confirmed or disputed, a rating, a redemption decided, a spot
check's finding, a claw-back, a blacklisting), by a task sent after that change commits.
The year is the program's. The formula (docs/lifecycle.md, "The institution's record"):

    score = 100
            - 30 x share of undisputed deliveries not logged within ON_TIME_DAYS of the order
            - 20 x share of deliveries disputed
            - 20 x share of decided redemptions rejected or reduced
            - 10 per spot-check finding (at most 30)  - 15 per claw-back (at most 30)
            + 5 x (mean rating - 3), from MIN_RATINGS_SHOWN ratings (so -10 to +10)
            - 40 if blacklisted by any region
    clamped to 0-100 and rounded half up; grade A from 90, B from 75, C from 60, else D;
    a blacklisted institution is D whatever its score.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery import current_app
from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from accounts.models import Organisation
from accounts.transactions import service_transaction
from vouchers.models import (
    Blacklisting,
    ClawBack,
    Delivery,
    InstitutionRecord,
    Redemption,
    ServiceOrder,
    ServiceRating,
    SpotCheckItem,
)
from vouchers.rating_selectors import MIN_RATINGS_SHOWN

ON_TIME_DAYS = 90  # the common service window of a voucher order: three months
REFRESH_TASK = "vouchers.tasks.refresh_institution_record"
DECIDED = (Redemption.State.APPROVED, Redemption.State.PAID, Redemption.State.CLAWED_BACK,
           Redemption.State.REJECTED)
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordFigures:
    orders: int
    deliveries: int
    deliveries_on_time: int
    disputes: int
    redemptions_decided: int
    redemptions_rejected_or_reduced: int
    spot_check_findings: int
    claw_backs: int
    sanctioned: bool
    rating_count: int
    rating_mean_centi: int | None


def record_score(figures: RecordFigures) -> tuple[int, str]:
    """(score 0–100, grade) of a year's figures, by the formula above."""
    score = 100.0
    undisputed = figures.deliveries - figures.disputes
    if undisputed > 0:
        score -= 30 * (1 - figures.deliveries_on_time / undisputed)
    if figures.deliveries:
        score -= 20 * figures.disputes / figures.deliveries
    if figures.redemptions_decided:
        score -= 20 * figures.redemptions_rejected_or_reduced / figures.redemptions_decided
    score -= min(30, 10 * figures.spot_check_findings)
    score -= min(30, 15 * figures.claw_backs)
    if figures.rating_count >= MIN_RATINGS_SHOWN and figures.rating_mean_centi is not None:
        score += 5 * (figures.rating_mean_centi / 100 - 3)
    if figures.sanctioned:
        score -= 40
    rounded = math.floor(max(0.0, min(100.0, score)) + 0.5)  # half up, not to even
    if figures.sanctioned or rounded < 60:
        return rounded, InstitutionRecord.Grade.D
    if rounded < 75:
        return rounded, InstitutionRecord.Grade.C
    return rounded, InstitutionRecord.Grade.B if rounded < 90 else InstitutionRecord.Grade.A


def record_figures(*, institution_id: int, year: int) -> RecordFigures:
    orders = ServiceOrder.objects.filter(institution_id=institution_id,
                                         voucher__program__year=year).exclude(
        state=ServiceOrder.State.CANCELLED)
    deliveries = Delivery.objects.filter(order__in=orders)
    redemptions = Redemption.objects.filter(institution_id=institution_id, program__year=year)
    decided = redemptions.filter(state__in=DECIDED)
    ratings = ServiceRating.objects.filter(
        institution_id=institution_id, delivery__order__voucher__program__year=year
    ).aggregate(count=Count("pk"), mean=Avg("score_centi"))
    year_end = datetime(year + 1, 1, 1, tzinfo=timezone.get_current_timezone())
    return RecordFigures(
        orders=orders.count(),
        deliveries=deliveries.count(),
        deliveries_on_time=deliveries.exclude(state=Delivery.State.DISPUTED).filter(
            logged_at__lte=F("order__placed_at") + timedelta(days=ON_TIME_DAYS)).count(),
        disputes=deliveries.filter(state=Delivery.State.DISPUTED).count(),
        redemptions_decided=decided.count(),
        redemptions_rejected_or_reduced=decided.filter(
            Q(state=Redemption.State.REJECTED) | Q(approved_fen__lt=F("requested_fen"))).count(),
        spot_check_findings=SpotCheckItem.objects.filter(
            redemption__in=redemptions, state=SpotCheckItem.State.FAILED).count(),
        claw_backs=ClawBack.objects.filter(redemption__in=redemptions).count(),
        sanctioned=Blacklisting.objects.filter(organisation_id=institution_id,
                                               created_at__lt=year_end).exists(),
        rating_count=ratings["count"],
        rating_mean_centi=round(ratings["mean"]) if ratings["mean"] is not None else None,
    )


@service_transaction
def institution_record_refresh(*, institution_id: int, year: int,
                               now: datetime) -> InstitutionRecord | None:
    """Recompute one institution's record of a year; None (and no row) without any order
    there, unless it has a row already or is blacklisted."""
    figures = record_figures(institution_id=institution_id, year=year)
    existing = InstitutionRecord.objects.filter(institution_id=institution_id, year=year)
    if not figures.orders and not figures.sanctioned and not existing.exists():
        return None
    score, grade = record_score(figures)
    record, _created = InstitutionRecord.objects.update_or_create(
        institution_id=institution_id, year=year,
        defaults={**figures.__dict__, "score": score, "grade": grade, "computed_at": now},
    )
    return record


def institution_records_refresh(*, year: int, now: datetime) -> int:
    """The nightly run: every institution with an order, a row or a sanction in the year;
    each in its own transaction. The number of rows written."""
    ids = set(ServiceOrder.objects.filter(voucher__program__year=year).values_list(
        "institution_id", flat=True))
    ids |= set(InstitutionRecord.objects.filter(year=year).values_list(
        "institution_id", flat=True))
    ids |= set(Blacklisting.objects.filter(
        organisation__kind=Organisation.Kind.INSTITUTION).values_list("organisation_id",
                                                                      flat=True))
    return sum(
        institution_record_refresh(institution_id=institution_id, year=year, now=now)
        is not None
        for institution_id in sorted(ids)
    )


def record_refresh_after_commit(*, institution_id: int, year: int) -> None:
    """After the change commits, ask a worker to recompute the record; if that cannot be
    sent, the nightly run catches up (nothing may fail the change itself)."""
    def send() -> None:
        try:
            current_app.tasks[REFRESH_TASK].apply_async(
                kwargs={"institution_id": institution_id, "year": year})
        except Exception as error:  # any failure: the nightly run recomputes it
            logger.warning("record of %s/%s not refreshed now: %r", institution_id, year, error)

    transaction.on_commit(send, robust=True)
