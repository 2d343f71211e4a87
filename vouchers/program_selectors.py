"""Reads behind a program change: what it would do to the vouchers and orders already issued.

The change pages show these figures before the reviewer confirms; the services return the
same figures in their audit line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from accounts.models import City
from vouchers.models import (
    Application,
    Program,
    Recommendation,
    Redemption,
    ServiceOrder,
    Voucher,
)

OPEN_ORDER_STATES = (ServiceOrder.State.PLACED, ServiceOrder.State.DELIVERED)


# One row of program_open_orders_by_city: the names are the queryset's values() keys.
class OpenOrdersInCity(TypedDict):
    institution__city__code: str
    institution__city__name: str
    institution__city__name_en: str
    orders: int


@dataclass(frozen=True)
class DeadlineConsequences:
    active_vouchers: int  # their use-by moves with the program's if the reviewer so chooses
    active_vouchers_other_use_by: int  # active vouchers whose use-by differs from the new one
    latest_voucher_use_by_at: datetime | None
    open_orders: int  # placed or delivered, not yet redeemed: they lapse at the deadline


def program_deadline_consequences(*, program: Program, use_by_at: datetime) -> DeadlineConsequences:
    """Active vouchers and open orders of `program`, as a use-by change would meet them."""
    vouchers = program_active_vouchers(program=program).aggregate(
        count=Count("pk"), other=Count("pk", filter=~Q(expires_at=use_by_at)),
        latest=Max("expires_at"),
    )
    return DeadlineConsequences(
        active_vouchers=vouchers["count"],
        active_vouchers_other_use_by=vouchers["other"],
        latest_voucher_use_by_at=vouchers["latest"],
        open_orders=program_open_orders(program=program).count(),
    )


def program_active_vouchers(*, program: Program) -> QuerySet[Voucher]:
    return Voucher.objects.filter(program=program, state=Voucher.State.ACTIVE).order_by("pk")


def program_open_orders(*, program: Program) -> QuerySet[ServiceOrder]:
    return ServiceOrder.objects.filter(voucher__program=program, state__in=OPEN_ORDER_STATES)


def program_open_orders_in_cities(*, program: Program, city_ids: set[int]) -> int:
    """Open orders with an institution in one of `city_ids` (those a serving change removes)."""
    return program_open_orders(program=program).filter(institution__city_id__in=city_ids).count()


def program_open_orders_by_city(*, program: Program) -> list[OpenOrdersInCity]:
    """Open orders of the program per institution city: what a serving change would leave."""
    return list(
        program_open_orders(program=program)
        .values("institution__city__code", "institution__city__name",
                "institution__city__name_en")
        .annotate(orders=Count("pk"))
        .order_by("institution__city__code")
    )


def programs_serving_whole_common_area(*, city: City, year: int) -> QuerySet[Program]:
    """Programs of `year` that serve every other city of the common-use area but not `city`:
    those set up to follow the common area, to which a newly admitted city may be added."""
    others = City.objects.filter(in_common_area=True).exclude(pk=city.pk)
    return (
        Program.objects.filter(year=year)
        .exclude(serving_cities=city)
        .annotate(served=Count("serving_cities", filter=Q(serving_cities__in=others)))
        .filter(served=others.count())
        .select_related("region")
        .order_by("region__code", "pk")
    )


@dataclass(frozen=True)
class AwaitingWithoutRecommendation:
    applications: int
    redemptions: int


def program_awaiting_without_recommendation(*, program: Program) -> AwaitingWithoutRecommendation:
    """Records of the program awaiting the region's review that have no city recommendation
    (two queries)."""
    return AwaitingWithoutRecommendation(
        applications=Application.objects.filter(
            program=program, state=Application.State.SUBMITTED,
        ).exclude(Exists(
            Recommendation.objects.current().filter(application=OuterRef("pk")))).count(),
        redemptions=Redemption.objects.filter(
            program=program, state=Redemption.State.REQUESTED, recommendations__isnull=True,
        ).count(),
    )
