"""Reads of report set 5, spot-check results and sanctions (docs/reporting.md, "Spot-check
results and sanctions"). A region's report covers the draws of its region, the cases they
opened, and the claw-backs and blacklistings its authority made; the operator's covers all.

Which year a record belongs to: a draw by its period's last day (`period_end`), a claw-back
and a blacklisting by when they were made (Beijing time).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from accounts.models import Region
from reporting.selectors import year_bounds
from vouchers.models import Blacklisting, ClawBack, OversightCase, SpotCheck, SpotCheckItem

_I = SpotCheckItem.State


def draws(*, year: int, region: Region | None) -> Iterable[Mapping[str, Any]]:
    """The year's draws with their item counts, by region and period."""
    rows = SpotCheck.objects.filter(period_end__year=year)
    if region is not None:
        rows = rows.filter(region=region)
    return rows.values(
        "pk", "region__name", "program__name", "period_start", "period_end", "rate_bp",
        "population_count",
    ).annotate(
        sample=Count("items"),
        passed=Count("items", filter=Q(items__state=_I.PASSED)),
        failed=Count("items", filter=Q(items__state=_I.FAILED)),
        pending=Count("items", filter=Q(items__state=_I.PENDING)),
        without_checker=Count("items", filter=Q(items__state=_I.PENDING,
                                                items__needs_checker=True)),
    ).order_by("region__code", "period_start", "period_end", "pk")


def findings(*, year: int, region: Region | None) -> QuerySet[SpotCheckItem]:
    """The failed items of the year's draws, with their case."""
    rows = SpotCheckItem.objects.filter(state=_I.FAILED, spot_check__period_end__year=year)
    if region is not None:
        rows = rows.filter(spot_check__region=region)
    return rows.select_related(
        "spot_check__region", "redemption__payee", "checked_by", "case"
    ).order_by("spot_check__region__code", "spot_check__period_start", "redemption_id")


def cases(*, year: int, region: Region | None) -> QuerySet[OversightCase]:
    """The cases opened by the year's draws (the follow-ups of its findings)."""
    rows = OversightCase.objects.filter(item__spot_check__period_end__year=year)
    if region is not None:
        rows = rows.filter(region=region)
    return rows.select_related("region", "redemption__payee", "closed_by").order_by(
        "region__code", "opened_at", "pk")


def claw_backs(*, year: int, region: Region | None) -> QuerySet[ClawBack]:
    """Claw-backs made in the year on the region's redemptions."""
    _first, _next, start, end = year_bounds(year)
    rows = ClawBack.objects.filter(created_at__gte=start, created_at__lt=end)
    if region is not None:
        rows = rows.filter(redemption__program__region=region)
    return rows.select_related("redemption__program__region", "redemption__payee").order_by(
        "created_at", "pk")


def blacklistings(*, year: int, region: Region | None) -> QuerySet[Blacklisting]:
    """Blacklistings the region's authority made in the year."""
    _first, _next, start, end = year_bounds(year)
    rows = Blacklisting.objects.filter(created_at__gte=start, created_at__lt=end)
    if region is not None:
        rows = rows.filter(region=region)
    return rows.select_related("region", "organisation").order_by("created_at", "pk")


def spot_check_data_version() -> str:
    """Changes whenever a figure of report set 5 could: a draw, a result, a case opened or
    closed, a claw-back or a blacklisting (none of the last three is only a journal line)."""
    parts: list[Any] = [
        SpotCheck.objects.aggregate(value=Max("pk"))["value"],
        SpotCheckItem.objects.aggregate(value=Max("checked_at"))["value"],
        SpotCheckItem.objects.filter(~Q(state=_I.PENDING)).count(),
        OversightCase.objects.aggregate(value=Max("pk"))["value"],
        OversightCase.objects.filter(state=OversightCase.State.CLOSED).count(),
        ClawBack.objects.aggregate(value=Max("pk"))["value"],
        Blacklisting.objects.aggregate(value=Max("pk"))["value"],
    ]
    return "|".join("" if part is None else str(part) for part in parts)
