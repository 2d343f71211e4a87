"""One protocol for requests that must take effect once: claim, then complete or release.

Both the API's `Idempotency-Key` header (accounts/api/idempotency.py) and the web pages'
one-time form tokens (`submit_once` in accounts/views.py) are thin adapters over it:

1. `idempotency_claim` records the key as in flight, or finds the earlier request with it;
2. the caller runs the request and stores its outcome with `idempotency_complete`, or, when
   it failed in a way worth retrying, frees the key with `idempotency_release`;
3. a later request with the same key gets `outcome_of` the first: its stored outcome, or
   `IdempotencyKeyReused` (another request under the key) or `RequestInFlight` (still
   running).

Keys are per user. Business records also carry derived keys into the ledger, so even a lost
response cannot move money twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from accounts.errors import Conflict, InvalidInput
from accounts.models import IdempotencyRecord, User

MAX_KEY_LENGTH = 200


class IdempotencyKeyReused(InvalidInput):
    code = "idempotency_key_reused"

    def __init__(self) -> None:
        super().__init__("该 Idempotency-Key 已用于另一个不同的请求，请使用新的键")


class RequestInFlight(Conflict):
    code = "idempotency_key_in_flight"

    def __init__(self) -> None:
        super().__init__("使用该 Idempotency-Key 的请求仍在处理中，请稍后重试")


@dataclass(frozen=True)
class Claim:
    """The record of a key; `first` is true when this request is the one to run."""

    record: IdempotencyRecord
    first: bool


@dataclass(frozen=True)
class Outcome:
    status: int
    body: Any


def idempotency_claim(
    *, user: User, key: str, method: str, path: str, request_hash: str, now: datetime
) -> Claim:
    """Claim `key` for this request, or return the earlier claim of the same user and key."""
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                user=user, key=key, method=method, path=path[:512],
                request_hash=request_hash, created_at=now,
            )
        return Claim(record=record, first=True)
    except IntegrityError:
        return Claim(record=IdempotencyRecord.objects.get(user=user, key=key), first=False)


def outcome_of(claim: Claim, *, request_hash: str) -> Outcome:
    """What an earlier request under the key answered; refuses another request or one
    still running."""
    record = claim.record
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused
    if record.state == IdempotencyRecord.State.IN_FLIGHT:
        raise RequestInFlight
    return Outcome(status=record.response_status or 0, body=record.response_body)


def idempotency_complete(claim: Claim, *, outcome: Outcome) -> None:
    """Store the request's outcome for replays."""
    IdempotencyRecord.objects.filter(pk=claim.record.pk).update(
        state=IdempotencyRecord.State.DONE,
        response_status=outcome.status,
        response_body=outcome.body,
    )


def idempotency_release(claim: Claim) -> None:
    """Free the key: the request failed before any effect, and the client may send it again."""
    IdempotencyRecord.objects.filter(pk=claim.record.pk).delete()
