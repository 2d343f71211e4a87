"""Small pieces shared by the voucher API views: money fields, scoped lookups, the clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from accounts.amounts import MAX_AMOUNT_FEN, InvalidAmount, fen_check
from accounts.api.problems import ProblemSerializer
from vouchers.as_of import as_of_moment

INVOICE_CODE_HELP = (
    "发票代码: 10 or 12 digits for an older VAT invoice; empty for a fully digital invoice "
    "(数电票)"
)
INVOICE_NUMBER_HELP = (
    "发票号码: 20 digits for a fully digital invoice (数电票), 8 digits with an invoice_code "
    "for an older VAT invoice; full-width digits, spaces and dashes are folded"
)


class FenField(serializers.IntegerField):
    """An amount in fen under the one amount rule (accounts.amounts.fen_check): the same
    maximum and refusal codes as the web forms' yuan fields. Documented as an integer."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_AMOUNT_FEN, **kwargs)

    def to_internal_value(self, data) -> int:
        try:
            return fen_check(data)
        except InvalidAmount as error:
            raise serializers.ValidationError(error.message, code=error.code) from error


def fen_field(**kwargs) -> FenField:
    """An amount in fen: an integer from 1 to MAX_AMOUNT_FEN (10⁹ yuan)."""
    return FenField(**kwargs)


def basis_points_field(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=10_000, **kwargs)


def visible_or_404(queryset: QuerySet, pk: int) -> Model:
    """The object if it is in the actor's scoped queryset; otherwise 404, whoever owns it."""
    return get_object_or_404(queryset, pk=pk)


def now() -> datetime:
    """The clock is read here, at the edge, and passed into the services."""
    return timezone.now()


def decide(
    request, *, records: QuerySet, pk: int, service: Callable[..., Any], record_name: str,
    body: type[serializers.Serializer] | None = None,
) -> Any:
    """One decision on one record (approve, reject, return, recommend, withdraw, lift...):
    the record among those the caller sees (404 otherwise), the body checked by `body` (none:
    no fields), then one service call with the caller and the clock. Returns what the service
    returns."""
    record = visible_or_404(records, pk)
    fields: dict[str, Any] = {}
    if body is not None:
        data = body(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
    return service(actor=request.user, now=now(), **{record_name: record}, **fields)


# Kept for the views that name their problem statuses; the schema class (accounts.api.schema)
# serves them as application/problem+json and adds the statuses a view does not name.
PROBLEM = OpenApiResponse(ProblemSerializer, description="Problem details (RFC 9457)")


def responses(ok: dict, *statuses: int) -> dict:
    """`ok` (status → serializer) plus problem responses for `statuses`."""
    return {**ok, **{status: PROBLEM for status in statuses}}


AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    {"oneOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]},
    required=False,
    description="Balances as of a past moment, from the journal: an ISO date (the end of that "
    "day, 23:59:59.999999 Beijing time) or datetime (no offset: Beijing time); transfers "
    "posted at or before it count, holds posted or voided later were still pending. Anything "
    "else: 400 as_of_invalid.",
)


def as_of_or_none(request) -> datetime | None:
    """The moment of the request's `?as_of=`, None without one; AsOfInvalid if unreadable."""
    value = request.query_params.get("as_of")
    return None if value is None else as_of_moment(value)
