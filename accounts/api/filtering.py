"""The lists' django-filter backend, skipped when a request names no filter.

Every date-time filter of every list (declared, or generated from `filterset_fields`) gets a
bounded form field here: a timestamp whose UTC offset is beyond ±14:00 (PostgreSQL refuses
offsets beyond ±15:59 with a DataError, a 500) or whose UTC instant falls outside years
1–9999 (an OverflowError in Python) is a 400 with a field error, like any malformed value.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers
from rest_framework.filters import OrderingFilter

# Query parameters of the pagination (accounts.api.pagination) and of OrderingFilter.
NOT_FILTERS = frozenset({"page", "page_size", "ordering"})
# The widest offsets in use anywhere: UTC-12:00 (Baker Island) to UTC+14:00 (Kiribati).
MAX_UTC_OFFSET = timedelta(hours=14)


class FilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    """Without a filter parameter every filter lets all rows through, so no FilterSet is built.

    Building one (a form with deep-copied fields, then its validation) was a tenth of the
    CPU time of an unfiltered list request.
    """

    def filter_queryset(self, request, queryset, view):
        if NOT_FILTERS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            bound_datetime_filters(filterset.filters)
        return filterset


def bound_datetime_filters(filters: dict[str, Any]) -> None:
    """Give each date-time filter of one FilterSet instance (its own deep copies) a bounded
    form field."""
    for filter_ in filters.values():
        field_class = filter_.field_class
        if issubclass(field_class, forms.DateTimeField) and not issubclass(
            field_class, BoundedDateTimeMixin
        ):
            filter_.field_class = bounded_field_class(field_class)
            filter_.__dict__.pop("_field", None)  # a form field built before, unbounded


@cache
def bounded_field_class(field_class: type[forms.DateTimeField]) -> type[forms.DateTimeField]:
    return type(f"Bounded{field_class.__name__}", (BoundedDateTimeMixin, field_class), {})


class BoundedDateTimeMixin:
    """A date-time form field refusing offsets beyond MAX_UTC_OFFSET and instants outside
    the years 1–9999 in UTC."""

    def to_python(self, value: Any) -> datetime | None:
        try:
            result: datetime | None = super().to_python(value)  # type: ignore[misc]
        except OverflowError as error:
            raise _out_of_range() from error
        if result is None:
            return None
        offset = result.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise ValidationError(_("时区偏移超出范围（最多 ±14:00）"), code="invalid")
        try:
            result.astimezone(UTC)
        except OverflowError as error:
            raise _out_of_range() from error
        return result


def _out_of_range() -> ValidationError:
    return ValidationError(_("日期时间超出范围（公元 1 年至 9999 年）"), code="invalid")


class StrictOrderingFilter(OrderingFilter):
    """An `ordering` the list does not offer is a 400 naming it, as the schema's enum says,
    rather than silently ignored."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        asked = request.query_params.get(self.ordering_param)
        if asked:
            terms = [term.strip() for term in asked.split(",")]
            offered = self.remove_invalid_fields(queryset, terms, view, request)
            refused = [term for term in terms if term not in offered]
            if refused:
                raise serializers.ValidationError({self.ordering_param: [
                    _("不支持的排序字段：%(fields)s") % {"fields": "、".join(refused)}]})
        return super().get_ordering(request, queryset, view)
