"""Real threads on separate connections: no overdraft, one transfer per key, no deadlock.

Each scenario runs on PostgreSQL (row locks) and, as a variant, on SQLite, where IMMEDIATE
transactions serialise the writers.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from devtools.factories.ledger import AccountFactory, fund
from tests.vouchers.ledger.helpers import balances
from vouchers.ledger.errors import (
    IdempotencyKeyReused,
    InsufficientBalance,
    PendingTransferAlreadyPosted,
    PendingTransferAlreadyVoided,
)
from vouchers.ledger.models import Transfer
from vouchers.ledger.selectors import ledger_verify
from vouchers.ledger.services import TransferSpec, ledger_post

THREADS = 12
on_postgres = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
on_sqlite = [
    pytest.mark.sqlite,  # deselected on PostgreSQL, where the variant above runs instead
    pytest.mark.django_db(transaction=True),
]


def apply_marks(marks: list[Any]) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        for mark in marks:
            function = mark(function)
        return function

    return decorate


def run_concurrently(action: Callable[[int], Any], count: int = THREADS) -> list[Any]:
    """Start `count` threads at once; return each one's result or exception, in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = action(index)
        except Exception as error:  # the test inspects every outcome
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def kinds(results: list[Any]) -> Counter[str]:
    return Counter(type(result).__name__ for result in results)


def spenders_scenario(now) -> None:
    wallet = AccountFactory(limited=True)
    shop = AccountFactory(kind="payable")
    fund(wallet, 10_000, now=now)

    results = run_concurrently(
        lambda n: ledger_post(
            transfers=[TransferSpec(f"spend-{n}", wallet.pk, shop.pk, 1_500)], now=now
        )
    )

    assert kinds(results) == {"list": 6, "InsufficientBalance": 6}
    refusals = [r for r in results if isinstance(r, InsufficientBalance)]
    assert {r.extra["available_fen"] for r in refusals} == {1_000}
    assert balances(wallet) == (0, 9_000, 0, 10_000)
    assert balances(shop) == (0, 0, 0, 9_000)
    assert ledger_verify().ok


def replay_scenario(now) -> None:
    wallet = AccountFactory(limited=True)
    shop = AccountFactory(kind="payable")
    fund(wallet, 10_000, now=now)
    spec = TransferSpec("same-key", wallet.pk, shop.pk, 700)

    results = run_concurrently(lambda n: ledger_post(transfers=[spec], now=now))

    assert kinds(results) == {"list": THREADS}
    assert len({transfer.pk for [transfer] in results}) == 1
    assert Transfer.objects.filter(idempotency_key="same-key").count() == 1
    assert balances(wallet) == (0, 700, 0, 10_000)
    assert ledger_verify().ok


def key_reuse_scenario(now) -> None:
    pairs = [(AccountFactory(), AccountFactory()) for _ in range(THREADS)]

    # One key, other accounts in every thread: no shared lock serialises these, so the
    # losers meet the unique index and must still get the precise refusal.
    results = run_concurrently(
        lambda n: ledger_post(
            transfers=[TransferSpec("reused", pairs[n][0].pk, pairs[n][1].pk, 100)], now=now
        )
    )

    assert kinds(results) == {"list": 1, "IdempotencyKeyReused": THREADS - 1}
    fields = {r.extra["field"] for r in results if isinstance(r, IdempotencyKeyReused)}
    assert fields == {"debit_account_id"}
    assert Transfer.objects.filter(idempotency_key="reused").count() == 1
    moved = [balances(debit)[1] for debit, _ in pairs]
    assert sorted(moved) == [0] * (THREADS - 1) + [100]
    assert ledger_verify().ok


def crossing_scenario(now) -> None:
    a, b, c = AccountFactory(), AccountFactory(), AccountFactory()
    rounds = 5

    def cross(n: int) -> None:
        # Even threads go a→b→c→a, odd threads the other way round, each several times.
        ring = [a.pk, b.pk, c.pk] if n % 2 == 0 else [c.pk, b.pk, a.pk]
        for r in range(rounds):
            ledger_post(
                transfers=[
                    TransferSpec(f"x-{n}-{r}-{i}", ring[i], ring[(i + 1) % 3], 10 + n)
                    for i in range(3)
                ],
                now=now,
            )

    results = run_concurrently(cross)

    assert results == [None] * THREADS
    moved = sum((10 + n) * rounds for n in range(THREADS))
    for account in (a, b, c):
        assert balances(account) == (0, moved, 0, moved)
    assert ledger_verify().ok


def resolve_once_scenario(now) -> None:
    wallet = AccountFactory(limited=True)
    shop = AccountFactory(kind="payable")
    fund(wallet, 10_000, now=now)
    ledger_post(
        transfers=[TransferSpec("hold", wallet.pk, shop.pk, 4_000, phase="pending")], now=now
    )

    def resolve(n: int) -> list[Transfer]:
        phase = "post_pending" if n % 2 == 0 else "void_pending"
        spec = TransferSpec(f"resolve-{n}", phase=phase, pending_key="hold")
        return ledger_post(transfers=[spec], now=now)

    results = run_concurrently(resolve)

    assert kinds(results)["list"] == 1
    losers = [r for r in results if not isinstance(r, list)]
    assert all(
        isinstance(r, PendingTransferAlreadyPosted | PendingTransferAlreadyVoided) for r in losers
    )
    assert Transfer.objects.filter(pending_transfer__idempotency_key="hold").count() == 1
    assert balances(wallet)[0] == 0
    assert ledger_verify().ok


@apply_marks(on_postgres)
def test_spenders_beyond_the_balance_on_postgres(now):
    spenders_scenario(now)


@apply_marks(on_sqlite)
def test_spenders_beyond_the_balance_on_sqlite(now):
    spenders_scenario(now)


@apply_marks(on_postgres)
def test_replays_of_one_key_write_one_transfer_on_postgres(now):
    replay_scenario(now)


@apply_marks(on_sqlite)
def test_replays_of_one_key_write_one_transfer_on_sqlite(now):
    replay_scenario(now)


@apply_marks(on_postgres)
def test_crossing_batches_never_deadlock_on_postgres(now):
    crossing_scenario(now)


@apply_marks(on_sqlite)
def test_crossing_batches_never_deadlock_on_sqlite(now):
    crossing_scenario(now)


@apply_marks(on_postgres)
def test_concurrent_posts_and_voids_resolve_a_hold_once_on_postgres(now):
    resolve_once_scenario(now)


@apply_marks(on_sqlite)
def test_concurrent_posts_and_voids_resolve_a_hold_once_on_sqlite(now):
    resolve_once_scenario(now)


@apply_marks(on_postgres)
def test_one_key_with_different_accounts_writes_one_transfer_on_postgres(now):
    key_reuse_scenario(now)


@apply_marks(on_sqlite)
def test_one_key_with_different_accounts_writes_one_transfer_on_sqlite(now):
    key_reuse_scenario(now)
