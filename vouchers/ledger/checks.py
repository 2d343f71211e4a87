"""The rules a transfer must pass, each raising the precise ledger error. Internal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from vouchers.ledger.errors import (
    IdempotencyKeyReused,
    InsufficientBalance,
    InvalidTransfer,
    PendingTransferAlreadyPosted,
    PendingTransferAlreadyVoided,
    PendingTransferExpired,
)
from vouchers.ledger.models import Account, Transfer

if TYPE_CHECKING:
    from vouchers.ledger.specs import TransferSpec

Phase = Transfer.Phase
TEXT_LIMITS = {"idempotency_key": 200, "business_type": 64, "business_id": 64, "memo": 255}


def check_shapes(specs: Sequence[TransferSpec]) -> None:
    """What can be refused before reading the database, including repeated keys."""
    seen: set[str] = set()
    for spec in specs:
        _check_shape(spec)
        if spec.idempotency_key in seen:
            _refuse(spec, "idempotency_key", "同一批次中幂等键重复")
        seen.add(spec.idempotency_key)


def _refuse(spec: TransferSpec, field: str, reason: str) -> None:
    raise InvalidTransfer(reason, idempotency_key=spec.idempotency_key, field=field)


def _check_shape(spec: TransferSpec) -> None:
    if not spec.idempotency_key:
        _refuse(spec, "idempotency_key", "幂等键不能为空")
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(spec, name)) > limit:
            _refuse(spec, name, f"长度不能超过 {limit} 个字符")
    if spec.phase not in Phase.values:
        _refuse(spec, "phase", f"未知的阶段「{spec.phase}」")
    amount = spec.amount_fen
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool)):
        _refuse(spec, "amount_fen", "金额须为整数（分）")
    if amount is not None and amount <= 0:
        _refuse(spec, "amount_fen", "金额须大于零")
    if spec.debit_account_id is not None and spec.debit_account_id == spec.credit_account_id:
        _refuse(spec, "credit_account_id", "借方账户与贷方账户不能相同")
    if spec.timeout_at is not None and spec.phase != Phase.PENDING:
        _refuse(spec, "timeout_at", "只有预留转账可以设置超时时间")
    if spec.phase in Transfer.RESOLVING_PHASES:
        if not spec.pending_key:
            _refuse(spec, "pending_key", "过账或作废预留须指明预留转账")
        return
    if spec.pending_key:
        _refuse(spec, "pending_key", "只有过账或作废预留可以指明预留转账")
    for name in ("debit_account_id", "credit_account_id", "amount_fen"):
        if getattr(spec, name) is None:
            _refuse(spec, name, "不能为空")


def check_timeout(spec: TransferSpec, *, now: datetime) -> None:
    """A new hold must end in the future (a replay of an old one is not checked)."""
    if spec.timeout_at is not None and spec.timeout_at <= now:
        _refuse(spec, "timeout_at", "超时时间须晚于当前时间")


def check_limits(debit: Account, credit: Account, *, amount: int, idempotency_key: str) -> None:
    """A new posted or pending transfer must not push a limited account over its limit."""
    if debit.debits_must_not_exceed_credits and amount > debit.available_fen:
        raise InsufficientBalance(
            account_id=debit.pk,
            available_fen=debit.available_fen,
            requested_fen=amount,
            idempotency_key=idempotency_key,
        )
    if credit.credits_must_not_exceed_debits:
        available = credit.debits_posted_fen - credit.credits_posted_fen
        available -= credit.credits_pending_fen
        if amount > available:
            raise InsufficientBalance(
                account_id=credit.pk,
                available_fen=available,
                requested_fen=amount,
                idempotency_key=idempotency_key,
                side="credit",
            )


def check_resolvable(
    spec: TransferSpec, pending: Transfer, resolution: Transfer | None, *, now: datetime
) -> None:
    """A hold is resolved once; an expired hold can be voided but not posted."""
    keys = {"pending_key": spec.pending_key, "idempotency_key": spec.idempotency_key}
    if resolution is not None and resolution.phase == Phase.POST_PENDING:
        raise PendingTransferAlreadyPosted(**keys, resolved_by=resolution.idempotency_key)
    if resolution is not None:
        if is_expiry(pending, resolution):
            raise PendingTransferExpired(**keys, resolved_by=resolution.idempotency_key)
        raise PendingTransferAlreadyVoided(**keys, resolved_by=resolution.idempotency_key)
    if spec.phase == Phase.POST_PENDING and is_past_timeout(pending, now=now):
        timeout_at = cast("datetime", pending.timeout_at)  # is_past_timeout: there is one
        raise PendingTransferExpired(**keys, timeout_at=timeout_at.isoformat())


def is_past_timeout(pending: Transfer, *, now: datetime) -> bool:
    return pending.timeout_at is not None and now >= pending.timeout_at


def is_expiry(pending: Transfer, resolution: Transfer) -> bool:
    """A void written at or after the hold's timeout is its expiry."""
    return resolution.phase == Phase.VOID_PENDING and is_past_timeout(
        pending, now=resolution.created_at
    )


def check_resolution_accounts(spec: TransferSpec, pending: Transfer) -> None:
    for name in ("debit_account_id", "credit_account_id"):
        if getattr(spec, name) not in (None, getattr(pending, name)):
            _refuse(spec, name, "须与预留转账的账户一致（或留空）")


def check_replay(spec: TransferSpec, existing: Transfer) -> None:
    """A key already written is a replay only if every submitted field matches."""
    for name, stored, submitted in _replay_fields(spec, existing):
        if stored != submitted:
            raise IdempotencyKeyReused(
                idempotency_key=spec.idempotency_key,
                field=name,
                existing=stored,
                submitted=submitted,
            )


def _replay_fields(spec: TransferSpec, existing: Transfer) -> list[tuple[str, Any, Any]]:
    pending = existing.pending_transfer
    resolving = spec.phase in Transfer.RESOLVING_PHASES and pending is not None

    def defaulted(value: Any, stored: Any) -> Any:
        # On a post or void, an empty account or amount means "as the hold".
        return stored if resolving and value is None else value

    full = pending.amount_fen if pending is not None else None
    return [
        ("phase", existing.phase, spec.phase),
        ("pending_key", pending.idempotency_key if pending else "", spec.pending_key),
        (
            "debit_account_id",
            existing.debit_account_id,
            defaulted(spec.debit_account_id, existing.debit_account_id),
        ),
        (
            "credit_account_id",
            existing.credit_account_id,
            defaulted(spec.credit_account_id, existing.credit_account_id),
        ),
        ("amount_fen", existing.amount_fen, defaulted(spec.amount_fen, full)),
        ("timeout_at", existing.timeout_at, spec.timeout_at),
        ("business_type", existing.business_type, spec.business_type),
        ("business_id", existing.business_id, spec.business_id),
        ("memo", existing.memo, spec.memo),
    ]
