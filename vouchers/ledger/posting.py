"""The batch engine behind `ledger_post`: validate, lock, check, write. Internal to the ledger.

A batch costs a constant number of queries whatever its size: one to read the pending
transfers it resolves, one to lock its accounts, one for existing keys, one for earlier
resolutions, at most two inserts (posted transfers and holds first, so that posts and voids
in the same batch can point at those holds) and one update of the balances. A single
transfer is four statements between BEGIN and COMMIT, as many as pgbench's TPC-B script.

The writes are hand-written SQL on purpose: the ORM's `bulk_update` compiles a CASE per
column per account and `bulk_create` cannot skip conflicts and return ids at once, and
together they were most of the time of a transfer (docs/benchmarks.md, benchmark 1).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, transaction
from django.db.models import DateTimeField

from vouchers.ledger import checks
from vouchers.ledger.errors import (
    AccountNotFound,
    AmountExceedsPending,
    ConcurrentTransferConflict,
    InvalidTransfer,
    PendingTransferNotFound,
)
from vouchers.ledger.locks import accounts_lock
from vouchers.ledger.models import Account, Transfer

if TYPE_CHECKING:
    from vouchers.ledger.specs import TransferSpec

Phase = Transfer.Phase


@dataclass
class PostResult:
    transfers: list[Transfer]
    created_count: int


@dataclass
class _Batch:
    specs: Sequence[TransferSpec]
    now: datetime
    actor: Any
    stored_pendings: dict[str, Transfer] = field(default_factory=dict)
    pendings: dict[str, Transfer] = field(default_factory=dict)  # stored, then this batch's
    resolved: dict[str, Transfer] = field(default_factory=dict)  # pending key -> resolution
    accounts: dict[int, Account] = field(default_factory=dict)
    touched: set[int] = field(default_factory=set)


def post_batch(*, specs: Sequence[TransferSpec], now: datetime, actor: Any) -> PostResult:
    """Post `specs` all or none; the caller holds the transaction."""
    if not specs:
        return PostResult([], 0)
    checks.check_shapes(specs)
    batch = _Batch(specs=specs, now=now, actor=actor)
    batch.stored_pendings = _pendings(specs)
    batch.pendings = dict(batch.stored_pendings)
    batch.accounts = accounts_lock(_account_ids(batch))
    # Read after locking: a concurrent batch on the same accounts has committed by now.
    existing = _existing(specs)
    results: list[Transfer | None] = [None] * len(specs)
    new: list[tuple[int, TransferSpec]] = []
    for index, spec in enumerate(specs):
        if spec.idempotency_key in existing:
            checks.check_replay(spec, existing[spec.idempotency_key])
            results[index] = existing[spec.idempotency_key]
        else:
            new.append((index, spec))
    batch.resolved = _resolutions(batch.stored_pendings)
    built = [(index, _apply(batch, spec)) for index, spec in new]
    _write(batch, [transfer for _, transfer in built])
    for index, transfer in built:
        results[index] = transfer
    return PostResult([t for t in results if t is not None], len(built))


def _pendings(specs: Sequence[TransferSpec]) -> dict[str, Transfer]:
    keys = {spec.pending_key for spec in specs if spec.pending_key}
    if not keys:
        return {}
    # Holds never change once written, so reading them before the locks is safe.
    return {
        transfer.idempotency_key: transfer
        for transfer in Transfer.objects.filter(
            idempotency_key__in=keys, phase=Phase.PENDING
        ).order_by()
    }


def _account_ids(batch: _Batch) -> set[int]:
    """Named accounts, and the accounts of the stored holds the batch resolves.

    A hold made earlier in this batch names its own accounts, so they are in already.
    """
    ids: set[int] = set()
    for spec in batch.specs:
        ids.update(i for i in (spec.debit_account_id, spec.credit_account_id) if i is not None)
        pending = batch.stored_pendings.get(spec.pending_key)
        if pending is not None:
            ids.update((pending.debit_account_id, pending.credit_account_id))
    return ids


def _existing(specs: Sequence[TransferSpec]) -> dict[str, Transfer]:
    keys = [spec.idempotency_key for spec in specs]
    return {
        transfer.idempotency_key: transfer
        # No ORDER BY: the journal's default newest-first order costs a sort per batch.
        for transfer in Transfer.objects.filter(idempotency_key__in=keys)
        .select_related("pending_transfer")
        .order_by()
    }


def _resolutions(pendings: dict[str, Transfer]) -> dict[str, Transfer]:
    if not pendings:
        return {}
    key_by_id = {pending.pk: key for key, pending in pendings.items()}
    return {
        key_by_id[resolution.pending_transfer_id]: resolution  # type: ignore[index]  # filtered on it
        for resolution in Transfer.objects.filter(
            pending_transfer_id__in=list(key_by_id)
        ).order_by()
    }


def _account(batch: _Batch, account_id: int | None, spec: TransferSpec) -> Account:
    account = batch.accounts.get(account_id) if account_id is not None else None
    if account is None:
        raise AccountNotFound(account_id, idempotency_key=spec.idempotency_key)
    batch.touched.add(account.pk)
    return account


def _apply(batch: _Batch, spec: TransferSpec) -> Transfer:
    """Check one new spec against the running balances, apply it, return its unsaved row."""
    if spec.phase in (Phase.POSTED, Phase.PENDING):
        return _apply_direct(batch, spec)
    return _apply_resolution(batch, spec)


def _apply_direct(batch: _Batch, spec: TransferSpec) -> Transfer:
    debit = _account(batch, spec.debit_account_id, spec)
    credit = _account(batch, spec.credit_account_id, spec)
    amount = spec.amount_fen or 0
    checks.check_timeout(spec, now=batch.now)
    checks.check_limits(debit, credit, amount=amount, idempotency_key=spec.idempotency_key)
    row = _row(batch, spec, debit=debit, credit=credit, amount=amount)
    if spec.phase == Phase.POSTED:
        debit.debits_posted_fen += amount
        credit.credits_posted_fen += amount
    else:
        debit.debits_pending_fen += amount
        credit.credits_pending_fen += amount
        batch.pendings[spec.idempotency_key] = row
    return row


def _apply_resolution(batch: _Batch, spec: TransferSpec) -> Transfer:
    pending = batch.pendings.get(spec.pending_key)
    if pending is None:
        raise PendingTransferNotFound(
            pending_key=spec.pending_key, idempotency_key=spec.idempotency_key
        )
    checks.check_resolvable(spec, pending, batch.resolved.get(spec.pending_key), now=batch.now)
    checks.check_resolution_accounts(spec, pending)
    amount = _resolution_amount(spec, pending)
    debit = _account(batch, pending.debit_account_id, spec)
    credit = _account(batch, pending.credit_account_id, spec)
    debit.debits_pending_fen -= pending.amount_fen
    credit.credits_pending_fen -= pending.amount_fen
    if spec.phase == Phase.POST_PENDING:
        debit.debits_posted_fen += amount
        credit.credits_posted_fen += amount
    row = _row(batch, spec, debit=debit, credit=credit, amount=amount)
    # A hold of this batch has no id yet: bulk_create fills it in before this row is written.
    row.pending_transfer = pending
    batch.resolved[spec.pending_key] = row
    return row


def _resolution_amount(spec: TransferSpec, pending: Transfer) -> int:
    if spec.amount_fen is None:
        return pending.amount_fen
    if spec.amount_fen > pending.amount_fen:
        raise AmountExceedsPending(
            pending_key=spec.pending_key,
            idempotency_key=spec.idempotency_key,
            pending_fen=pending.amount_fen,
            requested_fen=spec.amount_fen,
        )
    if spec.phase == Phase.VOID_PENDING and spec.amount_fen != pending.amount_fen:
        raise InvalidTransfer(
            "作废预留时金额须为空或等于预留金额",
            idempotency_key=spec.idempotency_key,
            field="amount_fen",
        )
    return spec.amount_fen


def _row(
    batch: _Batch, spec: TransferSpec, *, debit: Account, credit: Account, amount: int
) -> Transfer:
    return Transfer(
        idempotency_key=spec.idempotency_key,
        debit_account=debit,
        credit_account=credit,
        amount_fen=amount,
        phase=spec.phase,
        timeout_at=spec.timeout_at,
        business_type=spec.business_type,
        business_id=spec.business_id,
        memo=spec.memo,
        actor=batch.actor if batch.actor is not None and batch.actor.pk else None,
        created_at=batch.now,
    )


def _write(batch: _Batch, rows: list[Transfer]) -> None:
    if not rows:
        return
    direct = [row for row in rows if row.phase not in Transfer.RESOLVING_PHASES]
    resolutions = [row for row in rows if row.phase in Transfer.RESOLVING_PHASES]
    # No savepoint: a row that meets a unique index (the same key or the same hold written
    # by a concurrent batch on other accounts, which our locks do not serialise) is skipped
    # by ON CONFLICT DO NOTHING, so the transaction stays usable to explain the refusal.
    inserted = _insert(direct)
    for row in resolutions:  # a hold of this batch has its id only now
        # A resolving phase always names its hold.
        row.pending_transfer_id = cast("Transfer", row.pending_transfer).pk
    inserted += _insert(resolutions)
    if inserted < len(rows):
        try:
            _explain_conflict(batch, rows)
        finally:
            # Part of the batch may be written: the caller's transaction must not commit it.
            transaction.set_rollback(True)
        raise ConcurrentTransferConflict
    _update_balances([batch.accounts[account_id] for account_id in sorted(batch.touched)])


# Identifiers below come from the models; every value is a query parameter.
_TRANSFER_FIELDS = [field for field in Transfer._meta.concrete_fields if not field.primary_key]
_BALANCE_COLUMNS = (
    "debits_pending_fen",
    "debits_posted_fen",
    "credits_pending_fen",
    "credits_posted_fen",
)


def _row_sources(
    types: list[str], rows: list[tuple[Any, ...]]
) -> Iterator[tuple[str, list[Any]]]:
    """`(SQL yielding these rows, its parameters)`, as many as the database needs.

    PostgreSQL: one `unnest` of one array per column, a short fixed text whatever the
    batch size (psycopg parses a text with a placeholder per value in Python, which cost
    more than the insert itself for a batch of 100). SQLite: VALUES lists under its cap
    on parameters.
    """
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{column_type}[]" for column_type in types)
        source = f"SELECT * FROM unnest({arrays})"  # noqa: S608 - column types from the models
        yield source, [list(column) for column in zip(*rows, strict=True)]
        return
    per_statement = max(1, (connection.features.max_query_params or 999) // len(types))
    placeholders = "(" + ", ".join(["%s"] * len(types)) + ")"
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        yield (
            "VALUES " + ", ".join([placeholders] * len(chunk)),
            [value for row in chunk for value in row],
        )


def _insert(rows: list[Transfer]) -> int:
    """Insert the rows, skipping any that meets a unique index; fill in the ids; return how
    many were written."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(Transfer._meta.db_table)
    columns = ", ".join(quote(str(field.column)) for field in _TRANSFER_FIELDS)
    types = [str(field.db_type(connection)) for field in _TRANSFER_FIELDS]
    # Only the date-times need the backend's conversion (SQLite stores them as text); the
    # other values are already plain ints and strings, checked by check_shapes.
    converters = [
        (lambda value, field=field: field.get_db_prep_save(value, connection))
        if isinstance(field, DateTimeField)
        else None
        for field in _TRANSFER_FIELDS
    ]
    attnames = [field.attname for field in _TRANSFER_FIELDS]
    values = [
        tuple(
            getattr(row, attname) if convert is None else convert(getattr(row, attname))
            for attname, convert in zip(attnames, converters, strict=True)
        )
        for row in rows
    ]
    by_key = {row.idempotency_key: row for row in rows}
    written = 0
    for source, params in _row_sources(types, values):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}) {source} ON CONFLICT DO NOTHING "
                f"RETURNING {quote('id')}, {quote('idempotency_key')}",
                params,
            )
            for pk, key in cursor.fetchall():
                row = by_key[key]
                row.pk = pk
                row._state.adding = False
                row._state.db = connection.alias
                written += 1
    return written


