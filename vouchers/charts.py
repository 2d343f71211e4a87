"""Charts as data: a `Chart` holds its series in fen (or counts) with Chinese labels; pages
turn it into an ECharts spec (`static/js/charts.js`) plus a data table, the XLSX and PDF
exporters draw the same series.

Labels are Chinese source strings marked for translation (`gettext_noop`); a page passes
them through `gettext` when it renders, the files keep them in Chinese (docs/reporting.md).
Program and region names are data and stay as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.templatetags.money import format_yuan

BAR, STACKED_BAR, LINE, HEATMAP = "bar", "stacked_bar", "line", "heatmap"
KIND_NAMES = {BAR: gettext_noop("柱状图"), STACKED_BAR: gettext_noop("堆积柱状图"),
              LINE: gettext_noop("折线图"), HEATMAP: gettext_noop("热力图")}


@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: list[int]  # one per category: fen when the chart is money, else a count


@dataclass(frozen=True)
class Chart:
    """One chart: categories along the axis and one or more series over them. A heat map's
    categories are its columns and each series one of its rows (a matrix)."""

    key: str
    title: str
    kind: str
    categories: list[str]
    series: list[ChartSeries]
    money: bool = True
    category_title: str = ""  # what the categories are (月份, 服务地区)
    series_title: str = ""  # a heat map's rows (发券地区)

    def total(self, series: ChartSeries) -> int:
        return sum(series.values)


def yuan_number(fen: int) -> float:
    """Yuan as a chart coordinate (a chart draws, it does not account: tables show fen)."""
    return round(fen / 100, 2)


def label(text: str, translate: Callable[[str], str] = _) -> str:
    # gettext("") would answer the catalogue's header.
    return translate(text) if text else ""


def chart_spec(chart: Chart, translate: Callable[[str], str] = _) -> dict[str, Any]:
    """The JSON the page's script draws: labels translated, money in yuan."""
    number = yuan_number if chart.money else int
    return {
        "kind": chart.kind,
        "title": label(chart.title, translate),
        "unit": translate("元") if chart.money else "",
        "categories": [label(text, translate) for text in chart.categories],
        "categoryTitle": label(chart.category_title, translate),
        "seriesTitle": label(chart.series_title, translate),
        "series": [{"name": label(series.name, translate),
                    "data": [number(value) for value in series.values]}
                   for series in chart.series],
    }


def chart_summary(chart: Chart, translate: Callable[[str], str] = _) -> str:
    """A sentence for the chart's aria-label: its kind, title and each series' total."""
    figure = format_yuan if chart.money else str
    totals = translate("；").join(
        translate("%(name)s合计%(total)s") % {"name": label(s.name, translate),
                                              "total": figure(chart.total(s))}
        for s in chart.series
    )
    return translate("%(kind)s：%(title)s。%(totals)s。数据见图下的数据表。") % {
        "kind": translate(KIND_NAMES[chart.kind]), "title": label(chart.title, translate),
        "totals": totals,
    }


def chart_context(chart: Chart, *, element_id: str) -> dict[str, Any]:
    """What templates/charts/figure.html needs: the spec for the script, the summary and the
    data table (exact yuan from fen), readable without JavaScript."""
    figure = format_yuan if chart.money else str
    if chart.kind == HEATMAP:  # a matrix: rows are the series, columns the categories
        head = [label(chart.series_title), *(label(text) for text in chart.categories)]
        rows = [[label(s.name), *(figure(value) for value in s.values)] for s in chart.series]
    else:
        head = [label(chart.category_title), *(label(s.name) for s in chart.series)]
        rows = [[label(text), *(figure(s.values[index]) for s in chart.series)]
                for index, text in enumerate(chart.categories)]
    return {
        "id": element_id, "title": label(chart.title), "summary": chart_summary(chart),
        "spec": chart_spec(chart), "head": head, "rows": rows,
        "unit": "元" if chart.money else "",  # the caption says it in words
    }
