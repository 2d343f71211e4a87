"""Reads for the reports: annual aggregates, reconciliation inputs, runs and findings.

Every figure is aggregated in the database (values()/annotate()/Sum over indexed columns);
Python only merges the already-grouped rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
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


def _grouped(queryset: QuerySet, paths: dict[str, str], dims: tuple[str, ...],
             month_field: str, **figures: Any) -> list[dict[str, Any]]:
    if "month" in dims:
        queryset = queryset.annotate(month=ExtractMonth(month_field))
    names = {paths[dim]: dim for dim in dims if dim != "month"}
    fields = [*names, *(["month"] if "month" in dims else [])]
    rows = queryset.order_by().values(*fields).annotate(**figures)
    return [
        {**{names.get(key, key): value for key, value in row.items()}} for row in rows
    ]


def annual_breakdown(*, year: int, region: Region | None, dims: tuple[str, ...]) -> list[dict]:
    """One breakdown: rows keyed by `dims` with every money figure and the counts."""
    transfer_amount = "account__debit_transfers__amount_fen"
    sources = [
        _grouped(
            _deliveries(year, region), _DELIVERY, dims, "delivered_on",
            service_fen=Sum("order__total_fee_fen"), voucher_used_fen=Sum("order__voucher_fen"),
            orders=Count("order_id", distinct=True),
            enterprises=Count("order__enterprise_id", distinct=True),
            institutions=Count("order__institution_id", distinct=True),
        ),
        _grouped(_approved(year, region), _REDEMPTION, dims, "reviewed_at",
                 redeemed_fen=Sum("approved_fen")),
        _grouped(_paid(year, region), _REDEMPTION, dims, "batch__paid_on",
                 paid_fen=Sum("approved_fen")),
    ]
    has_returns = all(dim in _RETURN or dim == "month" for dim in dims)
    if has_returns:
        sources.append(
            _grouped(_returned(year, region), _RETURN, dims,
                     "account__debit_transfers__created_at", returned_fen=Sum(transfer_amount))
        )
    rows = _merge(sources, dims)
    if not has_returns:  # returned money belongs to a voucher, not to an order or institution
        for row in rows:
            row["returned_fen"] = None
    return rows


def _merge(sources: list[list[dict]], dims: tuple[str, ...]) -> list[dict]:
    merged: dict[tuple, dict] = {}
    for rows in sources:
        for row in rows:
            key = tuple(row[dim] for dim in dims)
            target = merged.setdefault(key, _empty_row(dims, key))
            for name, value in row.items():
                if name not in dims:
                    target[name] = (target[name] or 0) + (value or 0)
    return [merged[key] for key in sorted(merged, key=lambda k: tuple((v is None, v) for v in k))]


def _empty_row(dims: tuple[str, ...], key: tuple) -> dict[str, Any]:
    return {**dict(zip(dims, key, strict=True)),
            **dict.fromkeys(MONEY_FIGURES, 0), **dict.fromkeys(COUNT_FIGURES, 0)}


def annual_headline(*, year: int, region: Region | None) -> dict[str, int]:
    """The year's totals: each money figure and the distinct counts."""
    served = _deliveries(year, region).aggregate(
        service_fen=Sum("order__total_fee_fen"), voucher_used_fen=Sum("order__voucher_fen"),
        orders=Count("order_id", distinct=True),
        enterprises=Count("order__enterprise_id", distinct=True),
        institutions=Count("order__institution_id", distinct=True),
    )
    figures = {
        **served,
        **_approved(year, region).aggregate(redeemed_fen=Sum("approved_fen")),
        **_paid(year, region).aggregate(paid_fen=Sum("approved_fen")),
        **_returned(year, region).aggregate(
            returned_fen=Sum("account__debit_transfers__amount_fen")
        ),
    }
    return {name: figures.get(name) or 0 for name in (*MONEY_FIGURES, *COUNT_FIGURES)}


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
