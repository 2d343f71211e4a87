"""The XLSX charts sheet (图表): each chart's small table, and beside it the chart drawn by
Excel from that table (openpyxl LineChart / BarChart); the flow matrix is a table coloured
by a colour scale (conditional formatting). Charts reference these few rows only, so the
write-only stream of the long sections is untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from reporting.services.documents import COUNT, MONEY, cell_value
from vouchers.charts import BAR, HEATMAP, LINE, STACKED_BAR, Chart

CHARTS_SHEET_TITLE = "图表"
CHART_ROWS = 16  # rows a drawn chart covers (7.5 cm at the default row height)
YUAN_FORMAT, COUNT_FORMAT = "#,##0.00", "#,##0"
Cell = Callable[[Any, Any, str | None], Any]


def charts_sheet(workbook: Workbook, charts: list[Chart], *, cell: Cell) -> None:
    """Append the charts sheet: per chart a title, its table and the chart (or colours)."""
    sheet = workbook.create_sheet(CHARTS_SHEET_TITLE)
    row = 1
    for chart in charts:
        row = _chart_block(sheet, chart, first_row=row, cell=cell)


def _chart_block(sheet, chart: Chart, *, first_row: int, cell: Cell) -> int:
    """Writes one chart's block from `first_row`; returns the next block's first row."""
    head, rows = _table(chart)
    kind, number_format = (MONEY, YUAN_FORMAT) if chart.money else (COUNT, COUNT_FORMAT)
    sheet.append([_bold(sheet, chart.title)])
    sheet.append([_bold(sheet, text) for text in head])
    for label, values in rows:
        figures = [cell(sheet, cell_value(value, kind), number_format) for value in values]
        sheet.append([cell(sheet, label, None), *figures])
    header_row, last_row = first_row + 1, first_row + 1 + len(rows)
    anchor = f"{get_column_letter(len(head) + 2)}{first_row}"
    if chart.kind == HEATMAP:
        _colour_scale(sheet, header_row, last_row, len(head))
    elif rows:
        sheet.add_chart(_drawn(chart, sheet, header_row, last_row, len(head)), anchor)
    height = max(len(rows) + 2, CHART_ROWS if chart.kind != HEATMAP else 0)
    for _blank in range(height - len(rows)):  # down to the block's end, then a gap of two
        sheet.append([])
    return first_row + height + 2


def _table(chart: Chart) -> tuple[list[str], list[tuple[str, list[int]]]]:
    if chart.kind == HEATMAP:  # a matrix: a row per series, a column per category
        return ([chart.series_title, *chart.categories],
                [(series.name, series.values) for series in chart.series])
    return ([chart.category_title, *(series.name for series in chart.series)],
            [(label, [series.values[index] for series in chart.series])
             for index, label in enumerate(chart.categories)])


def _drawn(chart: Chart, sheet, header_row: int, last_row: int, columns: int):
    drawn: LineChart | BarChart
    if chart.kind == LINE:
        drawn = LineChart()
    else:
        drawn = BarChart()
        drawn.type = "bar"  # horizontal: long category names stay readable
        if chart.kind == STACKED_BAR:
            drawn.grouping, drawn.overlap = "stacked", 100
    assert chart.kind in (LINE, BAR, STACKED_BAR)  # noqa: S101 (heat maps are coloured)
    drawn.title = chart.title
    drawn.y_axis.title = "元" if chart.money else ""
    drawn.x_axis.title = chart.category_title
    # openpyxl ≥ 3.1 writes axes as deleted unless told otherwise; Excel would hide them.
    drawn.x_axis.delete = drawn.y_axis.delete = False
    drawn.y_axis.number_format = COUNT_FORMAT
    drawn.height, drawn.width = 7.5, 16
    drawn.add_data(Reference(sheet, min_col=2, max_col=columns, min_row=header_row,
                             max_row=last_row), titles_from_data=True)
    # Categories are text (months, names): a string reference, not set_categories' numRef.
    labels = Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last_row)
    for series in drawn.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))
    return drawn


def _colour_scale(sheet, header_row: int, last_row: int, columns: int) -> None:
    cells = f"B{header_row + 1}:{get_column_letter(columns)}{last_row}"
    sheet.conditional_formatting.add(cells, ColorScaleRule(
        start_type="num", start_value=0, start_color="F3F7FB",
        mid_type="percentile", mid_value=50, mid_color="8FB8DE",
        end_type="max", end_color="3A78B5",
    ))


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell
