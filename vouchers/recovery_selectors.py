"""Reads of claw-backs and their repayments, for the pages, the API and the reports."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from accounts.models import Region, User
from vouchers.ageing import age_in_days, ageing_rows
from vouchers.models import ClawBack, ClawBackRepayment
from vouchers.program_dates import day_end
from vouchers.visibility import claw_backs_visible_to

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Owed(TypedDict):
    """What `outstanding_claw_backs` annotates: repaid by the day, and still owed then."""

    repaid_by: int
    owed_fen: int


def claw_backs_visible(*, actor: User) -> QuerySet[ClawBack]:
    """The claw-backs `actor` may see, oldest due first, with what the rows show."""
    return (
        claw_backs_visible_to(actor=actor)
        .select_related("redemption__payee", "redemption__program__region", "created_by")
        .annotate(outstanding=F("amount_fen") - F("repaid_fen"))
        .order_by("due_on", "pk")
    )


def claw_back_repayments(*, claw_back: ClawBack) -> QuerySet[ClawBackRepayment]:
    return claw_back.repayments.select_related("recorded_by").order_by("received_on", "pk")


def outstanding_claw_backs(
    *, region: Region, on: date
) -> QuerySet[WithAnnotations[ClawBack, Owed]]:
    """The region's claw-backs booked by the end of `on` (Beijing) and not fully repaid by
    then (repayments received on or before `on`), each with `owed_fen` as of that day."""
    return (
        ClawBack.objects.filter(redemption__program__region=region, created_at__lte=day_end(on))
        .annotate(repaid_by=Coalesce(Sum("repayments__amount_fen",
                                         filter=Q(repayments__received_on__lte=on)), 0))
        .annotate(owed_fen=F("amount_fen") - F("repaid_by"))
        .filter(owed_fen__gt=0)
        .select_related("redemption__payee")
        .order_by("created_at", "pk")
    )


def claw_back_ageing(*, region: Region, on: date) -> list[dict[str, Any]]:
    """Outstanding claw-backs of `region` on the day `on`, by days since booked."""
    return ageing_rows([
        (age_in_days(claw_back.created_at, on=on), claw_back.owed_fen)
        for claw_back in outstanding_claw_backs(region=region, on=on)
    ])
