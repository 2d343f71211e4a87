"""The lists' django-filter backend, skipped when a request names no filter, and its FilterSet.

A filter refuses what its schema forbids rather than reading it as "no filter": a record id
(a foreign key) is an integer from 1 to the largest bigint, matching nothing when no such
record is visible (not "not a valid choice", which told a client which ids exist elsewhere); an
integer is an integer, not 2024.5; a present but empty value of a non-text filter
(`state=`, `program=`) is a 400, as is a boolean spelled other than true/false/1/0.

Every date-time filter of every list (declared, or generated from `filterset_fields`) takes
any RFC 3339 timestamp, as its schema says (BoundedDateTimeMixin).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.widgets import BooleanWidget
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.filters import OrderingFilter

# Query parameters of the pagination (accounts.api.pagination) and of OrderingFilter.
NOT_FILTERS = frozenset({"page", "page_size", "ordering"})
# Primary keys are bigints (DEFAULT_AUTO_FIELD); a larger id names nothing.
MAX_ID = 2**63 - 1
MIN_INTEGER = -(2**63)
BOOLEAN_SPELLINGS = frozenset({"true", "false", "True", "False", "1", "0"})


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A record by its id: an integer from 1 to MAX_ID; an id nobody may see matches nothing."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "format": "int64", "minimum": MIN_INTEGER,
                      "maximum": MAX_ID})
class IntegerFilter(django_filters.NumberFilter):
    """An integer column: a whole number (django-filter's NumberFilter took 2024.5 as 2024)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_INTEGER)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ApiFilterSet(django_filters.FilterSet):
    """The base of every API filter set (FilterBackend.filterset_base, for the generated ones
    too): foreign keys and integer columns get the filters above."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.ForeignKey: {"filter_class": IdFilter},
        models.OneToOneField: {"filter_class": IdFilter},
        models.IntegerField: {"filter_class": IntegerFilter},
        models.BigIntegerField: {"filter_class": IntegerFilter},
        models.SmallIntegerField: {"filter_class": IntegerFilter},
        models.PositiveIntegerField: {"filter_class": IntegerFilter},
        models.PositiveSmallIntegerField: {"filter_class": IntegerFilter},
        models.PositiveBigIntegerField: {"filter_class": IntegerFilter},
    }


class FilterBackend(DjangoFilterBackend):  # type: ignore[misc]
    """Without a filter parameter every filter lets all rows through, so no FilterSet is built.

    Building one (a form with deep-copied fields, then its validation) was a tenth of the
    CPU time of an unfiltered list request.
    """

    filterset_base = ApiFilterSet

    def filter_queryset(self, request, queryset, view):
        if NOT_FILTERS.issuperset(request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = super().get_filterset(request, queryset, view)
        if filterset is not None:
            strengthen_filters(filterset.filters)
        return filterset


def strengthen_filters(filters: dict[str, Any]) -> None:
    """Give each filter of one FilterSet instance (its own deep copies) a strict form field:
    bounded date-times, no empty value for a non-text filter, booleans spelled one way."""
    for filter_ in filters.values():
        if isinstance(filter_, django_filters.BooleanFilter):
            filter_.extra["widget"] = StrictBooleanWidget
        strict = strict_field_class(filter_.field_class)
        if strict is not filter_.field_class:
            filter_.field_class = strict
            filter_.__dict__.pop("_field", None)  # a form field built before, lenient


@cache
def strict_field_class(field_class: type[forms.Field]) -> type[forms.Field]:
    mixins: list[type] = []
    if issubclass(field_class, forms.DateTimeField):
        mixins.append(BoundedDateTimeMixin)
    if issubclass(field_class, forms.NullBooleanField):
        mixins.append(StrictBooleanMixin)
    if not issubclass(field_class, forms.CharField) or issubclass(
        field_class, forms.DateTimeField
    ):
        mixins.append(PresentMeansValueMixin)
    mixins = [mixin for mixin in mixins if not issubclass(field_class, mixin)]
    if not mixins:
        return field_class
    return type(f"Strict{field_class.__name__}", (*mixins, field_class), {})


class PresentMeansValueMixin:
    """A filter named with an empty value (`state=`) is refused: its schema allows no empty
    string, and reading it as "no filter" hid a client's mistake. An absent one is None."""

    def to_python(self, value: Any) -> Any:
        if value == "" or value == []:
            raise ValidationError(_("参数值不能为空；不按此项筛选时请省略该参数"), code="empty")
        return super().to_python(value)  # type: ignore[misc]


class StrictBooleanWidget(BooleanWidget):
    """Hands an unknown spelling on (BooleanWidget reads it as None, "no filter")."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        return data.get(name) if value is None else value


class StrictBooleanMixin:
    """true/false/1/0, not Django's "anything else is unknown"."""

    def to_python(self, value: Any) -> Any:
        # django-filter's BooleanWidget has already read true/false/1/0 as a bool
        if value is not None and not isinstance(value, bool) and value not in BOOLEAN_SPELLINGS:
            raise ValidationError(_("请填写 true 或 false"), code="invalid")
        return super().to_python(value)  # type: ignore[misc]


class BoundedDateTimeMixin:
    """Any RFC 3339 timestamp filters, whatever its offset (up to ±23:59) and year.

    It is turned into UTC here: PostgreSQL refuses an offset beyond ±15:59 (a DataError, a 500),
    and Python cannot hold an instant before year 1 or after 9999 in UTC (an OverflowError), so
    such an instant becomes the earliest or latest one, which compares the same with every row.
    A timestamp without an offset is read in the platform's time zone (Asia/Shanghai).
    """

    def to_python(self, value: Any) -> datetime | None:
        parsed = parse_datetime(value.strip()) if isinstance(value, str) else None
        if parsed is None:
            return super().to_python(value)  # type: ignore[misc, no-any-return]
        offset = parsed.utcoffset()
        if offset is None:
            offset = timezone.get_current_timezone().utcoffset(parsed) or timedelta(0)
        return in_utc(parsed.replace(tzinfo=None), offset)


def in_utc(local: datetime, offset: timedelta) -> datetime:
    """The UTC instant of a wall time at `offset`, clamped to the years 1–9999."""
    try:
        return (local - offset).replace(tzinfo=UTC)
    except OverflowError:
        if offset > timedelta(0):
            return datetime.min.replace(tzinfo=UTC)
        return datetime.max.replace(tzinfo=UTC)


class StrictOrderingFilter(OrderingFilter):
    """An `ordering` the list does not offer is a 400 naming it, as the schema's enum says,
    rather than silently ignored."""

    def get_ordering(self, request: Any, queryset: Any, view: Any) -> Any:
        asked = request.query_params.get(self.ordering_param)
        if asked is not None and not asked.strip():
            raise serializers.ValidationError({self.ordering_param: [
                _("参数值不能为空；不按此项筛选时请省略该参数")]})
        if asked:
            terms = [term.strip() for term in asked.split(",")]
            offered = self.remove_invalid_fields(queryset, terms, view, request)
            refused = [term for term in terms if term not in offered]
            if refused:
                raise serializers.ValidationError({self.ordering_param: [
                    _("不支持的排序字段：%(fields)s") % {"fields": "、".join(refused)}]})
        return super().get_ordering(request, queryset, view)
