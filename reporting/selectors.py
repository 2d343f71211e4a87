"""Reads for the reports: annual aggregates, reconciliation inputs, runs and findings.

Every figure is aggregated in the database (values()/annotate()/Sum over indexed columns).
The annual figures read each source once. On PostgreSQL one GROUPING SETS query per source
returns the headline and every breakdown; elsewhere (SQLite has no GROUPING SETS) each source
is grouped by every breakdown's dimensions at once and Python rolls those rows up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from operator import itemgetter
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Count, F, IntegerField, Max, Model, Q, QuerySet, Sum
from django.db.models.functions import Cast, ExtractMonth

from accounts.models import City, Region, User
from config.db_routers import streaming
from reporting.models import Discrepancy, ReportRun, TreasuryPayment
from vouchers.ledger.models import Account, Transfer
from vouchers.models import Delivery, Redemption, ServiceCategory, Voucher
from vouchers.states import PAID_STATES, REDEEMED_STATES

# A breakdown row: its dimensions (region, category and city codes, month) and its figures,
# JSON-ready; its key is the tuple of its dimensions' values, None where a city is unknown.
FigureRow = dict[str, Any]
RowKey = tuple[Any, ...]

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
    "by_issuer": ("issuing_region",),  # the flows of the funnel (reporting.funnel)
    "by_flow": ("issuing_region", "serving_region"),
    "by_category": ("category",),
    "by_city": ("city",),
    "by_month": ("month",),
}


def local_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def year_bounds(year: int) -> tuple[date, date, datetime, datetime]:
    first, next_first = date(year, 1, 1), date(year + 1, 1, 1)
    return first, next_first, local_day_start(first), local_day_start(next_first)


def _deliveries(year: int, region: Region | None) -> QuerySet[Delivery]:
    first, next_first, _start, _end = year_bounds(year)
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
    _first, _next, start, end = year_bounds(year)
    return _redemptions(region).filter(
        state__in=REDEEMED_STATES, reviewed_at__gte=start, reviewed_at__lt=end
    )


def _paid(year: int, region: Region | None) -> QuerySet[Redemption]:
    first, next_first, _start, _end = year_bounds(year)
    return _redemptions(region).filter(
        state__in=PAID_STATES, batch__paid_on__gte=first, batch__paid_on__lt=next_first
    )


def _returned(year: int, region: Region | None) -> QuerySet[Voucher]:
    """Vouchers joined to their transfers back to the budget within the year."""
    _first, _next, start, end = year_bounds(year)
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
    rows: list[FigureRow]
    sums: tuple[str, ...]
    distinct: dict[str, str] = field(default_factory=dict)


def _finest(queryset: QuerySet[Model], paths: dict[str, str], month_field: str,
            **figures: Any) -> list[FigureRow]:
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


def annual_rollup(sources: list[AnnualSource], dims: tuple[str, ...]) -> list[FigureRow]:
    """One breakdown rolled up from the sources: rows keyed by `dims`, in key order, with
    every money figure and the counts. Returned money belongs to a voucher, not to an order
    or institution: it is None in a breakdown by those."""
    merged: dict[RowKey, FigureRow] = {}
    usable = [source for source in sources if set(dims) <= set(source.dims)]
    for source in usable:
        _add_up(merged, source, dims)
    if not any("returned_fen" in source.sums for source in usable):
        for row in merged.values():
            row["returned_fen"] = None
    return [merged[key] for key in sorted(merged, key=_key_order)]


def _add_up(merged: dict[RowKey, FigureRow], source: AnnualSource, dims: tuple[str, ...]) -> None:
    key_of, sums = _key_function(dims), source.sums
    distinct: list[tuple[str, str, set[tuple[RowKey, Any]]]] = [
        (name, column, set()) for name, column in source.distinct.items()
    ]
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


def _key_function(dims: tuple[str, ...]) -> Callable[[FigureRow], RowKey]:
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


def annual_breakdown(
    *, year: int, region: Region | None, dims: tuple[str, ...]
) -> list[FigureRow]:
    """One breakdown on its own (the report reads the sources once for all of them)."""
    return annual_rollup(annual_sources(year=year, region=region), dims)


def _empty_row(dims: tuple[str, ...], key: RowKey) -> FigureRow:
    return {**dict(zip(dims, key, strict=True)),
            **dict.fromkeys(MONEY_FIGURES, 0), **dict.fromkeys(COUNT_FIGURES, 0)}


def annual_headline(*, year: int, region: Region | None) -> dict[str, int]:
    """The year's totals on their own (the report reads the sources once for all figures)."""
    return annual_headline_of(annual_sources(year=year, region=region))


