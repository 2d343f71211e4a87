"""The one idempotency protocol behind the API header and the one-time form tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from accounts.idempotency import (
    IdempotencyKeyReused,
    Outcome,
    RequestInFlight,
    idempotency_claim,
    idempotency_complete,
    idempotency_purge,
    idempotency_release,
    outcome_of,
)
from accounts.models import IdempotencyRecord
from accounts.tasks import purge_idempotency_keys
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


def test_a_claim_outside_a_request_transaction_is_refused():
    with pytest.raises(RuntimeError, match="request_transaction"):
        idempotency_claim(user=UserFactory(), key="k-1", method="POST", path="/x/",
                          request_hash="h-1", now=NOW)


def _stale_claim(user, *, age_seconds: int) -> IdempotencyRecord:
    """A claim committed in flight by an earlier version whose request died."""
    return IdempotencyRecord.objects.create(
        user=user, key="k-1", method="POST", path="/api/v1/orders/", request_hash="h-1",
        created_at=NOW - timedelta(seconds=age_seconds),
    )


@override_settings(IDEMPOTENCY_LEASE_SECONDS=30)
def test_a_claim_in_flight_within_its_lease_is_still_in_flight():
    user = UserFactory()
    _stale_claim(user, age_seconds=29)

    with pytest.raises(RequestInFlight):
        outcome_of(claim(user), request_hash="h-1")


@override_settings(IDEMPOTENCY_LEASE_SECONDS=30)
def test_a_claim_in_flight_past_its_lease_is_taken_over_by_the_retry():
    user = UserFactory()
    stale = _stale_claim(user, age_seconds=30)

    retry = claim(user)

    assert retry.first is True
    assert retry.record.pk == stale.pk
    assert IdempotencyRecord.objects.get().created_at == NOW


@override_settings(IDEMPOTENCY_LEASE_SECONDS=30)
def test_a_lapsed_claim_is_not_taken_over_by_another_request():
    user = UserFactory()
    _stale_claim(user, age_seconds=300)

    with pytest.raises(IdempotencyKeyReused):
        outcome_of(claim(user, request_hash="h-2"), request_hash="h-2")


@override_settings(IDEMPOTENCY_RETENTION_HOURS=24)
def test_the_purge_deletes_keys_older_than_the_retention():
    # Given keys created 25 h, exactly 24 h and 23 h before now
    user = UserFactory()
    for key, hours in [("old", 25), ("edge", 24), ("young", 23)]:
        IdempotencyRecord.objects.create(
            user=user, key=key, method="POST", path="/x/", request_hash="h", state="done",
            response_status=201, response_body={}, created_at=NOW - timedelta(hours=hours),
        )

    # When the purge runs at now
    purged = idempotency_purge(now=NOW)

    # Then only the key older than 24 h is gone
    assert purged == 1
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == ["edge", "young"]


def test_the_purge_is_scheduled_hourly():
    entry = settings.CELERY_BEAT_SCHEDULE["idempotency-purge"]
    assert entry == {"task": "accounts.tasks.purge_idempotency_keys", "schedule": 3600}
    assert purge_idempotency_keys.acks_late is True
