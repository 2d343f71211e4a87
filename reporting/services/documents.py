"""Report generators: a run's figures and findings as a document of sections.

The exporters (CSV, XLSX, PDF) only render a `ReportDocument`; rows are collected here,
through the selectors, and stay lazy so that large sections stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from reporting import selectors
from reporting.models import Discrepancy, ReportRun
from reporting.selectors import FigureRow
from reporting.services.ageing import AGEING_TITLES
from vouchers.ageing import BUCKETS
from vouchers.chart_selectors import by_category_chart, flow_matrix_chart, monthly_chart
from vouchers.charts import Chart

TEXT, MONEY, COUNT = "text", "money", "count"
SHANGHAI = ZoneInfo("Asia/Shanghai")
# A cell as the exporters write it: yuan, a count, text, or nothing.
Cell = Decimal | int | str | None
# A row a section reads its cells from, by column key.
SectionRow = Mapping[str, Any]


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: Callable[[], Iterable[SectionRow]]  # called once per rendering: a fresh iterator

    def cells(self) -> Iterable[list[Cell]]:
        """Rows as cell values: money in yuan (Decimal, two places), counts as ints."""
        for row in self.rows():
            yield [_cell(row.get(column.key), column.kind) for column in self.columns]


@dataclass
class ReportDocument:
    title: str
    period: str
    authority: str
    headline: list[tuple[str, int, str]]  # label, figure (fen for money), kind
    sections: list[Section]
    charts: dict[str, list[FigureRow]] = field(default_factory=dict)
    kind: str = ""
    # For the PDF's cover: the year (annual), the region's name ("" for all regions), when
    # the figures were computed and the instant the data is counted up to.
    year: int | None = None
    region_name: str = ""
    generated_at: datetime | None = None
    cut_off_at: datetime | None = None
    # The charts' series (fen), shared by the run page, the XLSX and the PDF: see annual_charts.
    chart_series: list[Chart] = field(default_factory=list)


def cell_value(value: str | int | Decimal | None, kind: str) -> Cell:
    """A figure as exporters write it: money in yuan (Decimal, two places, exact), counts as
    ints, anything else as text; None stays None (no figure)."""
    return _cell(value, kind)


def _cell(value: str | int | Decimal | None, kind: str) -> Cell:
    if value is None:
        return None
    if kind == MONEY:
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
    if kind == COUNT:
        return int(value)
    return str(value)


FIGURE_COLUMNS = [
    Column("service_fen", "服务金额（元）", MONEY),
    Column("voucher_used_fen", "创新券使用金额（元）", MONEY),
    Column("redeemed_fen", "兑付金额（元）", MONEY),
    Column("paid_fen", "支付金额（元）", MONEY),
    Column("returned_fen", "到期退回金额（元）", MONEY),
    Column("orders", "订单数", COUNT),
    Column("enterprises", "企业数", COUNT),
    Column("institutions", "服务机构数", COUNT),
]
HEADLINE_LABELS = {column.key: (column.label.replace("（元）", ""), column.kind)
                   for column in FIGURE_COLUMNS}
FUNNEL_TITLE = "按发券地区（资金漏斗）"
FUNNEL_COLUMNS = [
    Column("issuing_region_name", "发券地区"),
    Column("budget_fen", "年度预算（元）", MONEY),
    Column("issued_fen", "发放金额（元）", MONEY),
    Column("vouchers_issued", "发放张数", COUNT),
    Column("enterprises_claimed", "申领企业数", COUNT),
    Column("held_fen", "年末预留金额（元）", MONEY),
    Column("service_fen", "服务金额（元）", MONEY),
    Column("voucher_used_fen", "创新券使用金额（元）", MONEY),
    Column("redeemed_fen", "兑付金额（元）", MONEY),
    Column("paid_fen", "支付金额（元）", MONEY),
    Column("returned_fen", "到期退回金额（元）", MONEY),
    Column("clawed_back_fen", "追回金额（元）", MONEY),
]
BREAKDOWN_SECTIONS = {
    "by_flow": ("跨区域流向（发券地区×服务地区）",
                [Column("issuing_region_name", "发券地区"),
                 Column("serving_region_name", "服务地区")]),
    "by_category": ("按服务类别", [Column("category_name", "服务类别")]),
    "by_city": ("按城市（企业所在地）", [Column("city_name", "城市")]),
    "by_month": ("按月份", [Column("month", "月份", COUNT)]),
}
DISCREPANCY_COLUMNS = [
    Column("kind_label", "差异类型"), Column("subject", "对象"), Column("description", "说明"),
    Column("expected_fen", "应为（元）", MONEY), Column("actual_fen", "实为（元）", MONEY),
    Column("status", "处理状态"), Column("resolution_note", "处理说明"),
]


def run_document(run: ReportRun) -> ReportDocument:
    """The document of a finished run (its stored figures, and its findings from the DB)."""
    if run.kind == ReportRun.Kind.SPOT_CHECKS:
        from reporting.services.spot_check_report import spot_check_document  # uses this module

        if run.result is None:
            raise ValueError(f"report run {run.pk} has no result")
        return spot_check_document(run.result, authority=_authority(run),
                                   region_name=run.region.name if run.region else "",
                                   generated_at=run.finished_at)
    if run.kind == ReportRun.Kind.ANNUAL_TOTALS:
        if run.result is None:  # a finished annual run has stored its figures
            raise ValueError(f"report run {run.pk} has no result")
        return annual_document(run.result, authority=_authority(run),
                               region_name=run.region.name if run.region else "",
                               generated_at=run.finished_at)
    return reconciliation_document(run, authority=_authority(run), generated_at=run.finished_at)


def _authority(run: ReportRun) -> str:
    return run.region.authority_name if run.region else "长三角科技创新券通用通兑平台"


def annual_document(
    result: dict[str, Any], *, authority: str, region_name: str = "",
    generated_at: datetime | None = None,
) -> ReportDocument:
    """The annual figures as a document; `generated_at` is when they were computed."""
    # Runs stored before the funnel existed have none: their files show an empty section.
    funnel = Section("funnel", FUNNEL_TITLE, FUNNEL_COLUMNS,
                     rows=lambda: result.get("funnel", []))
    sections = [funnel, *(
        Section(name, title, [*dims, *FIGURE_COLUMNS], rows=_stored_rows(result, name))
        for name, (title, dims) in BREAKDOWN_SECTIONS.items()
    )]
    headline = [(label, result["headline"][key], kind)
                for key, (label, kind) in HEADLINE_LABELS.items()]
    scope = f"（{result['region']}）" if result.get("region") else "（全部地区）"
    return ReportDocument(
        title=f"{result['year']}年度长三角科技创新券统计{scope}",
        period=f"{result['year']}-01-01 至 {result['year']}-12-31",
        authority=authority, headline=headline, sections=sections,
        charts={"by_month": result["by_month"], "by_flow": result["by_flow"]},
        kind=ReportRun.Kind.ANNUAL_TOTALS, chart_series=annual_charts(result),
        year=result["year"], region_name=region_name, generated_at=generated_at,
        cut_off_at=cut_off(end_of(date(result["year"], 12, 31)), generated_at),
    )


def end_of(day: date) -> datetime:
    """The first instant after `day` in Beijing time (the reports' dates are Shanghai's)."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def cut_off(period_end: datetime, generated_at: datetime | None) -> datetime:
    """Data is counted up to the period's end, or up to the computation if that is earlier
    (a year in progress: nothing is dated later than the computation)."""
    return period_end if generated_at is None else min(period_end, generated_at)


