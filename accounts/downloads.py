"""Streaming CSV downloads that Excel opens correctly and that cannot smuggle formulas."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import quote

from django.http import StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
UTF8_BOM = "\ufeff"


def neutralise_cell(value: object) -> object:
    """Prefix a quote to text that a spreadsheet would read as a formula (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """UTF-8 text lines, BOM first, one row at a time: memory stays flat for any row count."""
    writer = csv.writer(_Echo())
    yield UTF8_BOM + writer.writerow(header)
    for row in rows:
        yield writer.writerow([neutralise_cell(value) for value in row])


def csv_response(
    *, filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
