"""Reads for the reports: annual aggregates, reconciliation inputs, runs and findings.

Every figure is aggregated in the database (values()/annotate()/Sum over indexed columns).
The annual figures read each source once, grouped by every breakdown's dimensions at once;
Python only rolls those grouped rows up into the headline and each breakdown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth

from accounts.models import City, Region, User
from reporting.models import Discrepancy, ReportRun, TreasuryPayment
from vouchers.ledger.models import Account, Transfer
from vouchers.models import Delivery, Redemption, ServiceCategory, Voucher

REDEEMED_STATES = (
    Redemption.State.APPROVED,
    Redemption.State.PAID,
    Redemption.State.CLAWED_BACK,
)
PAID_STATES = (Redemption.State.PAID, Redemption.State.CLAWED_BACK)
MONEY_FIGURES = ("service_fen", "voucher_used_fen", "redeemed_fen", "paid_fen", "returned_fen")
COUNT_FIGURES = ("orders", "enterprises", "institutions")

# Dimension → field path, per source. Deliveries date the service, redemptions the approval,
# batches the treasury payment; returned money is dated by its ledger transfer.
_DELIVERY = {
    "issuing_region": "order__voucher__program__region__short_code",
    "serving_region": "order__institution__region__short_code",
    "category": "order__category__code",
    "city": "order__enterprise__city__code",
}
_REDEMPTION = {
    "issuing_region": "program__region__short_code",
    "serving_region": "order__institution__region__short_code",
    "category": "order__category__code",
    "city": "order__enterprise__city__code",
}
_RETURN = {"issuing_region": "program__region__short_code", "city": "enterprise__city__code"}
BREAKDOWNS = {
    "by_flow": ("issuing_region", "serving_region"),
    "by_category": ("category",),
    "by_city": ("city",),
    "by_month": ("month",),
}


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def _year_bounds(year: int) -> tuple[date, date, datetime, datetime]:
    first, next_first = date(year, 1, 1), date(year + 1, 1, 1)
    return first, next_first, local_day_start(first), local_day_start(next_first)


def _deliveries(year: int, region: Region | None) -> QuerySet[Delivery]:
    first, next_first, _start, _end = _year_bounds(year)
    rows = Delivery.objects.filter(
        state=Delivery.State.CONFIRMED, delivered_on__gte=first, delivered_on__lt=next_first
    )
    if region is not None:
        rows = rows.filter(
            Q(order__voucher__program__region=region) | Q(order__institution__region=region)
        )
    return rows


def _redemptions(region: Region | None) -> QuerySet[Redemption]:
    rows = Redemption.objects.all()
    if region is not None:
        rows = rows.filter(Q(program__region=region) | Q(order__institution__region=region))
    return rows


def _approved(year: int, region: Region | None) -> QuerySet[Redemption]:
    _first, _next, start, end = _year_bounds(year)
    return _redemptions(region).filter(
        state__in=REDEEMED_STATES, reviewed_at__gte=start, reviewed_at__lt=end
    )


def _paid(year: int, region: Region | None) -> QuerySet[Redemption]:
    first, next_first, _start, _end = _year_bounds(year)
    return _redemptions(region).filter(
        state__in=PAID_STATES, batch__paid_on__gte=first, batch__paid_on__lt=next_first
    )


def _returned(year: int, region: Region | None) -> QuerySet[Voucher]:
    """Vouchers joined to their transfers back to the budget within the year."""
    _first, _next, start, end = _year_bounds(year)
    transfer = "account__debit_transfers__"
    rows = Voucher.objects.filter(
        **{
            f"{transfer}credit_account__kind": Account.Kind.BUDGET,
            f"{transfer}phase": Transfer.Phase.POSTED,
            f"{transfer}created_at__gte": start,
            f"{transfer}created_at__lt": end,
        }
    )
    return rows if region is None else rows.filter(program__region=region)


@dataclass(frozen=True)
class AnnualSource:
    """One source's rows grouped at the finest grain: every dimension it has (`dims`), the
    figures that add up (`sums`) and, for distinct counts, the ids to count (`distinct`:
    figure → id column). Any breakdown over a subset of `dims` is rolled up from these."""

    dims: tuple[str, ...]
    rows: list[dict[str, Any]]
    sums: tuple[str, ...]
    distinct: dict[str, str] = field(default_factory=dict)


def _finest(queryset: QuerySet, paths: dict[str, str], month_field: str,
            **figures: Any) -> list[dict[str, Any]]:
    """One GROUP BY over every path in `paths` and the month of `month_field`."""
    names = {path: name for name, path in paths.items()}
    rows = (queryset.annotate(month=ExtractMonth(month_field)).order_by()
            .values(*names, "month").annotate(**figures))
    return [{names.get(key, key): value for key, value in row.items()} for row in rows]


def annual_sources(*, year: int, region: Region | None) -> list[AnnualSource]:
    """The year's four sources, each read once: confirmed deliveries, approvals, treasury
    payments and returns to the budget.

    Deliveries are also grouped by enterprise and institution, whose distinct counts cannot
    be added up across groups: at most one row per (enterprise, institution, category,
    issuing region, month), each counted once per breakdown row in Python."""
    dims = (*_DELIVERY, "month")
    ids = {"enterprise_id": "order__enterprise_id", "institution_id": "order__institution_id"}
    served = _finest(
        _deliveries(year, region), {**_DELIVERY, **ids}, "delivered_on",
        service_fen=Sum("order__total_fee_fen"), voucher_used_fen=Sum("order__voucher_fen"),
        # An order has at most one confirmed delivery (delivery_one_live_per_order), so
        # delivery rows count orders and add up across groups.
        orders=Count("order_id"),
    )
    return [
        AnnualSource(dims, served, ("service_fen", "voucher_used_fen", "orders"),
                     {"enterprises": "enterprise_id", "institutions": "institution_id"}),
        AnnualSource(dims, _finest(_approved(year, region), _REDEMPTION, "reviewed_at",
                                   redeemed_fen=Sum("approved_fen")), ("redeemed_fen",)),
        AnnualSource(dims, _finest(_paid(year, region), _REDEMPTION, "batch__paid_on",
                                   paid_fen=Sum("approved_fen")), ("paid_fen",)),
        AnnualSource(
            (*_RETURN, "month"),
            _finest(_returned(year, region), _RETURN, "account__debit_transfers__created_at",
                    returned_fen=Sum("account__debit_transfers__amount_fen")),
            ("returned_fen",),
        ),
    ]


def annual_rollup(sources: list[AnnualSource], dims: tuple[str, ...]) -> list[dict]:
    """One breakdown rolled up from the sources: rows keyed by `dims`, in key order, with
    every money figure and the counts. Returned money belongs to a voucher, not to an order
    or institution: it is None in a breakdown by those."""
    merged: dict[tuple, dict] = {}
    usable = [source for source in sources if set(dims) <= set(source.dims)]
    for source in usable:
        _add_up(merged, source, dims)
    if not any("returned_fen" in source.sums for source in usable):
        for row in merged.values():
            row["returned_fen"] = None
    return [merged[key] for key in sorted(merged, key=lambda k: tuple((v is None, v) for v in k))]


def _add_up(merged: dict[tuple, dict], source: AnnualSource, dims: tuple[str, ...]) -> None:
    key_of, sums = _key_function(dims), source.sums
    distinct = [(name, column, set()) for name, column in source.distinct.items()]
    for row in source.rows:
        key = key_of(row)
        target = merged.get(key)
        if target is None:
            target = merged[key] = _empty_row(dims, key)
        for name in sums:
            target[name] += row[name] or 0
        for _name, column, pairs in distinct:
            pairs.add((key, row[column]))
    for name, _column, pairs in distinct:  # each (key, id) pair once: a distinct count
        for key, value in pairs:
            if value is not None:
                merged[key][name] += 1


def _key_function(dims: tuple[str, ...]) -> Callable[[dict], tuple]:
    if len(dims) > 1:
        return itemgetter(*dims)
    if dims:
        getter = itemgetter(dims[0])
        return lambda row: (getter(row),)
    return lambda row: ()


def annual_headline_of(sources: list[AnnualSource]) -> dict[str, int]:
    """The year's totals: each money figure and the distinct counts."""
    rows = annual_rollup(sources, ())
    totals = rows[0] if rows else {}
    return {name: totals.get(name) or 0 for name in (*MONEY_FIGURES, *COUNT_FIGURES)}


