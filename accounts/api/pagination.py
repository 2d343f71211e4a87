from __future__ import annotations

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination


class FirstPageCountingPaginator(Paginator):
    """A first page with room to spare holds every row, so it is the count: no COUNT(*).

    Most lists asked for (an enterprise's vouchers, orders) fit on their first page; a full
    first page and any later page are counted as usual.
    """

    def page(self, number):
        if str(number) != "1" or self.orphans:
            return super().page(number)
        rows = list(self.object_list[: self.per_page])
        if len(rows) < self.per_page:
            self.__dict__["count"] = len(rows)  # fills the cached_property
        return self._get_page(rows, self.validate_number(1), self)


class PagePagination(PageNumberPagination):
    django_paginator_class = FirstPageCountingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
