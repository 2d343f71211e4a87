"""Renderers of a ReportDocument. They format; they never query or compute."""

from __future__ import annotations

from reporting.exporters.csv import render_csv
from reporting.exporters.pdf import render_pdf
from reporting.exporters.xlsx import render_xlsx

RENDERERS = {"csv": render_csv, "xlsx": render_xlsx, "pdf": render_pdf}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
