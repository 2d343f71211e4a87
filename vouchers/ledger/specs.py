"""What a caller asks the ledger to post: one value type shared by the services, the
posting engine and its checks (kept apart so that none of them imports another's module)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from vouchers.ledger.models import Transfer


@dataclass(frozen=True)
class TransferSpec:
    """One transfer to post. For a post or void of a hold, empty fields come from the hold."""

    idempotency_key: str
    debit_account_id: int | None = None
    credit_account_id: int | None = None
    amount_fen: int | None = None
    phase: str = Transfer.Phase.POSTED
    pending_key: str = ""
    timeout_at: datetime | None = None
    business_type: str = ""
    business_id: str = ""
    memo: str = ""
