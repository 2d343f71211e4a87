"""Annual totals (年度统计): the year's figures and their breakdowns, grouped in the database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accounts.models import Region
from config.db_routers import reading_reports
from reporting import selectors
from reporting.funnel import annual_funnel
from reporting.selectors import FigureRow

Progress = Callable[[int, int], None]


def annual_totals_compute(
    *, year: int, region: Region | None, progress: Progress | None = None
) -> dict[str, Any]:
    """The headline figures, the funnel per issuing region and every breakdown of `year`, as
    plain JSON-ready data.

    `region` limits the figures to its business as issuer or as server (None: all regions);
    its funnel has its own row only (the issuer's money). Reads on the replica, if any: the
    figures may miss the last seconds of business (docs/scaling.md, "Read replicas").
    """
    with reading_reports():
        return _compute(year=year, region=region, progress=progress)


def _compute(*, year: int, region: Region | None, progress: Progress | None) -> dict[str, Any]:
    labels = selectors.reference_labels()
    figures = selectors.annual_figures(year=year, region=region)  # each source read once
    if progress:
        progress(1, 2)
    codes = list(Region.objects.order_by("code").values_list("short_code", flat=True))
    funnel = annual_funnel(year=year, region=region, by_issuer=figures.pop("by_issuer"),
                           region_codes=codes)
    result: dict[str, Any] = {
        "year": year,
        "region": region.short_code if region else None,
        "headline": figures["headline"],
        "funnel": [_labelled(row, labels) for row in funnel],
    }
    for name in selectors.BREAKDOWNS:
        if name in figures:
            result[name] = [_labelled(row, labels) for row in figures[name]]
    if progress:
        progress(2, 2)
    result["by_flow"] = _full_matrix(result["by_flow"], labels["region"], codes)
    return result


def _labelled(row: FigureRow, labels: dict[str, dict[str, str]]) -> FigureRow:
    for dim, table in (("issuing_region", "region"), ("serving_region", "region"),
                       ("category", "category"), ("city", "city")):
        if dim in row:
            row[f"{dim}_name"] = labels[table].get(row[dim], row[dim] or "")
    return row


def _full_matrix(
    rows: list[FigureRow], region_names: dict[str, str], codes: list[str]
) -> list[FigureRow]:
    """All 4 × 4 cells, zero where there was no business, in region-code order."""
    cells = {(row["issuing_region"], row["serving_region"]): row for row in rows}
    matrix = []
    for issuing in codes:
        for serving in codes:
            empty = selectors._empty_row(("issuing_region", "serving_region"), (issuing, serving))
            empty["returned_fen"] = None
            cell = cells.get((issuing, serving), empty)
            cell["issuing_region_name"] = region_names[issuing]
            cell["serving_region_name"] = region_names[serving]
            matrix.append(cell)
    return matrix