def _update_balances(accounts: list[Account]) -> None:
    """Write the new balances of the locked accounts (one statement on PostgreSQL)."""
    quote = connection.ops.quote_name
    table = quote(Account._meta.db_table)
    names = ", ".join(("account_id", *_BALANCE_COLUMNS))
    assignments = ", ".join(f"{quote(column)} = v.{column}" for column in _BALANCE_COLUMNS)
    values = [
        (account.pk, *(getattr(account, column) for column in _BALANCE_COLUMNS))
        for account in accounts
    ]
    for source, params in _row_sources(["bigint"] * (1 + len(_BALANCE_COLUMNS)), values):
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH v ({names}) AS ({source}) UPDATE {table} SET {assignments} "  # noqa: S608
                f"FROM v WHERE {table}.{quote('id')} = v.account_id",
                params,
            )


def _explain_conflict(batch: _Batch, rows: list[Transfer]) -> None:
    """Turn a unique violation from a concurrent batch into the precise refusal, if any."""
    specs = {spec.idempotency_key: spec for spec in batch.specs}
    for key, transfer in _existing([specs[row.idempotency_key] for row in rows]).items():
        checks.check_replay(specs[key], transfer)
    resolved = _resolutions(batch.stored_pendings)
    for spec in batch.specs:
        if spec.pending_key in resolved:
            pending = batch.stored_pendings[spec.pending_key]
            checks.check_resolvable(spec, pending, resolved[spec.pending_key], now=batch.now)
