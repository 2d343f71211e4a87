"""XLSX: one sheet per section, amounts in yuan to the fen, frozen header, write-only mode.

Money never goes through a binary float here. An amount is written as the exact decimal text
of its yuan in a number cell (`<v>16000.01</v>`; Excel reads it as a double and shows
`#,##0.00`) while it has at most 15 significant digits — under 10¹⁵ fen (10 trillion yuan) —
the precision that a double keeps and Excel displays. A larger amount is written as a text
cell with its exact yuan (`100000000000298.45`), which no spreadsheet would round.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.downloads import neutralise_cell
from reporting.exporters.xlsx_charts import charts_sheet
from reporting.services.documents import COUNT, MONEY, ReportDocument, cell_value

YUAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
MONTH_FORMAT = "0"  # a month number, 1–12: no thousands separator to think about
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Yuan below this have at most 15 significant digits (13 + 2 decimals): exact as a number.
EXACT_NUMBER_LIMIT_YUAN = Decimal(10) ** 13
SHEET_TITLE_MAX = 31  # Excel's limits: 31 characters of title, 1,048,576 rows a sheet
ROWS_PER_SHEET = 1_048_576 - 1  # under the header row


def render_xlsx(document: ReportDocument, output: BinaryIO) -> None:
    """Rows stream into a write-only workbook: memory stays flat however many rows.

    A section longer than a sheet holds goes on over further sheets, "标题 (2)" and so on,
    each with its header, so that Excel opens every row instead of refusing the file.
    """
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, document)
    if document.chart_series:  # small tables only: the charts never reference long lists
        charts_sheet(workbook, document.chart_series, cell=_cell)
    for section in document.sections:
        formats = [column_format(column.key, column.kind) for column in section.columns]
        sheet, part, rows = _section_sheet(workbook, section, part=1), 1, 0
        for cells in section.cells():
            if rows == ROWS_PER_SHEET:
                part += 1
                sheet, rows = _section_sheet(workbook, section, part=part), 0
            sheet.append([_cell(sheet, value, number_format) for value, number_format in
                          zip(cells, formats, strict=True)])
            rows += 1
    workbook.save(output)


def column_format(key: str, kind: str) -> str | None:
    """The number format of a column's numbers: yuan, a month or a count."""
    if kind == MONEY:
        return YUAN_FORMAT
    if kind == COUNT:
        return MONTH_FORMAT if key == "month" else COUNT_FORMAT
    return None


def _section_sheet(workbook: Workbook, section, *, part: int):
    suffix = "" if part == 1 else f" ({part})"
    sheet = workbook.create_sheet(section.title[: SHEET_TITLE_MAX - len(suffix)] + suffix)
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, column.label) for column in section.columns])
    return sheet


def _summary_sheet(workbook: Workbook, document: ReportDocument) -> None:
    sheet = workbook.create_sheet("概览")
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, "项目"), _bold(sheet, "数值")])
    for label, value in (("报表", document.title), ("期间", document.period),
                         ("主管部门", document.authority)):
        sheet.append([label, neutralise_cell(value)])
    for label, figure, kind in document.headline:
        sheet.append([label, _cell(sheet, cell_value(figure, kind), column_format("", kind))])


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value, number_format: str | None):
    """A cell of the stream; every number and date carries its format."""
    if isinstance(value, str):
        return neutralise_cell(value)  # text that looks like a formula stays text
    if value is None or isinstance(value, bool):
        return value
    if number_format == YUAN_FORMAT:
        return _money_cell(sheet, value)
    if isinstance(value, datetime | date):
        number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    if isinstance(value, int | float | Decimal | datetime | date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = number_format or COUNT_FORMAT
        return cell
    return value


def _money_cell(sheet, yuan: Decimal) -> WriteOnlyCell:
    """Yuan to the fen: an exact number while 15 digits hold it, exact text beyond."""
    if abs(yuan) >= EXACT_NUMBER_LIMIT_YUAN:
        cell = WriteOnlyCell(sheet, value=f"{yuan:.2f}")
        cell.data_type = "s"
        return cell
    # The decimal text itself goes into <v>: openpyxl would format a number with "%.16g"
    # through a float, and a Decimal too.
    cell = WriteOnlyCell(sheet, value=f"{yuan:.2f}")
    cell.data_type = "n"
    cell.number_format = YUAN_FORMAT
    return cell
