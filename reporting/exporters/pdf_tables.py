"""The PDF's paragraph styles, cell formatting and tables sized so that no header breaks.

A header cell wraps only between words (English, at spaces), never inside one: each column
is at least as wide as its header's longest word, so "服务金额（元）" stays whole. Body text
(names) may wrap anywhere, CJK-style; figures never wrap.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from accounts.templatetags.money import format_yuan
from reporting.exporters.pdf_font import cjk_font
from reporting.services.documents import MONEY, Column

CELL_FONT_SIZE = 7.5
PADDING = 3  # points, each side of a cell
HEADER_BACKGROUND = colors.HexColor("#e8eef7")
TEXT_COLUMN_MIN = 40  # points: a name column may wrap, but not to a sliver
MONTHS = [gettext_noop(f"{month}月") for month in range(1, 13)]
# Text columns holding labels the document wrote in Chinese (a finding's kind and status),
# translated here; every other text column is data (names), printed as stored.
LABEL_COLUMNS = {"kind_label", "status"}


@cache
def styles() -> dict[str, ParagraphStyle]:
    font = cjk_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=24, leading=34,
                                alignment=TA_CENTER, wordWrap="CJK"),
        "subtitle": ParagraphStyle("subtitle", fontName=font, fontSize=14, leading=20,
                                   alignment=TA_CENTER, spaceBefore=8),
        "h1": ParagraphStyle("h1", fontName=font, fontSize=14, leading=20, spaceBefore=10,
                             spaceAfter=6),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=11.5, leading=16, spaceBefore=8,
                             spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK"),
        "note": ParagraphStyle("note", fontName=font, fontSize=8, leading=11, wordWrap="CJK",
                               textColor=colors.HexColor("#444444"), spaceBefore=3),
        "cover": ParagraphStyle("cover", fontName=font, fontSize=11, leading=16,
                                wordWrap="CJK"),
        # No wordWrap: a header breaks at spaces only, and its column is wide enough for
        # its longest word.
        "header": ParagraphStyle("header", fontName=font, fontSize=CELL_FONT_SIZE,
                                 leading=CELL_FONT_SIZE + 2.5),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=CELL_FONT_SIZE,
                               leading=CELL_FONT_SIZE + 2.5, wordWrap="CJK"),
    }


def month_label(month: int | None) -> str:
    """4 → "4月" ("Apr" in English)."""
    return _(MONTHS[int(month) - 1]) if month else "—"


def format_figure(value, kind: str) -> str:
    if value is None:
        return "—"
    return format_yuan(value) if kind == MONEY else f"{value:,}"


def format_cell(column: Column, value) -> str:
    if column.key == "month":
        return month_label(value)
    if column.key in LABEL_COLUMNS:
        return _(str(value)) if value else ""
    if column.kind == "text":
        return str(value) if value is not None else ""
    return format_figure(value, column.kind)


def _width(text: str, size: float = CELL_FONT_SIZE) -> float:
    return stringWidth(text, cjk_font(), size)


def column_widths(
    headers: Sequence[str], body: Sequence[Sequence[str]], wrapping: Sequence[bool],
    available: float,
) -> tuple[list[float], bool]:
    """Widths for the columns, and whether they fit `available`.

    Each column wants its whole header on one line and its longest value; at least it needs
    its header's longest word and, for a figure, its longest value (a name may wrap). When
    the wanted widths are too wide, every column gives up the same share of its slack.
    """
    wanted, needed = [], []
    for index, header in enumerate(headers):
        values = [_width(row[index]) for row in body if index < len(row)]
        longest = max(values, default=0.0)
        word = max((_width(token) for token in header.split()), default=0.0)
        wanted.append(max(_width(header), longest) + 2 * PADDING + 1)
        floor = min(longest, TEXT_COLUMN_MIN) if wrapping[index] else longest
        needed.append(max(word, floor) + 2 * PADDING + 1)
    if sum(wanted) <= available:
        spare = (available - sum(wanted)) / len(wanted)
        return [width + spare for width in wanted], True
    slack = sum(wanted) - sum(needed)
    share = max(0.0, (available - sum(needed)) / slack) if slack else 0.0
    return [n + (w - n) * share for n, w in zip(needed, wanted, strict=True)], (
        sum(needed) <= available)


def fitted_table(
    headers: Sequence[str], body: Sequence[Sequence[str]], wrapping: Sequence[bool],
    available: float,
) -> tuple[Table, bool]:
    """A table with a repeated header row, its widths from `column_widths`; whether it fits."""
    widths, fits = column_widths(headers, body, wrapping, available)
    rows = [[_cell(header, width, "header") for header, width in zip(headers, widths,
                                                                     strict=True)]]
    rows += [[_cell(text, width, "cell") for text, width in zip(row, widths, strict=True)]
             for row in body]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = table_style()
    for index, wraps in enumerate(wrapping):
        if not wraps:
            style.add("ALIGN", (index, 1), (index, -1), "RIGHT")
    table.setStyle(style)
    return table, fits


def _cell(text: str, width: float, style: str) -> str | Paragraph:
    """Text that fits its column as it is; a paragraph (wrapped by its style) otherwise.
    Plain strings are much cheaper for reportlab to lay out than paragraphs."""
    if _width(text) <= width - 2 * PADDING:
        return text
    return Paragraph(_escape(text), styles()[style])


def table_style() -> TableStyle:
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), cjk_font()),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_FONT_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BACKGROUND),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
