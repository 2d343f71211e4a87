"""The one idempotency protocol behind the API header and the one-time form tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from accounts.idempotency import (
    IdempotencyKeyReused,
    Outcome,
    RequestInFlight,
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
    outcome_of,
)
from accounts.models import IdempotencyRecord
from accounts.transactions import request_transaction
from devtools.factories.accounts import UserFactory

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
pytestmark = pytest.mark.django_db


def claim(user, key="k-1", request_hash="h-1"):
    with request_transaction():
        return idempotency_claim(
            user=user, key=key, method="POST", path="/api/v1/orders/",
            request_hash=request_hash, now=NOW,
        )


def test_the_first_request_claims_the_key_and_a_second_finds_it_in_flight():
    user = UserFactory()
    first = claim(user)
    second = claim(user)

    assert (first.first, second.first) == (True, False)
    assert second.record.pk == first.record.pk
    with pytest.raises(RequestInFlight) as caught:
        outcome_of(second, request_hash="h-1")
    assert (caught.value.code, caught.value.http_status) == ("idempotency_key_in_flight", 409)


def test_a_completed_request_is_replayed_with_its_outcome():
    user = UserFactory()
    idempotency_complete(claim(user), outcome=Outcome(status=201, body={"id": 7}))

    assert outcome_of(claim(user), request_hash="h-1") == Outcome(status=201, body={"id": 7})
    record = IdempotencyRecord.objects.get()
    assert (record.state, record.response_status) == ("done", 201)


def test_the_same_key_with_another_request_is_refused():
    user = UserFactory()
    idempotency_complete(claim(user), outcome=Outcome(status=201, body={"id": 7}))

    with pytest.raises(IdempotencyKeyReused) as caught:
        outcome_of(claim(user, request_hash="h-2"), request_hash="h-2")
    assert (caught.value.code, caught.value.http_status) == ("idempotency_key_reused", 422)


def test_a_released_key_can_be_claimed_again():
    user = UserFactory()
    idempotency_release(claim(user))

    assert claim(user).first is True
    assert IdempotencyRecord.objects.count() == 1


def test_keys_are_per_user():
    assert claim(UserFactory()).first is True
    assert claim(UserFactory()).first is True
