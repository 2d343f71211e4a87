"""Typed refusals of the ledger; each says in Chinese what is wrong and carries the figures."""

from __future__ import annotations

from typing import Any

from accounts.errors import ApplicationError, Conflict, InvalidInput, NotFound


class AppendOnlyViolation(ApplicationError):
    """Something tried to update or delete a journal line."""

    code = "ledger_append_only"


class AccountNotFound(NotFound):
    code = "ledger_account_not_found"

    def __init__(self, account_id: int | None, *, idempotency_key: str = "") -> None:
        super().__init__(
            f"账户不存在：{account_id}",
            extra={"account_id": account_id, "idempotency_key": idempotency_key},
        )


class AccountConflict(ApplicationError):
    """An account exists for this owner and kind, with different limits."""

    code = "ledger_account_conflict"
    http_status = 409

    def __init__(self, *, field: str, existing: Any, submitted: Any) -> None:
        super().__init__(
            f"账户已存在，但「{field}」不同（现有 {existing}，提交 {submitted}）",
            extra={"field": field, "existing": existing, "submitted": submitted},
        )


class InvalidTransfer(InvalidInput):
    code = "ledger_invalid_transfer"

    def __init__(self, reason: str, *, idempotency_key: str, field: str) -> None:
        super().__init__(
            f"转账无效（{idempotency_key}）：{reason}",
            extra={"idempotency_key": idempotency_key, "field": field, "reason": reason},
        )


class InsufficientBalance(Conflict):
    """A limited account would be overdrawn; `side` says which limit ("debit" or "credit")."""

    code = "ledger_insufficient_balance"

    def __init__(
        self,
        *,
        account_id: int,
        available_fen: int,
        requested_fen: int,
        idempotency_key: str,
        side: str = "debit",
    ) -> None:
        super().__init__(
            f"账户 {account_id} 余额不足：可用 {available_fen} 分，需要 {requested_fen} 分",
            extra={
                "account_id": account_id,
                "available_fen": available_fen,
                "requested_fen": requested_fen,
                "idempotency_key": idempotency_key,
                "side": side,
            },
        )


class IdempotencyKeyReused(Conflict):
    """The key exists with another value of `field`: a different request, not a replay."""

    code = "ledger_idempotency_key_reused"

    def __init__(self, *, idempotency_key: str, field: str, existing: Any, submitted: Any) -> None:
        super().__init__(
            f"幂等键「{idempotency_key}」已用于另一笔转账：字段「{field}」不同"
            f"（已有 {existing}，提交 {submitted}）",
            extra={
                "idempotency_key": idempotency_key,
                "field": field,
                "existing": str(existing),
                "submitted": str(submitted),
            },
        )


class ConcurrentTransferConflict(Conflict):
    """A concurrent batch wrote a conflicting row first and no precise refusal applies."""

    code = "ledger_concurrent_conflict"

    def __init__(self) -> None:
        super().__init__("转账与并发提交的转账冲突，请重试")


class PendingTransferError(Conflict):
    """Base of the refusals about the pending transfer a post or void names."""

    template = "预留转账「{pending_key}」无法处理"

    def __init__(self, *, pending_key: str, idempotency_key: str, **extra: Any) -> None:
        super().__init__(
            self.template.format(pending_key=pending_key),
            extra={"pending_key": pending_key, "idempotency_key": idempotency_key, **extra},
        )


class PendingTransferNotFound(PendingTransferError):
    code = "ledger_pending_not_found"
    http_status = 404
    template = "预留转账「{pending_key}」不存在"


class PendingTransferAlreadyPosted(PendingTransferError):
    code = "ledger_pending_already_posted"
    template = "预留转账「{pending_key}」已过账"


class PendingTransferAlreadyVoided(PendingTransferError):
    code = "ledger_pending_already_voided"
    template = "预留转账「{pending_key}」已作废"


class PendingTransferExpired(PendingTransferError):
    code = "ledger_pending_expired"
    template = "预留转账「{pending_key}」已超时，不能再过账"


class AmountExceedsPending(InvalidInput):
    code = "ledger_amount_exceeds_pending"

    def __init__(
        self, *, pending_key: str, idempotency_key: str, pending_fen: int, requested_fen: int
    ) -> None:
        super().__init__(
            f"过账金额 {requested_fen} 分超过预留金额 {pending_fen} 分（{pending_key}）",
            extra={
                "pending_key": pending_key,
                "idempotency_key": idempotency_key,
                "pending_fen": pending_fen,
                "requested_fen": requested_fen,
            },
        )
