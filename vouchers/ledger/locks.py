"""Row locks of the ledger. Call inside a transaction; the locks are held until it ends."""

from __future__ import annotations

from collections.abc import Iterable

from vouchers.ledger.models import Account


def accounts_lock(account_ids: Iterable[int]) -> dict[int, Account]:
    """Lock the accounts (one query) and return them by id; missing ids are simply absent.

    Every batch locks its accounts in ascending id order, so two batches that share accounts
    queue on the first shared one instead of each holding what the other waits for: crossing
    transfers (A to B while B to A) cannot deadlock. NO KEY UPDATE still lets other
    transactions insert transfers that reference these rows (foreign-key checks take KEY SHARE).
    On SQLite there are no row locks; IMMEDIATE transactions serialise the writers instead.
    """
    return {
        account.pk: account
        for account in Account.objects.select_for_update(no_key=True, of=("self",))
        .filter(pk__in=sorted(set(account_ids)))
        .order_by("pk")
    }
