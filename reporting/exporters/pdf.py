"""PDF: a report a regulator can sign (docs/reporting.md, "PDF").

Cover (title, year or period, region, 制表单位, generation time, data cut-off, signatures and
a place for the seal); then, under a running header and "第 n 页 / 共 N 页", the headline
figures, the funnel, the charts (each with its title on its page), the tables (header row
repeated, header cells never broken inside a word; wide tables on landscape pages) and an
appendix that defines every figure. Labels follow the active language (the worker's is
the site's default, Chinese); data (names of regions, categories, cities) is printed as it
is. Chinese is set in the vendored WenQuanYi Micro Hei (reporting/exporters/pdf_font.py).
"""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta
from typing import BinaryIO

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from reporting.exporters import pdf_appendix, pdf_charts
from reporting.exporters.pdf_font import cjk_font
from reporting.exporters.pdf_tables import (
    column_widths,
    fitted_table,
    format_cell,
    format_figure,
    styles,
)
from reporting.services.documents import SHANGHAI, ReportDocument, Section

PDF_ROWS_LIMIT = 500  # longer lists are in the CSV and XLSX files
MARGIN = 15 * mm
PORTRAIT_WIDTH = A4[0] - 2 * MARGIN
LANDSCAPE_WIDTH = landscape(A4)[0] - 2 * MARGIN
ANNUAL, RECONCILIATION, SPOT_CHECKS = "annual_totals", "reconciliation", "spot_checks"
TITLE_ROOM = 35 * mm  # a section title, its table's header and a few rows


def render_pdf(document: ReportDocument, output: BinaryIO) -> None:
    """The document as a signed-off report: cover, figures, charts, tables, appendix."""
    style = styles()
    story = [*_cover(document), NextPageTemplate("portrait"), PageBreak(),
             Paragraph(_("主要数据"), style["h1"]), _headline(document)]
    sections = list(document.sections)
    funnel = next((section for section in sections if section.key == "funnel"), None)
    if funnel is not None:
        sections.remove(funnel)
        story += [CondPageBreak(TITLE_ROOM), Paragraph(_(funnel.title), style["h1"]),
                  _transposed(funnel)]
    story += _charts(document, funnel)
    story += _tables(sections)
    story += _appendix(document)
    template = _template(output, document)
    template.build(story, canvasmaker=_numbered_canvas(_running_header(document)))


# The cover ------------------------------------------------------------------------------

def title_of(document: ReportDocument) -> str:
    if document.kind == ANNUAL and document.year:
        return _("%(year)s年度长三角科技创新券统计报告") % {"year": document.year}
    if document.kind == RECONCILIATION:
        return _("%(region)s创新券兑付对账报告") % {"region": document.region_name}
    if document.kind == SPOT_CHECKS and document.year:
        return _("%(year)s年度创新券兑付抽查结果与处罚报告") % {"year": document.year}
    return document.title


def _running_header(document: ReportDocument) -> str:
    if document.kind == ANNUAL and document.year:
        when = _("%(year)s年度") % {"year": document.year}
        return f"{_('长三角科技创新券年度统计报告')} · {when}"
    return f"{title_of(document)} · {_period(document)}"


def _period(document: ReportDocument) -> str:
    start, _sep, end = document.period.partition(" 至 ")
    return _("%(start)s 至 %(end)s") % {"start": start, "end": end} if end else start


def _region(document: ReportDocument) -> str:
    return document.region_name or _("长三角通用区域")


def beijing_time(moment: datetime | None) -> str:
    """"2025-01-01 00:00" as "2024-12-31 24:00": a cut-off at midnight ends the day before."""
    if moment is None:
        return "—"
    local = moment.astimezone(SHANGHAI)
    if local.time() == time.min:
        text = f"{(local - timedelta(days=1)).date().isoformat()} 24:00"
    else:
        text = local.strftime("%Y-%m-%d %H:%M")
    return _("%(time)s（北京时间）") % {"time": text}


