"""Check your answers: a summary page before an action that moves money or ends a record.

The first submit of such a form is validated and answered with `confirm_page`: what will
happen, the amounts and the parties, and what cannot be undone, with everything submitted
carried as hidden fields (the one-time form token too, so the confirmed submit keeps its
double-submit protection). Only a POST carrying `confirmed=1` calls the service; "返回修改"
posts the same values back with `edit=1` (the view shows its form again, filled in) or is a
plain link back to the record when there is nothing to edit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

CONFIRM_FIELD = "confirmed"
EDIT_FIELD = "edit"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD, EDIT_FIELD}


@dataclass(frozen=True)
class Row:
    label: str | Promise
    value: Any
    is_money: bool = False  # integer fen, shown in yuan by the template


@dataclass
class Summary:
    """What the summary page says. `table` is optional: (headings, rows of cells, the
    indexes of the money columns)."""

    title: str | Promise
    button: str | Promise
    rows: list[Row]
    consequences: list[str | Promise]
    back_url: str | None = None
    destructive: bool = False
    table: tuple[list, list[list], set[int]] | None = None
    extra: dict = field(default_factory=dict)


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def wants_edit(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(EDIT_FIELD) == "1"


def money(label: str | Promise, fen: int | None) -> Row:
    return Row(label, fen, is_money=True)


def confirm_page(request: HttpRequest, summary: Summary) -> HttpResponse:
    """The summary page, posting back to the same URL with the submitted values."""
    carried = [(name, value) for name, values in request.POST.lists()
               if name not in _NOT_CARRIED for value in values]
    table = None
    if summary.table is not None:
        headings, cells, money_columns = summary.table
        table = {"headings": headings, "rows": [
            [{"value": value, "is_money": index in money_columns}
             for index, value in enumerate(row)] for row in cells]}
    return render(request, "includes/confirm.html", {
        "summary": summary, "carried": carried, "action": request.get_full_path(),
        "table": table,
    })
