"""CSV: UTF-8 with BOM (Excel reads Chinese), formula-neutralised cells, written line by line.

Layout (docs/reporting.md): one header line (报表, title, 期间, period, 主管部门, authority),
then sections, each a blank line, a title line `【title】`, a line of column names and its rows.
The first section is 【主要数据】, the headline figures (指标, 数值, 单位); money is in yuan
with two decimals, exact.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accounts.downloads import csv_lines
from reporting.services.documents import MONEY, ReportDocument, cell_value

HEADLINE_TITLE = "主要数据"
HEADLINE_COLUMNS = ["指标", "数值", "单位"]


def render_csv(document: ReportDocument, output: BinaryIO) -> None:
    """The headline and each section as a titled table under one header line; memory stays
    flat."""
    header = ["报表", document.title, "期间", document.period, "主管部门", document.authority]
    for line in csv_lines(header, _rows(document)):
        output.write(line.encode("utf-8"))


def _rows(document: ReportDocument) -> Iterator[list]:
    yield []
    yield [f"【{HEADLINE_TITLE}】"]
    yield HEADLINE_COLUMNS
    for label, value, kind in document.headline:
        yield [label, cell_value(value, kind), "元" if kind == MONEY else ""]
    for section in document.sections:
        yield []
        yield [f"【{section.title}】"]
        yield [column.label for column in section.columns]
        yield from section.cells()
