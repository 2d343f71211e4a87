"""Series behind the pages' charts, each a few grouped queries (their counts are pinned).

The figures follow the report definitions (docs/reporting.md, "Annual totals"): service
amount is the fee of orders with a confirmed delivery, dated by `Delivery.delivered_on`;
redeemed is `Redemption.approved_fen` of approved, paid and clawed-back redemptions, dated
by approval (`reviewed_at`). Months of timestamps are Shanghai months. The reports compute
theirs in `reporting.selectors`; the tests check that both agree.
"""

from __future__ import annotations

from datetime import date
from itertools import accumulate
from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import ExtractMonth, TruncMonth
from django.utils.translation import gettext, gettext_noop

from accounts.models import Region
from vouchers.charts import BAR, HEATMAP, LINE, STACKED_BAR, Chart, ChartSeries
from vouchers.models import Delivery, Redemption, ServiceCategory, Voucher
from vouchers.states import REDEEMED_STATES

MONTHS = range(1, 13)
# Translated as "Jan", "Feb", … on the pages.
MONTH_LABELS = [gettext_noop("1月"), gettext_noop("2月"), gettext_noop("3月"), gettext_noop("4月"),
                gettext_noop("5月"), gettext_noop("6月"), gettext_noop("7月"), gettext_noop("8月"),
                gettext_noop("9月"), gettext_noop("10月"), gettext_noop("11月"),
                gettext_noop("12月")]


def _confirmed_deliveries(year: int):
    return Delivery.objects.filter(
        state=Delivery.State.CONFIRMED, delivered_on__gte=date(year, 1, 1),
        delivered_on__lt=date(year + 1, 1, 1),
    ).order_by()


def budget_per_program_chart(rows: Any) -> Chart:
    """Each program's funded budget, stacked: redeemed, held for orders, issued but unused,
    unallocated. From the budget page's own rows (`program_budget_use`): no query."""
    rows = list(rows)
    return Chart(
        key="budget_per_program", title=gettext_noop("各项目预算使用（元）"), kind=STACKED_BAR,
        categories=[gettext("{value}（{detail}）").format(value=row.name, detail=row.year)
                    for row in rows],
        category_title=gettext_noop("项目"),
        series=[
            ChartSeries("已兑付", [row.redeemed_fen for row in rows]),
            ChartSeries("预留", [row.held_fen for row in rows]),
            ChartSeries("已发放未使用", [row.voucher_available_fen for row in rows]),
            ChartSeries("未分配", [row.budget_account.available_fen for row in rows]),
        ],
    )


def budget_use_by_month_chart(*, region_id: int, year: int | None) -> Chart:
    """Cumulative issued and redeemed amounts of the region's programs, by month. Two
    queries: vouchers grouped by issue month, approvals by approval month."""
    vouchers = Voucher.objects.filter(program__region_id=region_id)
    redemptions = Redemption.objects.filter(program__region_id=region_id,
                                            state__in=REDEEMED_STATES)
    if year is not None:
        vouchers, redemptions = (vouchers.filter(program__year=year),
                                 redemptions.filter(program__year=year))
    issued = _monthly(vouchers, "issued_at", "amount_fen")
    redeemed = _monthly(redemptions, "reviewed_at", "approved_fen")
    months = sorted(issued.keys() | redeemed.keys())
    return Chart(
        key="budget_by_month", title=gettext_noop("预算使用累计（按月，元）"), kind=LINE,
        categories=[f"{month:%Y-%m}" for month in months], category_title=gettext_noop("月份"),
        series=[
            ChartSeries("累计发放", list(accumulate(issued.get(m, 0) for m in months))),
            ChartSeries("累计兑付", list(accumulate(redeemed.get(m, 0) for m in months))),
        ],
    )


def _monthly(queryset, moment: str, amount: str) -> dict[date, int]:
    # TruncMonth truncates in the current time zone (Asia/Shanghai).
    rows = (queryset.order_by().annotate(month=TruncMonth(moment)).values("month")
            .annotate(total=Sum(amount)))
    return {_as_date(row["month"]): row["total"] for row in rows}