def annual_breakdown(*, year: int, region: Region | None, dims: tuple[str, ...]) -> list[dict]:
    """One breakdown on its own (the report reads the sources once for all of them)."""
    return annual_rollup(annual_sources(year=year, region=region), dims)


def _empty_row(dims: tuple[str, ...], key: tuple) -> dict[str, Any]:
    return {**dict(zip(dims, key, strict=True)),
            **dict.fromkeys(MONEY_FIGURES, 0), **dict.fromkeys(COUNT_FIGURES, 0)}


def annual_headline(*, year: int, region: Region | None) -> dict[str, int]:
    """The year's totals on their own (the report reads the sources once for all figures)."""
    return annual_headline_of(annual_sources(year=year, region=region))


def reference_labels() -> dict[str, dict[str, str]]:
    """Names for region, category and city codes (small reference tables)."""
    return {
        "region": dict(Region.objects.values_list("short_code", "name")),
        "category": dict(ServiceCategory.objects.values_list("code", "name")),
        "city": dict(City.objects.values_list("code", "name")),
    }


def data_version() -> str:
    """Changes whenever a figure could: the newest journal line (every money movement,
    approvals and rejections included), delivery and treasury row, and the latest delivery
    answer (a confirmation writes no journal line)."""
    parts = [
        Transfer.objects.aggregate(value=Max("pk"))["value"],
        Delivery.objects.aggregate(value=Max("pk"))["value"],
        Delivery.objects.aggregate(value=Max("answered_at"))["value"],
        TreasuryPayment.objects.aggregate(value=Max("pk"))["value"],
    ]
    return "|".join("" if part is None else str(part) for part in parts)


def runs_for(*, actor: User) -> QuerySet[ReportRun]:
    """The runs the actor may see: an authority its own region's, the operator all."""
    runs = ReportRun.objects.select_related("region", "requested_by").prefetch_related("files")
    if actor.role != User.Role.OPERATOR:
        runs = runs.filter(region_id=actor.region_id_or_none)
    return runs.order_by("-requested_at", "-pk")


def discrepancies_for(*, actor: User, unresolved_only: bool = False) -> QuerySet[Discrepancy]:
    rows = Discrepancy.objects.select_related("run", "region", "resolved_by")
    if actor.role != User.Role.OPERATOR:
        rows = rows.filter(region_id=actor.region_id_or_none)
    if unresolved_only:
        rows = rows.filter(resolved_at__isnull=True)
    return rows.order_by("-run_id", "kind", "subject")


def run_discrepancy_rows(*, run: ReportRun) -> Iterator[dict[str, Any]]:
    """A run's findings, streamed in chunks (memory stays flat for any count)."""
    rows = Discrepancy.objects.filter(run=run).order_by("kind", "subject", "pk").values(
        "kind", "subject", "description", "expected_fen", "actual_fen", "resolved_at",
        "resolution_note",
    )
    yield from rows.iterator(chunk_size=2000)
