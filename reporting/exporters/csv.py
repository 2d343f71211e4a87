"""CSV: UTF-8 with BOM (Excel reads Chinese), formula-neutralised cells, written line by line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from accounts.downloads import csv_lines
from reporting.services.documents import ReportDocument


def render_csv(document: ReportDocument, output: BinaryIO) -> None:
    """Each section as a titled table under one header line; memory stays flat."""
    header = ["报表", document.title, "期间", document.period, "主管部门", document.authority]
    for line in csv_lines(header, _rows(document)):
        output.write(line.encode("utf-8"))


def _rows(document: ReportDocument) -> Iterator[list]:
    for section in document.sections:
        yield []
        yield [f"【{section.title}】"]
        yield [column.label for column in section.columns]
        yield from section.cells()