def _as_date(moment: Any) -> date:
    return moment.date() if hasattr(moment, "date") else moment


def flow_chart(*, year: int) -> Chart:
    """The 4 × 4 service amounts, issuing region (rows) × serving region (columns), all
    sixteen cells. Two queries: the regions and one GROUP BY over confirmed deliveries."""
    regions = [(region.short_code, region.display_name)  # in the page's language
               for region in Region.objects.order_by("code")]
    cells = {
        (row["issuing"], row["serving"]): row["service_fen"]
        for row in _confirmed_deliveries(year)
        .values(issuing=F(_ISSUER), serving=F(_SERVER))
        .annotate(service_fen=Sum("order__total_fee_fen"))
    }
    return flow_matrix_chart(
        [name for _code, name in regions],
        [[cells.get((issuing, serving), 0) for serving, _name in regions]
         for issuing, _name in regions],
    )


def flow_matrix_chart(region_names: list[str], matrix: list[list[int]]) -> Chart:
    """The flow heat map from service amounts: matrix[issuing][serving], in fen."""
    return Chart(
        key="flow", title=gettext_noop("跨区域流向（服务金额，元）"), kind=HEATMAP,
        categories=region_names, category_title=gettext_noop("服务地区"),
        series_title=gettext_noop("发券地区"),
        series=[ChartSeries(name, row) for name, row in zip(region_names, matrix, strict=True)],
    )


_ISSUER = "order__voucher__program__region__short_code"
_SERVER = "order__institution__region__short_code"


def monthly_trend_chart(*, year: int) -> Chart:
    """Service and redeemed amounts per month of the year, all twelve. Two queries."""
    served = dict(_confirmed_deliveries(year).annotate(month=ExtractMonth("delivered_on"))
                  .values("month").annotate(total=Sum("order__total_fee_fen"))
                  .values_list("month", "total"))
    redeemed = dict(
        Redemption.objects.filter(state__in=REDEEMED_STATES, reviewed_at__year=year)
        .order_by().annotate(month=ExtractMonth("reviewed_at")).values("month")
        .annotate(total=Sum("approved_fen")).values_list("month", "total")
    )
    return monthly_chart(served, redeemed)


def monthly_chart(served: dict[int, int], redeemed: dict[int, int]) -> Chart:
    """The monthly trend from service and redeemed amounts keyed by month number."""
    return Chart(
        key="monthly_trend", title=gettext_noop("月度服务金额与兑付金额（元）"), kind=LINE,
        categories=MONTH_LABELS, category_title=gettext_noop("月份"),
        series=[ChartSeries("服务金额", [served.get(m) or 0 for m in MONTHS]),
                ChartSeries("兑付金额", [redeemed.get(m) or 0 for m in MONTHS])],
    )


def category_chart(*, year: int, name_field: str = "name") -> Chart:
    """Service amount and voucher amount used per service category (every category, in
    its order; `name_field` "name_en" for English). Two queries: the categories and one
    GROUP BY over confirmed deliveries."""
    categories = list(ServiceCategory.objects.order_by("pk").values_list("code", name_field))
    figures = {
        row["code"]: row for row in _confirmed_deliveries(year)
        .values(code=F(_CATEGORY))
        .annotate(service_fen=Sum("order__total_fee_fen"),
                  voucher_used_fen=Sum("order__voucher_fen"), orders=Count("pk"))
    }
    return by_category_chart([
        {"category_name": name, **figures.get(code, {"service_fen": 0, "voucher_used_fen": 0})}
        for code, name in categories
    ])


_CATEGORY = "order__category__code"


def by_category_chart(rows: list[dict[str, Any]]) -> Chart:
    """Bars per category from rows with `category_name`, `service_fen`, `voucher_used_fen`."""
    return Chart(
        key="by_category", title=gettext_noop("按服务类别（元）"), kind=BAR,
        categories=[row["category_name"] for row in rows], category_title=gettext_noop("服务类别"),
        series=[ChartSeries("服务金额", [row["service_fen"] or 0 for row in rows]),
                ChartSeries("创新券使用金额", [row["voucher_used_fen"] or 0 for row in rows])],
    )
