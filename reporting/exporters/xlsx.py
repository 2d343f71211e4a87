"""XLSX: one sheet per section, amounts as numbers in yuan, frozen header, write-only mode."""

from __future__ import annotations

from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from accounts.downloads import neutralise_cell
from reporting.services.documents import MONEY, ReportDocument

YUAN_FORMAT = "#,##0.00"
SHEET_TITLE_MAX = 31  # Excel's limit


def render_xlsx(document: ReportDocument, output: BinaryIO) -> None:
    """Rows stream into a write-only workbook: memory stays flat however many rows."""
    workbook = Workbook(write_only=True)
    _summary_sheet(workbook, document)
    for section in document.sections:
        sheet = workbook.create_sheet(section.title[:SHEET_TITLE_MAX])
        sheet.freeze_panes = "A2"
        sheet.append([_bold(sheet, column.label) for column in section.columns])
        money = [column.kind == MONEY for column in section.columns]
        for cells in section.cells():
            sheet.append([_cell(sheet, value, is_money) for value, is_money in
                          zip(cells, money, strict=True)])
    workbook.save(output)


def _summary_sheet(workbook: Workbook, document: ReportDocument) -> None:
    sheet = workbook.create_sheet("概览")
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, "项目"), _bold(sheet, "数值")])
    for label, value in (("报表", document.title), ("期间", document.period),
                         ("主管部门", document.authority)):
        sheet.append([label, neutralise_cell(value)])
    for label, value, kind in document.headline:
        is_money = kind == MONEY
        number = value / 100 if is_money else value
        sheet.append([label, _cell(sheet, number, is_money)])


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet, value, is_money: bool):
    if isinstance(value, str):
        return neutralise_cell(value)  # text that looks like a formula stays text
    if is_money and value is not None:
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = YUAN_FORMAT
        return cell
    return value
