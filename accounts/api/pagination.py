"""Page-number pagination whose bounds are the schema's: anything else is a 400 problem.

DRF's own class falls back to the default size for `page_size=0`, `-5` or `null` and answers
`page=0` with a 404; here a page number or size the schema does not allow is refused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

MAX_PAGE_NUMBER = 2_147_483_647  # any page beyond the last is a 404; this only bounds the digits
_DIGITS = re.compile(r"[0-9]{1,10}")


if TYPE_CHECKING:
    _Paginator = Paginator[Any]  # generic in the stubs only
else:
    _Paginator = Paginator


class FirstPageCountingPaginator(_Paginator):
    """A first page with room to spare holds every row, so it is the count: no COUNT(*).

    Most lists asked for (an enterprise's vouchers, orders) fit on their first page; a full
    first page and any later page are counted as usual.
    """

    def page(self, number: Any) -> Page[Any]:
        if str(number) != "1" or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # fills the cached_property
        page: Page[Any] = self._get_page(  # type: ignore[attr-defined]  # not in the stubs
            rows, self.validate_number(1), self
        )
        return page


class PagePagination(PageNumberPagination):
    django_paginator_class = FirstPageCountingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()  # the schema says integer; "last" is not one

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = _bounded_integer(raw, maximum=self.max_page_size)
        if size is None:
            raise ValidationError({self.page_size_query_param: [
                _("每页条数应为 1 到 %(maximum)s 之间的整数") % {"maximum": self.max_page_size}
            ]})
        return size

    def get_page_number(self, request: Request, paginator: Paginator[Any]) -> int:
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        number = _bounded_integer(raw, maximum=MAX_PAGE_NUMBER)
        if number is None:
            raise ValidationError({self.page_query_param: [_("页码应为正整数")]})
        return number

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1, "maximum": MAX_PAGE_NUMBER},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size,
                                         "default": self.page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


def _bounded_integer(raw: str, *, maximum: int) -> int | None:
    """`raw` as an integer from 1 to `maximum`, or None: digits only (no sign, exponent, dot)."""
    if not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if 1 <= value <= maximum else None