def _cover(document: ReportDocument) -> list:
    style = styles()
    when = ((_("统计年度"), _("%(year)s年度") % {"year": document.year}) if document.year
            else (_("统计期间"), _period(document)))
    facts = [when, (_("统计区域"), _region(document)),
             (_("制表单位"), _(document.authority)),
             (_("生成时间"), beijing_time(document.generated_at)),
             (_("数据截至"), beijing_time(document.cut_off_at))]
    table = Table([[Paragraph(label, style["cover"]), Paragraph(value, style["cover"])]
                   for label, value in facts], colWidths=[32 * mm, 110 * mm])
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#bbbbbb")),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return [Spacer(1, 45 * mm), Paragraph(title_of(document), style["title"]),
            Paragraph(_region(document), style["subtitle"]), Spacer(1, 18 * mm), table,
            Spacer(1, 22 * mm), _signatures()]


def _signatures() -> Table:
    """Three signature lines beside a box for the issuing unit's seal."""
    style = styles()
    lines = Table([[Paragraph(_("%(label)s：") % {"label": label}, style["cover"]), ""]
                   for label in (_("制表人"), _("审核人"), _("负责人"), _("日期"))],
                  colWidths=[30 * mm, 54 * mm], rowHeights=12 * mm)
    lines.setStyle(TableStyle([("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    seal = Table([[Paragraph(_("盖章处"), style["cover"])]], colWidths=[45 * mm],
                 rowHeights=45 * mm)
    seal.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.black),
                              ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                              ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    block = Table([[lines, seal]], colWidths=[95 * mm, 55 * mm])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return block


# Figures, charts and tables -------------------------------------------------------------

def _headline(document: ReportDocument) -> Table:
    rows = [[_(label), format_figure(value, kind)] for label, value, kind in document.headline]
    table, _fits = fitted_table([_("指标"), _("数值")], rows, [True, False], PORTRAIT_WIDTH / 2)
    return table


def _transposed(section: Section) -> Table:
    """The funnel (twelve columns, a row per region) with its figures as rows and its regions
    as columns, so that it fits a portrait page."""
    rows = list(section.rows())
    first, *figures = section.columns
    headers = [_("指标"), *[str(row.get(first.key) or "") for row in rows]]
    body = [[_(column.label), *[format_figure(row.get(column.key), column.kind) for row in rows]]
            for column in figures]
    table, _fits = fitted_table(headers, body, [True] + [False] * len(rows), PORTRAIT_WIDTH)
    return table


def _charts(document: ReportDocument, funnel: Section | None) -> list:
    if not document.charts:
        return []
    charts = [(_("月度服务金额与兑付金额（元）"),
               pdf_charts.monthly_chart(document.charts.get("by_month", [])))]
    categories = next((s for s in document.sections if s.key == "by_category"), None)
    category_rows = list(categories.rows()) if categories is not None else []
    if category_rows:  # a year without deliveries has no category to draw
        charts.append((_("按服务类别的服务金额与兑付金额（元）"),
                       pdf_charts.category_chart(category_rows)))
    charts.append((_("跨区域流向矩阵（服务金额、订单数）"),
                   pdf_charts.flow_matrix(document.charts.get("by_flow", []))))
    funnel_rows = list(funnel.rows()) if funnel is not None else []
    if any(row.get("budget_fen") for row in funnel_rows):
        charts.append((_("预算使用（按发券地区，元）"), pdf_charts.budget_chart(funnel_rows)))
    style = styles()
    # A chart and its title always share a page.
    return [KeepTogether([Paragraph(title, style["h2"]), drawing, Spacer(1, 4 * mm)])
            for title, drawing in charts]


def _tables(sections: list[Section]) -> list:
    """Each section's table. If one is too wide for a portrait page, they all go on
    landscape pages (one orientation for the run of tables, not a page break at each)."""
    cells = [_cells(section) for section in sections]
    portrait = all(column_widths(headers, rows, wrapping, PORTRAIT_WIDTH)[1]
                   for headers, rows, wrapping, _more in cells if rows)
    if portrait:
        return [flowable for section, table in zip(sections, cells, strict=True)
                for flowable in _section(section, *table, width=PORTRAIT_WIDTH)]
    story: list = [NextPageTemplate("landscape"), PageBreak()]
    for section, table in zip(sections, cells, strict=True):
        story += _section(section, *table, width=LANDSCAPE_WIDTH)
    return [*story, NextPageTemplate("portrait")]


def _cells(section: Section) -> tuple[list[str], list[list[str]], list[bool], bool]:
    """Headers, the rows as text (at most the limit), which columns may wrap, whether rows
    were left out."""
    rows = [[format_cell(column, row.get(column.key)) for column in section.columns]
            for row in itertools.islice(section.rows(), PDF_ROWS_LIMIT + 1)]
    headers = [_(column.label) for column in section.columns]
    wrapping = [column.kind == "text" and column.key != "month" for column in section.columns]
    return headers, rows[:PDF_ROWS_LIMIT], wrapping, len(rows) > PDF_ROWS_LIMIT


def _section(section: Section, headers: list[str], rows: list[list[str]],
             wrapping: list[bool], more: bool, *, width: float) -> list:
    style = styles()
    # A title never ends a page: it starts one unless its header and a few rows fit below.
    title = [CondPageBreak(TITLE_ROOM), Paragraph(_(section.title), style["h1"])]
    if not rows:
        return [*title, Paragraph(_("（无）"), style["body"])]
    table, _fits = fitted_table(headers, rows, wrapping, width)
    flowables = [*title, table]
    if more:
        flowables.append(Paragraph(_("仅列出前%(limit)s行，完整清单见 CSV/XLSX")
                                   % {"limit": PDF_ROWS_LIMIT}, style["note"]))
    return flowables


def _appendix(document: ReportDocument) -> list:
    if document.kind not in (ANNUAL, RECONCILIATION, SPOT_CHECKS):
        return []
    style = styles()
    headers, rows = {ANNUAL: pdf_appendix.annual_rows, RECONCILIATION:
                     pdf_appendix.reconciliation_rows,
                     SPOT_CHECKS: pdf_appendix.spot_check_rows}[document.kind]()
    table, _fits = fitted_table(headers, rows, [True] * len(headers), PORTRAIT_WIDTH)
    return [PageBreak(), Paragraph(_("附录：指标定义"), style["h1"]), table,
            Spacer(1, 4 * mm), Paragraph(_("统计口径"), style["h2"]),
            *[Paragraph(f"{index}. {rule}", style["note"])
              for index, rule in enumerate(pdf_appendix.rules(document.kind), start=1)]]


# Pages ----------------------------------------------------------------------------------

def _template(output: BinaryIO, document: ReportDocument) -> BaseDocTemplate:
    template = BaseDocTemplate(output, pagesize=A4, title=title_of(document),
                               author=_(document.authority), leftMargin=MARGIN,
                               rightMargin=MARGIN, topMargin=20 * mm, bottomMargin=18 * mm)
    templates = []
    for name, size in (("cover", A4), ("portrait", A4), ("landscape", landscape(A4))):
        frame = Frame(MARGIN, 18 * mm, size[0] - 2 * MARGIN, size[1] - 38 * mm, id=name)
        templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
    template.addPageTemplates(templates)
    return template


def _numbered_canvas(header: str) -> type[Canvas]:
    """A canvas that holds its pages until the end, then writes the running header and
    "第 n 页 / 共 N 页" on every page but the cover (N is known only then)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                if self._pageNumber > 1:
                    self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.setFont(cjk_font(), 8)
            self.setFillColor(colors.HexColor("#444444"))
            self.drawString(MARGIN, height - 12 * mm, header)
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            self.line(MARGIN, height - 13.5 * mm, width - MARGIN, height - 13.5 * mm)
            self.drawCentredString(width / 2, 10 * mm, _("第 %(page)s 页 / 共 %(total)s 页")
                                   % {"page": self._pageNumber, "total": total})

    return NumberedCanvas
