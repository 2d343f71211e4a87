"""A batch costs a constant number of queries, whatever the number of transfers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools.factories.ledger import AccountFactory
from tests.vouchers.ledger.helpers import balances
from vouchers.ledger.models import Account
from vouchers.ledger.selectors import account_transfers
from vouchers.ledger.services import TransferSpec, ledger_post


def batch_queries(size: int, now, *, prefix: str) -> int:
    """Queries for `size` holds on distinct accounts, each then posted in part, in one batch."""
    sources = AccountFactory.create_batch(size, kind=Account.Kind.FUNDING)
    targets = AccountFactory.create_batch(size)
    specs = [
        TransferSpec(f"{prefix}-h{n}", sources[n].pk, targets[n].pk, 100, phase="pending")
        for n in range(size)
    ] + [
        TransferSpec(
            f"{prefix}-p{n}", amount_fen=60, phase="post_pending", pending_key=f"{prefix}-h{n}"
        )
        for n in range(size)
    ]
    with CaptureQueriesContext(connection) as context:
        ledger_post(transfers=specs, now=now)
    assert balances(targets[-1]) == (0, 0, 0, 60)
    return len(context.captured_queries)


def test_a_large_batch_costs_as_many_queries_as_a_small_one(db, now):
    # SQLite caps a statement at 999 parameters, so Django splits larger bulk inserts:
    # 40 holds and 40 posts stay within one statement each.
    small = batch_queries(1, now, prefix="small")

    assert batch_queries(40, now, prefix="large") == small
    assert small <= 6


@pytest.mark.postgres
def test_a_batch_of_five_hundred_costs_as_many_queries_as_one(db, now):
    assert batch_queries(250, now, prefix="large") == batch_queries(1, now, prefix="small")


def test_a_batch_of_a_hundred_posted_transfers_is_pinned(
    wallet, shop, now, django_assert_num_queries
):
    specs = [TransferSpec(f"pay-{n}", wallet.pk, shop.pk, 100) for n in range(100)]

    # lock, existing keys, insert(s), balance update: no savepoint inside the caller's
    # transaction. SQLite caps a statement at 999 parameters, so its insert is split.
    inserts = 1 if connection.vendor == "postgresql" else 2
    with django_assert_num_queries(3 + inserts):
        ledger_post(transfers=specs, now=now)

    assert balances(wallet) == (0, 10_000, 0, 10_000)


def test_account_transfers_lists_newest_first_in_one_query(
    wallet, shop, now, django_assert_num_queries
):
    ledger_post(
        transfers=[TransferSpec(f"pay-{n}", wallet.pk, shop.pk, 10) for n in range(3)], now=now
    )

    with django_assert_num_queries(1):
        rows = [
            (t.idempotency_key, t.debit_account.name, t.credit_account.name)
            for t in account_transfers(account=shop)
        ]

    assert rows == [(f"pay-{n}", wallet.name, shop.name) for n in (2, 1, 0)]
