"""The ledger's use cases: open an account, post a batch of transfers, void expired holds.

`ledger_post` is the one way money moves. It joins the caller's transaction (voucher
services call it inside their own durable one) and posts its batch all or none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet

from vouchers.ledger.errors import AccountConflict
from vouchers.ledger.locks import accounts_lock
from vouchers.ledger.models import Account, Transfer
from vouchers.ledger.posting import post_batch
from vouchers.ledger.specs import TransferSpec

if TYPE_CHECKING:
    from accounts.models import User

# TransferSpec is part of the ledger's public interface, beside the services that take it.
__all__ = [
    "TransferSpec",
    "account_open",
    "expiry_key",
    "ledger_post",
    "ledger_void_expired",
]

EXPIRY_CHUNK = 500


def account_open(
    *,
    kind: str,
    owner_type: str,
    owner_id: str,
    name: str,
    debits_must_not_exceed_credits: bool = False,
    credits_must_not_exceed_debits: bool = False,
    now: datetime,
) -> Account:
    """Return the account of this kind and owner, creating it the first time.

    Joins the caller's transaction without a savepoint: the usual case is one SELECT, and
    get_or_create's insert has a savepoint of its own for a racing creation. An existing
    account with other limits is refused (`AccountConflict`) before any write: silently
    returning it would let a caller believe it is protected.
    """
    limits = {
        "debits_must_not_exceed_credits": debits_must_not_exceed_credits,
        "credits_must_not_exceed_debits": credits_must_not_exceed_debits,
    }
    account, created = Account.objects.get_or_create(
        kind=kind,
        owner_type=owner_type,
        owner_id=owner_id,
        defaults={"name": name, "created_at": now, **limits},
    )
    for field, submitted in limits.items():
        if not created and getattr(account, field) != submitted:
            raise AccountConflict(
                field=field, existing=getattr(account, field), submitted=submitted
            )
    return account


def ledger_post(
    *, transfers: Sequence[TransferSpec], now: datetime, actor: User | None = None
) -> list[Transfer]:
    """Post a batch of transfers, all or none, and return them in the order given.

    Accounts are locked in id order, every rule is checked against the running balances
    (a later spec may post or void a hold made earlier in the same batch), then the rows
    are bulk-inserted and the balances updated: a constant number of queries per batch.
    A key already written with the same fields returns the stored transfer unchanged; with
    a different field it raises `IdempotencyKeyReused` naming that field.
    Joins the caller's transaction without a savepoint (two round trips saved per batch):
    a refusal is raised before anything is written, so the caller's transaction stays
    usable; a batch cut short by a concurrent one marks that transaction for rollback.
    Outside a transaction it opens its own.
    """
    if transaction.get_connection().in_atomic_block:
        return post_batch(specs=transfers, now=now, actor=actor).transfers
    with transaction.atomic():
        return post_batch(specs=transfers, now=now, actor=actor).transfers


def expiry_key(pending: Transfer) -> str:
    """The idempotency key of the void that expires `pending`, stable across retries."""
    key = f"void-expired:{pending.idempotency_key}"
    if len(key) <= 200:
        return key
    return f"void-expired:sha256:{hashlib.sha256(pending.idempotency_key.encode()).hexdigest()}"


def _expired_holds(*, now: datetime) -> QuerySet[Transfer]:
    return Transfer.objects.filter(
        phase=Transfer.Phase.PENDING, timeout_at__lte=now, resolutions__isnull=True
    )


def ledger_void_expired(*, now: datetime) -> int:
    """Void every hold whose timeout has passed; return how many this run voided.

    Works in chunks, each its own durable transaction. Idempotent: each void has a key
    derived from its hold, and holds resolved meanwhile are skipped under the locks.
    """
    voided = 0
    last_pk = 0
    while True:
        with transaction.atomic(durable=True):
            chunk = list(
                _expired_holds(now=now).filter(pk__gt=last_pk).order_by("pk")[:EXPIRY_CHUNK]
            )
            if not chunk:
                return voided
            last_pk = chunk[-1].pk
            accounts_lock(
                {t.debit_account_id for t in chunk} | {t.credit_account_id for t in chunk}
            )
            # Under the locks: skip holds posted or voided since the first read.
            still = set(
                _expired_holds(now=now)
                .filter(pk__in=[t.pk for t in chunk])
                .values_list("pk", flat=True)
            )
            specs = [_expiry_spec(t) for t in chunk if t.pk in still]
            voided += post_batch(specs=specs, now=now, actor=None).created_count


def _expiry_spec(pending: Transfer) -> TransferSpec:
    return TransferSpec(
        idempotency_key=expiry_key(pending),
        phase=Transfer.Phase.VOID_PENDING,
        pending_key=pending.idempotency_key,
        business_type=pending.business_type,
        business_id=pending.business_id,
        memo="预留超时自动作废",
    )
