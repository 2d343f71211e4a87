"""Small readers shared by the ledger tests."""

from __future__ import annotations

from vouchers.ledger.models import Account, Transfer


def balances(account: Account) -> tuple[int, int, int, int]:
    """(debits_pending, debits_posted, credits_pending, credits_posted) as stored now."""
    account.refresh_from_db()
    return (
        account.debits_pending_fen,
        account.debits_posted_fen,
        account.credits_pending_fen,
        account.credits_posted_fen,
    )


def ledger_snapshot() -> tuple[list[tuple[int, int, int, int, int]], int]:
    """Every account's balances and the journal length: equal before and after a refusal."""
    rows = Account.objects.order_by("pk").values_list(
        "pk", "debits_pending_fen", "debits_posted_fen", "credits_pending_fen", "credits_posted_fen"
    )
    return list(rows), Transfer.objects.count()
