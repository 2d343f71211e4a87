"""The PDF's charts, drawn by reportlab (vector): the site's monthly trend, categories,
the 4 × 4 flow matrix (shaded) and the budget's use per issuing region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from accounts.templatetags.money import format_yuan
from reporting.exporters.pdf_font import cjk_font
from reporting.exporters.pdf_tables import month_label

WIDTH = 175 * mm
SERIES_COLOURS = [colors.HexColor("#1f77b4"), colors.HexColor("#ff7f0e"),
                  colors.HexColor("#2ca02c"), colors.HexColor("#d62728")]
MATRIX_COLOUR = colors.HexColor("#1f77b4")
Rows = Sequence[Mapping[str, Any]]


def _yuan_axis(value: float) -> str:
    return f"{value:,.0f}"


def _legend(drawing: Drawing, names: Sequence[str], *, x: float, y: float) -> None:
    legend = Legend()
    # One row of items, left to right from (x, y), each as wide as its name.
    legend.x, legend.y, legend.alignment = x, y, "right"
    legend.fontName, legend.fontSize = cjk_font(), 7.5
    legend.columnMaximum, legend.dx, legend.dy = 1, 8, 8
    legend.deltax = max(stringWidth(name, cjk_font(), 7.5) for name in names) + 24
    legend.autoXPadding = 12
    legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], name)
                             for i, name in enumerate(names)]
    drawing.add(legend)


def _bars(chart, categories: Sequence[str], series: list[list[float]]) -> None:
    font = cjk_font()
    # reportlab cannot scale an axis with nothing on it: an empty year is drawn as zeros.
    chart.data = series if any(any(values) for values in series) else [[0] * len(categories)]
    chart.categoryAxis.categoryNames = list(categories)
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName, axis.labels.fontSize = font, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = _yuan_axis
    chart.barSpacing, chart.groupSpacing = 1, 6
    for index in range(len(series)):
        chart.bars[index].fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        chart.bars[index].strokeColor = None


def _figure(rows: Rows, key: str) -> list[float]:
    return [(row.get(key) or 0) / 100 for row in rows]


def monthly_chart(by_month: Rows) -> Drawing:
    """Service and redeemed amounts, January to December (months without business at 0)."""
    months = {row["month"]: row for row in by_month}
    rows = [months.get(month, {}) for month in range(1, 13)]
    drawing = Drawing(WIDTH, 78 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 62, 22, WIDTH - 80, 62 * mm
    _bars(chart, [month_label(month) for month in range(1, 13)],
          [_figure(rows, "service_fen"), _figure(rows, "redeemed_fen")])
    drawing.add(chart)
    _legend(drawing, [_("服务金额"), _("兑付金额")], x=62, y=76 * mm)
    return drawing


def category_chart(by_category: Rows) -> Drawing:
    """Service and redeemed amounts per service category, one pair of bars each."""
    rows = list(by_category)
    height = max(50 * mm, (len(rows) * 9 + 16) * mm / 2.2)
    drawing = Drawing(WIDTH, height + 24)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 115, 18, WIDTH - 135, height - 18
    # Listed top to bottom in the table's order: reportlab draws the first category lowest.
    rows.reverse()
    _bars(chart, [str(row.get("category_name") or "") for row in rows],
          [_figure(rows, "service_fen"), _figure(rows, "redeemed_fen")])
    drawing.add(chart)
    _legend(drawing, [_("服务金额"), _("兑付金额")], x=115, y=height + 18)
    return drawing


def budget_chart(funnel: Rows) -> Drawing:
    """Per issuing region: the year's budget, the amount issued and the amount redeemed."""
    rows = list(funnel)
    drawing = Drawing(WIDTH, 72 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 22, WIDTH - 90, 56 * mm
    _bars(chart, [str(row.get("issuing_region_name") or "") for row in rows],
          [_figure(rows, "budget_fen"), _figure(rows, "issued_fen"),
           _figure(rows, "redeemed_fen")])
    drawing.add(chart)
    _legend(drawing, [_("年度预算"), _("发放金额"), _("兑付金额")], x=70, y=70 * mm)
    return drawing


def flow_matrix(by_flow: Rows) -> Drawing:
    """The 4 × 4 matrix, issuing region by row and serving region by column, each cell
    shaded by its service amount (the largest darkest) and labelled with it and its orders."""
    issuing = list(dict.fromkeys(str(cell["issuing_region_name"]) for cell in by_flow))
    serving = list(dict.fromkeys(str(cell["serving_region_name"]) for cell in by_flow))
    cells = {(str(c["issuing_region_name"]), str(c["serving_region_name"])): c for c in by_flow}
    largest = max((c.get("service_fen") or 0 for c in by_flow), default=0) or 1
    label_width, cell_width, cell_height = 32 * mm, 33 * mm, 13 * mm
    grid_top = len(issuing) * cell_height
    drawing = Drawing(WIDTH, grid_top + 14 * mm)
    font = cjk_font()
    drawing.add(String(0, grid_top + 10 * mm, _("发券地区 ↓ / 服务地区 →"), fontName=font,
                       fontSize=7.5))
    for column, name in enumerate(serving):
        drawing.add(String(label_width + (column + 0.5) * cell_width, grid_top + 2.5 * mm,
                           name, fontName=font, fontSize=8.5, textAnchor="middle"))
    for row, source in enumerate(issuing):
        y = grid_top - (row + 1) * cell_height
        drawing.add(String(2, y + cell_height / 2 - 3, source, fontName=font, fontSize=8.5))
        for column, target in enumerate(serving):
            cell = cells.get((source, target), {})
            _matrix_cell(drawing, cell, x=label_width + column * cell_width, y=y,
                         size=(cell_width, cell_height), share=(cell.get("service_fen") or 0)
                         / largest)
    return drawing


def _matrix_cell(drawing: Drawing, cell: Mapping[str, Any], *, x: float, y: float,
                 size: tuple[float, float], share: float) -> None:
    width, height = size
    fill = colors.linearlyInterpolatedColor(colors.white, MATRIX_COLOUR, 0, 1, share)
    drawing.add(Rect(x, y, width, height, fillColor=fill, strokeColor=colors.grey,
                     strokeWidth=0.3))
    ink = colors.white if share > 0.55 else colors.black
    texts = [format_yuan(cell.get("service_fen") or 0),
             _("%(count)s单") % {"count": f"{cell.get('orders') or 0:,}"}]
    for index, text in enumerate(texts):
        drawing.add(String(x + width / 2, y + height - 5 * mm - index * 4 * mm, text,
                           fontName=cjk_font(), fontSize=7.5, fillColor=ink,
                           textAnchor="middle"))