def annual_figures(*, year: int, region: Region | None) -> dict[str, Any]:
    """The headline and every breakdown (BREAKDOWNS), each source read once: in the database
    on PostgreSQL, rolled up in Python elsewhere; both give identical results."""
    if connection.vendor == "postgresql":
        return annual_figures_grouping_sets(year=year, region=region)
    return annual_figures_portable(year=year, region=region)


def annual_figures_portable(*, year: int, region: Region | None) -> dict[str, Any]:
    """Any database: each source grouped at its finest grain, rolled up in Python."""
    sources = annual_sources(year=year, region=region)
    return {"headline": annual_headline_of(sources),
            **{name: annual_rollup(sources, dims) for name, dims in BREAKDOWNS.items()}}


@dataclass(frozen=True)
class _Ungrouped:
    """One source's records, one row each with its dimensions and figure columns named, and
    the aggregate (SQL over those names) that gives each figure."""

    rows: QuerySet[Model, dict[str, Any]]
    dims: tuple[str, ...]
    figures: dict[str, str]


def _ungrouped(queryset: QuerySet[Model], paths: dict[str, str], month_field: str,
               **columns: Any) -> QuerySet[Model, dict[str, Any]]:
    named = {name: F(path) for name, path in paths.items()}
    # Cast: in a subquery PostgreSQL's EXTRACT is numeric, which would reach Python as Decimal.
    month = Cast(ExtractMonth(month_field), IntegerField())
    return queryset.order_by().values(**named, month=month, **columns)


def _ungrouped_sources(year: int, region: Region | None) -> list[_Ungrouped]:
    dims = (*_DELIVERY, "month")
    ids = {"enterprise_id": "order__enterprise_id", "institution_id": "order__institution_id"}
    amount = {"moved_fen": F("approved_fen")}
    return [
        _Ungrouped(
            _ungrouped(_deliveries(year, region), {**_DELIVERY, **ids}, "delivered_on",
                       service_fen=F("order__total_fee_fen"),
                       voucher_used_fen=F("order__voucher_fen")),
            dims,
            # One confirmed delivery per order (delivery_one_live_per_order): rows count orders.
            {"service_fen": "SUM(service_fen)", "voucher_used_fen": "SUM(voucher_used_fen)",
             "orders": "COUNT(*)", "enterprises": "COUNT(DISTINCT enterprise_id)",
             "institutions": "COUNT(DISTINCT institution_id)"},
        ),
        _Ungrouped(_ungrouped(_approved(year, region), _REDEMPTION, "reviewed_at", **amount),
                   dims, {"redeemed_fen": "SUM(moved_fen)"}),
        _Ungrouped(_ungrouped(_paid(year, region), _REDEMPTION, "batch__paid_on", **amount),
                   dims, {"paid_fen": "SUM(moved_fen)"}),
        _Ungrouped(
            _ungrouped(_returned(year, region), _RETURN, "account__debit_transfers__created_at",
                       moved_fen=F("account__debit_transfers__amount_fen")),
            (*_RETURN, "month"), {"returned_fen": "SUM(moved_fen)"},
        ),
    ]


