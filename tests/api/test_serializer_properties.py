"""Property-based tests of the API's input serializers: any JSON either validates into
well-typed values within their bounds or is refused field by field — never an exception."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vouchers.api.applications import ApplicationSubmitApi
from vouchers.api.orders import OrderPlaceApi

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5),
                                                                      children, max_size=3),
    max_leaves=6,
)
MAX_FEN = 100_000_000_000  # accounts.amounts.MAX_AMOUNT_FEN, written out


def _payloads(fields: list[str]):
    return st.dictionaries(st.sampled_from(fields), json_values | st.integers(), max_size=6)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=_payloads(["program_id", "amount_fen", "purpose", "planned_categories"]))
@example(payload={"planned_categories": ["\x00"]})  # NUL reaches a code lookup (PostgreSQL)
def test_application_submit_input(db, payload):
    serializer = ApplicationSubmitApi.ApplicationSubmitInputSerializer(data=payload)
    if serializer.is_valid():
        data = serializer.validated_data
        assert 1 <= data["amount_fen"] <= MAX_FEN
        assert isinstance(data["purpose"], str)
        assert data["program_id"] >= 1
        assert data["planned_categories"]
    else:
        assert set(serializer.errors) <= set(payload) | {
            "program_id", "amount_fen", "purpose", "planned_categories", "non_field_errors"}


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=_payloads(["voucher_id", "institution_id", "category", "contract_number",
                          "total_fee_fen"]))
@example(payload={"category": "\x00"})  # CI found this one: a DataError on PostgreSQL
def test_order_place_input(db, payload):
    serializer = OrderPlaceApi.OrderPlaceInputSerializer(data=payload)
    if serializer.is_valid():
        assert 1 <= serializer.validated_data["total_fee_fen"] <= MAX_FEN
    else:
        assert serializer.errors


def test_a_control_character_is_refused_by_the_serializer_itself(db):
    # The parsers refuse it too; a serializer fed directly must still answer, not query.
    serializer = OrderPlaceApi.OrderPlaceInputSerializer(data={"category": "a\x00b"})
    assert not serializer.is_valid()
    assert serializer.errors["category"][0].code == "control_character"
