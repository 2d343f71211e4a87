"""What every page shares: pagination, sorting, CSV switch and one-time form submits."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from accounts.confirm import Row, Summary, confirm_page, is_confirmed, money, wants_edit
from accounts.views import submit_once

PER_PAGE = 20
__all__ = ["Row", "Summary", "confirm_page", "int_or_none", "is_confirmed", "money", "now",
           "paginate", "sort", "submit_once", "wants_csv", "wants_edit", "yuan_text"]


def paginate(request: HttpRequest, items, per_page: int = PER_PAGE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def sort(request: HttpRequest, queryset: QuerySet, allowed: dict[str, str], default: str):
    """Order by `?sort=key` or `?sort=-key` among `allowed` (key → field); returns
    (queryset, the key in effect)."""
    key = request.GET.get("sort") or default
    field = allowed.get(key.removeprefix("-"))
    if field is None:
        key, field = default, allowed[default.removeprefix("-")]
    prefix = "-" if key.startswith("-") else ""
    return queryset.order_by(prefix + field, "-pk"), key


def wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def now():
    """The clock is read here, at the edge, and passed into the services."""
    return timezone.now()


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


YEARS = range(2000, 2101)  # a year a page may be asked about; anything else is ignored


def year_or_none(value: str | None) -> int | None:
    """A `?year=` of a page: a year the scheme can have data for, or None (no filter)."""
    year = int_or_none(value)
    return year if year in YEARS else None


def yuan_text(fen: int | None) -> str:
    """Yuan with two decimals for CSV cells (no symbol, no separators: spreadsheets sum them)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan}.{cents:02d}"
