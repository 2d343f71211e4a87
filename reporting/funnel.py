"""Reads for the funnel per issuing region (资金漏斗): from the budget to the money clawed back.

The flows that the annual totals already compute (service amount, voucher used, redeemed,
paid, returned) come from their breakdown by issuing region (`selectors.BREAKDOWNS
["by_issuer"]`, in the database on PostgreSQL, rolled up elsewhere). The figures only the
funnel has are four small GROUP BY queries by issuing region, the same on every database:
the year's budgets, the vouchers issued, the holds still open at the end of the year and the
claw-backs. docs/reporting.md defines each figure.
"""

from __future__ import annotations

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum

from accounts.models import Region
from reporting.selectors import FigureRow, year_bounds
from vouchers.ledger.models import Transfer
from vouchers.models import ClawBack, Program, Voucher

FLOW_FIGURES = ("service_fen", "voucher_used_fen", "redeemed_fen", "paid_fen", "returned_fen")
FUNNEL_FIGURES = (
    "budget_fen", "issued_fen", "vouchers_issued", "enterprises_claimed", "held_fen",
    *FLOW_FIGURES, "clawed_back_fen",
)
_REGION = "program__region__short_code"


def _budgets(year: int, region: Region | None) -> QuerySet:
    """The budgets of the region's programs of the year (`Program.year`)."""
    rows = Program.objects.filter(year=year)
    rows = rows if region is None else rows.filter(region=region)
    return rows.order_by().values(issuing_region=F("region__short_code")).annotate(
        budget_fen=Sum("budget_fen"))


def _issued(year: int, region: Region | None) -> QuerySet:
    """Vouchers issued (the application approved) within the year, and their enterprises."""
    _first, _next, start, end = year_bounds(year)
    rows = Voucher.objects.filter(issued_at__gte=start, issued_at__lt=end)
    rows = rows if region is None else rows.filter(program__region=region)
    return rows.order_by().values(issuing_region=F(_REGION)).annotate(
        issued_fen=Sum("amount_fen"), vouchers_issued=Count("pk"),
        enterprises_claimed=Count("enterprise_id", distinct=True))


def _held(year: int, region: Region | None) -> QuerySet:
    """Holds on vouchers (order-hold) made before the year's end and not resolved (posted to a
    payee, voided or expired) before it: money promised to orders and not yet redeemed."""
    _first, _next, _start, end = year_bounds(year)
    vouchers = Voucher.objects.filter(account_id=OuterRef("debit_account_id"))
    if region is not None:
        vouchers = vouchers.filter(program__region=region)
    rows = (Transfer.objects.filter(phase=Transfer.Phase.PENDING, created_at__lt=end)
            .exclude(resolutions__created_at__lt=end)
            .annotate(issuing_region=Subquery(vouchers.values(_REGION)[:1]))
            .filter(issuing_region__isnull=False))
    return rows.order_by().values("issuing_region").annotate(held_fen=Sum("amount_fen"))


def _clawed_back(year: int, region: Region | None) -> QuerySet:
    """Paid money reclaimed within the year (the compensating entry's time)."""
    _first, _next, start, end = year_bounds(year)
    rows = ClawBack.objects.filter(created_at__gte=start, created_at__lt=end)
    rows = rows if region is None else rows.filter(redemption__program__region=region)
    return rows.order_by().values(issuing_region=F(f"redemption__{_REGION}")).annotate(
        clawed_back_fen=Sum("amount_fen"))


def annual_funnel(*, year: int, region: Region | None, by_issuer: list[FigureRow],
                  region_codes: list[str]) -> list[FigureRow]:
    """One row per issuing region (all regions in `region_codes` order, zeros included; only
    `region` when given), with every funnel figure as an int. `by_issuer` is the annual
    breakdown by issuing region, which carries the flows."""
    codes = region_codes if region is None else [region.short_code]
    rows: dict[str, FigureRow] = {
        code: {"issuing_region": code, **dict.fromkeys(FUNNEL_FIGURES, 0)} for code in codes
    }
    flows = [{key: row[key] for key in ("issuing_region", *FLOW_FIGURES)} for row in by_issuer]
    for source in (flows, _budgets(year, region), _issued(year, region), _held(year, region),
                   _clawed_back(year, region)):
        for found in source:
            target = rows.get(found["issuing_region"])
            if target is None:  # a region's run: another issuer's business it served
                continue
            for name, value in found.items():
                if name != "issuing_region":
                    target[name] += int(value or 0)
    return list(rows.values())
