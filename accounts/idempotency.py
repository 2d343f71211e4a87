"""One protocol for requests that must take effect once: claim, run and store, in one
transaction.

Both the API's `Idempotency-Key` header (accounts/api/idempotency.py) and the web pages'
one-time form tokens (`submit_once` in accounts/views.py) are thin adapters over it:

1. inside `accounts.transactions.request_transaction()`, `idempotency_claim` inserts the key,
   or finds the earlier request with it;
2. the caller runs the request (its service joins the same transaction) and stores the
   response it answers with `idempotency_complete`, still inside that transaction: the effect
   and its stored response commit together, and a rolled-back request leaves no claim;
3. a later request with the same key gets `outcome_of` the first: its stored outcome, or
   `IdempotencyKeyReused` (another request under the key). A concurrent duplicate waits on
   the key's unique index until the first request's transaction ends, then replays it, or
   runs anew if the first rolled back.

A refusal (4xx: nothing was committed) is stored afterwards in its own transaction by
`idempotency_refusal_store`, so that its replay answers the same. Claims are never committed
`in_flight` any more; a row left so by an earlier version is `RequestInFlight` for
`IDEMPOTENCY_LEASE_SECONDS`, then taken over by the next request with its key.
`idempotency_purge` deletes keys older than `IDEMPOTENCY_RETENTION_HOURS`.

Keys are per user. Business records also carry derived keys into the ledger, so even a lost
response cannot move money twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from accounts.errors import Conflict, InvalidInput
from accounts.models import IdempotencyRecord, User
from accounts.transactions import in_request_transaction, service_transaction

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
    """Claim the key in the open request transaction, or return the earlier claim of the
    same user and key (waiting for its transaction to end first, if it is still running)."""
    if not in_request_transaction():
        raise RuntimeError("idempotency_claim runs inside accounts.transactions."
                           "request_transaction(), or a claim would commit on its own")
    record = IdempotencyRecord(
        user=user, key=key, method=method, path=path[:512], request_hash=request_hash,
        created_at=now,
    )
    if _insert_unless_taken(record):
        return Claim(record=record, first=True)
    record = IdempotencyRecord.objects.select_for_update().get(user=user, key=key)
    if record.request_hash == request_hash and _lease_lapsed(record, now=now):
        # Compare-and-set on the old claim's time: one retry takes it over.
        taken = IdempotencyRecord.objects.filter(
            pk=record.pk, state=IdempotencyRecord.State.IN_FLIGHT, created_at=record.created_at
        ).update(created_at=now)
        record.created_at = now
        return Claim(record=record, first=taken == 1)
    return Claim(record=record, first=False)


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
    """Store the request's outcome for replays, in the transaction of its effect."""
    IdempotencyRecord.objects.filter(pk=claim.record.pk).update(
        state=IdempotencyRecord.State.DONE,
        response_status=outcome.status,
        response_body=outcome.body,
    )


def idempotency_release(claim: Claim) -> None:
    """Free the key in the request transaction: the answer cannot be stored for a replay."""
    IdempotencyRecord.objects.filter(pk=claim.record.pk).delete()


def idempotency_refusal_store(
    *, user: User, key: str, method: str, path: str, request_hash: str, outcome: Outcome,
    now: datetime,
) -> None:
    """Store a refusal (nothing was committed) for replays, in a transaction of its own. If a
    retry claimed the key meanwhile, its answer is the one kept."""
    try:
        with transaction.atomic(durable=True):
            IdempotencyRecord.objects.create(
                user=user, key=key, method=method, path=path[:512], request_hash=request_hash,
                created_at=now, state=IdempotencyRecord.State.DONE,
                response_status=outcome.status, response_body=outcome.body,
            )
    except IntegrityError:
        pass


@service_transaction
def idempotency_purge(*, now: datetime) -> int:
    """Delete the keys older than the retention (IDEMPOTENCY_RETENTION_HOURS); how many."""
    cutoff = now - timedelta(hours=settings.IDEMPOTENCY_RETENTION_HOURS)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


_CLAIM_COLUMNS = ("user_id", "key", "method", "path", "request_hash", "state", "created_at")


def _insert_unless_taken(record: IdempotencyRecord) -> bool:
    """Insert the claim unless its key is taken (then False). ON CONFLICT DO NOTHING, rather
    than catching the unique violation, needs no savepoint; it waits on a concurrent claim
    of the key just as the violation did, and inserts if that claim rolled back."""
    quote = connection.ops.quote_name
    table = quote(IdempotencyRecord._meta.db_table)
    columns = ", ".join(quote(name) for name in _CLAIM_COLUMNS)
    values = [getattr(record, name) for name in _CLAIM_COLUMNS]
    values[-1] = connection.ops.adapt_datetimefield_value(record.created_at)
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(values))}) "  # noqa: S608 - fixed names
        f"ON CONFLICT ({quote('user_id')}, {quote('key')}) DO NOTHING RETURNING {quote('id')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return False
    record.pk = row[0]
    record._state.adding = False
    record._state.db = connection.alias
    return True


def _lease_lapsed(record: IdempotencyRecord, *, now: datetime) -> bool:
    lease = timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)
    return record.state == IdempotencyRecord.State.IN_FLIGHT and record.created_at + lease <= now
