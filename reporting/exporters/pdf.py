"""PDF: cover, headline figures, the cross-region matrix, charts and the tables.

Chinese is set in WenQuanYi Micro Hei, a TrueType (glyf) font vendored from Debian
(reporting/exporters/pdf_font.py) and embedded (subset) in the file, so any viewer renders it.
"""

from __future__ import annotations

import itertools
from typing import BinaryIO

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from accounts.templatetags.money import format_yuan
from reporting.exporters.pdf_font import cjk_font
from reporting.services.documents import MONEY, ReportDocument, Section

PDF_ROWS_LIMIT = 500  # longer lists are in the CSV and XLSX files
SERIES_COLOURS = [colors.HexColor("#1f77b4"), colors.HexColor("#ff7f0e"),
                  colors.HexColor("#2ca02c"), colors.HexColor("#d62728")]


def _styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    return {
        "cover": ParagraphStyle("cover", fontName=font, fontSize=24, leading=34, spaceAfter=12),
        "h1": ParagraphStyle("h1", fontName=font, fontSize=15, leading=22, spaceBefore=10,
                             spaceAfter=6),
        "body": ParagraphStyle("body", fontName=font, fontSize=10, leading=15),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=10),
    }


def render_pdf(document: ReportDocument, output: BinaryIO) -> None:
    styles = _styles()
    story = [
        Spacer(1, 50 * mm),
        Paragraph(document.title, styles["cover"]),
        Paragraph(f"统计期间：{document.period}", styles["body"]),
        Paragraph(f"主管部门：{document.authority}", styles["body"]),
        PageBreak(),
        Paragraph("主要数据", styles["h1"]),
        _table([["指标", "数值"], *[[label, _format(value, kind)]
                                    for label, value, kind in document.headline]]),
    ]
    sections = document.sections
    funnel = next((section for section in sections if section.key == "funnel"), None)
    if funnel is not None:
        story += [Paragraph(funnel.title, styles["h1"]), _transposed_table(funnel)]
        sections = [section for section in sections if section is not funnel]
    if document.charts:
        story += _annual_charts(document, styles)
    for section in sections:
        story += [Paragraph(section.title, styles["h1"]), _section_table(section, styles)]
    pdf = SimpleDocTemplate(output, pagesize=A4, title=document.title, author=document.authority,
                            leftMargin=15 * mm, rightMargin=15 * mm)
    pdf.build(story)


def _format(value, kind: str) -> str:
    if value is None:
        return "—"
    return format_yuan(value) if kind == MONEY else f"{value:,}"


def _table(rows: list[list], widths=None) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
    ]))
    return table


def _transposed_table(section: Section) -> Table:
    """A short, wide section (the funnel: twelve columns, one row per region) with its
    figures as rows and its rows as columns, so that it fits the page's width."""
    rows = list(section.rows())
    first, *figures = section.columns
    table = [["指标", *[str(row.get(first.key) or "") for row in rows]]]
    for column in figures:
        label = column.label.replace("（元）", "")
        table.append([label, *[_format(row.get(column.key), column.kind) for row in rows]])
    return _table(table)


def _section_table(section: Section, styles) -> Table | Paragraph:
    header = [Paragraph(column.label, styles["cell"]) for column in section.columns]
    rows = []
    for row in itertools.islice(section.rows(), PDF_ROWS_LIMIT + 1):
        rows.append([_format(row.get(c.key), c.kind) if c.kind != "text"
                     else Paragraph(str(row.get(c.key) or ""), styles["cell"])
                     for c in section.columns])
    if not rows:
        return Paragraph("（无）", styles["body"])
    if len(rows) > PDF_ROWS_LIMIT:
        rows = [*rows[:PDF_ROWS_LIMIT], [f"仅列出前{PDF_ROWS_LIMIT}行，完整清单见 CSV/XLSX"]]
    return _table([header, *rows])


def _annual_charts(document: ReportDocument, styles) -> list:
    by_flow, by_month = document.charts["by_flow"], document.charts["by_month"]
    regions = list(dict.fromkeys(cell["issuing_region_name"] for cell in by_flow))
    matrix = [["发券地区 \\ 服务地区", *regions]]
    for issuing in regions:
        cells = [c for c in by_flow if c["issuing_region_name"] == issuing]
        matrix.append([issuing, *[f"{format_yuan(c['service_fen'])}\n{c['orders']}单"
                                  for c in cells]])
    months = {row["month"]: row for row in by_month}
    monthly = [[(months.get(m, {}).get(key) or 0) / 100 for m in range(1, 13)]
               for key in ("service_fen", "redeemed_fen")]
    flows = [[next(c["service_fen"] for c in by_flow if c["issuing_region_name"] == issuing
                   and c["serving_region_name"] == serving) / 100 for issuing in regions]
             for serving in regions]
    return [
        Paragraph("跨区域流向矩阵（服务金额、订单数）", styles["h1"]),
        _table(matrix),
        Paragraph("月度服务金额与兑付金额（元）", styles["h1"]),
        _bar_chart([f"{m}月" for m in range(1, 13)], monthly, ["服务金额", "兑付金额"]),
        Paragraph("地区间服务流向（元，按发券地区，分服务地区）", styles["h1"]),
        _bar_chart(regions, flows, [f"服务地区：{name}" for name in regions]),
    ]


def _bar_chart(categories: list[str], series: list[list[float]], names: list[str]) -> Drawing:
    font = cjk_font()
    drawing = Drawing(170 * mm, 75 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 40, 30, 110 * mm, 55 * mm
    chart.data = series if any(any(values) for values in series) else [[0] * len(categories)]
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    for index in range(len(series)):
        chart.bars[index].fillColor = SERIES_COLOURS[index % len(SERIES_COLOURS)]
    legend = Legend()
    legend.x, legend.y = 125 * mm, 70 * mm
    legend.fontName, legend.fontSize = font, 7
    legend.colorNamePairs = [(SERIES_COLOURS[i % len(SERIES_COLOURS)], name)
                             for i, name in enumerate(names)]
    drawing.add(chart)
    drawing.add(legend)
    drawing.add(String(0, 0, "", fontName=font))
    return drawing