def _grouping_sets(source: _Ungrouped) -> Iterator[tuple[str, RowKey, dict[str, int]]]:
    """(breakdown, key, figures) for the headline and every breakdown the source has the
    dimensions for, from one GROUP BY GROUPING SETS over the source's records."""
    groupings = {name: dims for name, dims in {"headline": (), **BREAKDOWNS}.items()
                 if set(dims) <= set(source.dims)}
    names = list(dict.fromkeys(dim for dims in groupings.values() for dim in dims))
    quoted = [connection.ops.quote_name(name) for name in names]
    sets = ", ".join("(" + ", ".join(quoted[names.index(d)] for d in dims) + ")"
                     for dims in groupings.values())
    inner, params = source.rows.query.sql_with_params()
    # Raw SQL because the ORM has no GROUPING SETS: the records are still selected (joins,
    # filters, month in the local time zone) by the same querysets as the portable path.
    sql = (f"SELECT {', '.join(quoted)}, GROUPING({', '.join(quoted)}), "  # noqa: S608
           f"{', '.join(source.figures.values())} FROM ({inner}) records "
           f"GROUP BY GROUPING SETS ({sets})")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_present = {frozenset(dims): name for name, dims in groupings.items()}
    for row in rows:
        bits = row[len(names)]  # GROUPING(): 1 bits for the dimensions rolled up
        present = {n for i, n in enumerate(names) if not bits & (1 << (len(names) - 1 - i))}
        name = by_present[frozenset(present)]
        key = tuple(row[names.index(d)] for d in groupings[name])
        yield name, key, dict(zip(source.figures, row[len(names) + 1:], strict=True))


def annual_figures_grouping_sets(*, year: int, region: Region | None) -> dict[str, Any]:
    """PostgreSQL only: the same result as annual_figures_portable, every row added up in the
    database (with thousands of enterprises and institutions the portable path's grouped
    rows approach one per delivery, all shipped to Python)."""
    sources = _ungrouped_sources(year, region)
    merged: dict[str, dict[RowKey, FigureRow]] = {
        "headline": {}, **{name: {} for name in BREAKDOWNS}
    }
    for source in sources:
        for name, key, figures in _grouping_sets(source):
            target = merged[name].setdefault(key, _empty_row(BREAKDOWNS.get(name, ()), key))
            for figure, value in figures.items():
                target[figure] += int(value or 0)
    totals = merged["headline"].get((), {})  # the () set has a row even for no records
    result: dict[str, Any] = {
        "headline": {name: totals.get(name) or 0 for name in (*MONEY_FIGURES, *COUNT_FIGURES)}
    }
    for name, dims in BREAKDOWNS.items():
        rows = merged[name]
        if not any("returned_fen" in s.figures and set(dims) <= set(s.dims) for s in sources):
            for row in rows.values():
                row["returned_fen"] = None
        result[name] = [rows[key] for key in sorted(rows, key=_key_order)]
    return result


def _key_order(key: RowKey) -> tuple[tuple[bool, Any], ...]:
    """Breakdown rows in key order, None (no city) last."""
    return tuple((value is None, value) for value in key)


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
        # Django reads region_id=None as IS NULL; the stubs take no None in a lookup.
        runs = runs.filter(region_id=actor.region_id_or_none)  # type: ignore[misc]
    return runs.order_by("-requested_at", "-pk")


def discrepancies_for(*, actor: User, unresolved_only: bool = False) -> QuerySet[Discrepancy]:
    rows = Discrepancy.objects.select_related("run", "region", "resolved_by")
    if actor.role != User.Role.OPERATOR:
        # Django reads region_id=None as IS NULL; the stubs take no None in a lookup.
        rows = rows.filter(region_id=actor.region_id_or_none)  # type: ignore[misc]
    if unresolved_only:
        rows = rows.filter(resolved_at__isnull=True)
    return rows.order_by("-run_id", "kind", "subject")


class DiscrepancyRow(TypedDict):
    """One finding as the reports show it (the values() of run_discrepancy_rows)."""

    kind: str
    subject: str
    description: str
    expected_fen: int | None
    actual_fen: int | None
    resolved_at: datetime | None
    resolution_note: str


def run_discrepancy_rows(*, run: ReportRun) -> Iterator[DiscrepancyRow]:
    """A run's findings, streamed in chunks (memory stays flat for any count). From the
    primary (directly, behind a pooler): the findings a run just wrote, exactly."""
    findings = streaming(Discrepancy.objects.filter(run=run), replica_allowed=False)
    rows = findings.order_by("kind", "subject", "pk").values(
        "kind", "subject", "description", "expected_fen", "actual_fen", "resolved_at",
        "resolution_note",
    )
    yield from rows.iterator(chunk_size=2000)