def annual_charts(result: dict[str, Any]) -> list[Chart]:
    """An annual run's charts from its stored figures: the monthly trend (service and
    redeemed amounts, twelve months), service and voucher amounts by category, and the
    4 × 4 flow of service amounts (issuing × serving region)."""
    months = {row["month"]: row for row in result["by_month"]}
    flows = result["by_flow"]  # all sixteen cells, issuing region-major (annual_totals)
    regions = list(dict.fromkeys(cell["issuing_region_name"] for cell in flows))
    amounts = {(c["issuing_region_name"], c["serving_region_name"]): c["service_fen"]
               for c in flows}
    return [
        monthly_chart({m: row["service_fen"] for m, row in months.items()},
                      {m: row["redeemed_fen"] for m, row in months.items()}),
        by_category_chart(result["by_category"]),
        flow_matrix_chart(regions, [[amounts.get((issuing, serving), 0) for serving in regions]
                                    for issuing in regions]),
    ]


def _stored_rows(result: dict[str, Any], name: str) -> Callable[[], list[FigureRow]]:
    """A section's rows from a stored result, read when the section is rendered."""
    return lambda: result[name]


AGEING_COLUMNS = [
    Column("bucket_label", "账龄"), Column("count", "笔数", COUNT),
    Column("amount_fen", "金额（元）", MONEY),
]


def ageing_sections(ageing: dict[str, list[dict[str, Any]]]) -> list[Section]:
    """The reconciliation's ageing tables (reporting.services.ageing), one section each.
    Runs stored before ageing existed have none and get no such sections."""
    labels = {bucket.key: str(bucket.label) for bucket in BUCKETS}

    def rows(key: str) -> Callable[[], list[dict[str, Any]]]:
        return lambda: [{**row, "bucket_label": labels[row["bucket"]]} for row in ageing[key]]

    return [Section(f"ageing_{key}", title, AGEING_COLUMNS, rows=rows(key))
            for key, title in AGEING_TITLES.items() if key in ageing]


def reconciliation_document(
    run: ReportRun, *, authority: str, rows: Callable[[], Iterable[SectionRow]] | None = None,
    counts: dict[str, int] | None = None, generated_at: datetime | None = None,
    ageing: dict[str, list[dict[str, Any]]] | None = None,
) -> ReportDocument:
    """The findings of a reconciliation run: given (at the run's end) or read from the DB."""
    labels = dict(Discrepancy.Kind.choices)
    source = rows or (lambda: selectors.run_discrepancy_rows(run=run))

    def labelled() -> Iterable[SectionRow]:
        for row in source():
            yield {**row, "kind_label": str(labels[row["kind"]]),
                   "status": "已处理" if row["resolved_at"] else "未处理"}

    counts = counts if counts is not None else (run.result or {}).get("counts", {})
    ageing = ageing if ageing is not None else (run.result or {}).get("ageing", {})
    params = run.parameters
    return ReportDocument(
        title=f"{run.region.name if run.region else ''}创新券兑付对账报告",
        period=f"{params['date_from']} 至 {params['date_to']}",
        authority=authority,
        headline=[(str(label), counts.get(kind, 0), COUNT) for kind, label in labels.items()],
        sections=[Section("discrepancies", "对账差异", DISCREPANCY_COLUMNS, rows=labelled),
                  *ageing_sections(ageing)],
        kind=ReportRun.Kind.RECONCILIATION,
        region_name=run.region.name if run.region else "", generated_at=generated_at,
        cut_off_at=cut_off(end_of(date.fromisoformat(params["date_to"])), generated_at),
    )
