"""Holds (pending transfers): post in full or in part, void, expire; each resolved once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from devtools.factories.ledger import AccountFactory
from tests.vouchers.ledger.helpers import balances, ledger_snapshot
from vouchers.ledger.errors import (
    AmountExceedsPending,
    InsufficientBalance,
    InvalidTransfer,
    PendingTransferAlreadyPosted,
    PendingTransferAlreadyVoided,
    PendingTransferExpired,
    PendingTransferNotFound,
)
from vouchers.ledger.models import Transfer
from vouchers.ledger.selectors import pending_transfer_state
from vouchers.ledger.services import TransferSpec, ledger_post

PENDING, POST, VOID = "pending", "post_pending", "void_pending"


def hold(wallet, shop, now, amount=4_000, key="hold-1", timeout_at=None):
    [transfer] = ledger_post(
        transfers=[
            TransferSpec(key, wallet.pk, shop.pk, amount, phase=PENDING, timeout_at=timeout_at)
        ],
        now=now,
    )
    return transfer


def resolve(key, phase, now, amount=None, pending_key="hold-1"):
    [transfer] = ledger_post(
        transfers=[TransferSpec(key, amount_fen=amount, phase=phase, pending_key=pending_key)],
        now=now,
    )
    return transfer


def test_a_hold_reserves_the_amount_on_both_accounts(wallet, shop, now):
    pending = hold(wallet, shop, now)

    assert balances(wallet) == (4_000, 0, 0, 10_000)
    assert balances(shop) == (0, 0, 4_000, 0)
    assert wallet.available_fen == 6_000
    assert wallet.balance_fen == 10_000
    assert pending_transfer_state(pending) == "pending"


def test_a_hold_beyond_the_available_balance_is_refused(wallet, shop, now):
    hold(wallet, shop, now, amount=7_000)
    before = ledger_snapshot()

    with pytest.raises(InsufficientBalance) as caught:
        hold(wallet, shop, now, amount=3_001, key="hold-2")

    assert (caught.value.extra["available_fen"], caught.value.extra["requested_fen"]) == (
        3_000,
        3_001,
    )
    assert ledger_snapshot() == before


def test_posting_a_hold_in_full_moves_it_from_pending_to_posted(wallet, shop, now):
    pending = hold(wallet, shop, now)

    post = resolve("post-1", POST, now)

    assert (post.amount_fen, post.pending_transfer_id) == (4_000, pending.pk)
    assert (post.debit_account_id, post.credit_account_id) == (wallet.pk, shop.pk)
    assert balances(wallet) == (0, 4_000, 0, 10_000)
    assert balances(shop) == (0, 0, 0, 4_000)
    assert pending_transfer_state(pending) == "posted"


def test_posting_less_than_held_releases_the_rest(wallet, shop, now):
    hold(wallet, shop, now)

    post = resolve("post-1", POST, now, amount=2_500)

    assert post.amount_fen == 2_500
    assert balances(wallet) == (0, 2_500, 0, 10_000)
    assert balances(shop) == (0, 0, 0, 2_500)
    wallet.refresh_from_db()
    assert wallet.available_fen == 7_500


def test_posting_more_than_held_is_refused(wallet, shop, now):
    hold(wallet, shop, now)
    before = ledger_snapshot()

    with pytest.raises(AmountExceedsPending) as caught:
        resolve("post-1", POST, now, amount=4_001)

    assert caught.value.extra == {
        "pending_key": "hold-1",
        "idempotency_key": "post-1",
        "pending_fen": 4_000,
        "requested_fen": 4_001,
    }
    assert ledger_snapshot() == before


def test_voiding_a_hold_releases_it_all(wallet, shop, now):
    pending = hold(wallet, shop, now)

    void = resolve("void-1", VOID, now)

    assert (void.amount_fen, void.phase) == (4_000, VOID)
    assert balances(wallet) == (0, 0, 0, 10_000)
    assert balances(shop) == (0, 0, 0, 0)
    assert pending_transfer_state(pending) == "voided"


def test_a_void_with_a_partial_amount_is_refused(wallet, shop, now):
    hold(wallet, shop, now)

    with pytest.raises(InvalidTransfer) as caught:
        resolve("void-1", VOID, now, amount=1_000)

    assert caught.value.extra["field"] == "amount_fen"


@pytest.mark.parametrize(
    ("first", "second", "error"),
    [
        (POST, POST, PendingTransferAlreadyPosted),
        (POST, VOID, PendingTransferAlreadyPosted),
        (VOID, POST, PendingTransferAlreadyVoided),
        (VOID, VOID, PendingTransferAlreadyVoided),
    ],
)
def test_a_hold_is_resolved_once(wallet, shop, now, first, second, error):
    hold(wallet, shop, now)
    resolve("first", first, now)
    before = ledger_snapshot()

    with pytest.raises(error) as caught:
        resolve("second", second, now)

    assert caught.value.extra["resolved_by"] == "first"
    assert caught.value.extra["pending_key"] == "hold-1"
    assert ledger_snapshot() == before


def test_an_unknown_hold_is_refused(wallet, shop, now):
    with pytest.raises(PendingTransferNotFound) as caught:
        resolve("post-1", POST, now, pending_key="nothing")

    assert caught.value.extra == {"pending_key": "nothing", "idempotency_key": "post-1"}


def test_a_posted_transfer_is_not_a_hold(wallet, shop, now):
    ledger_post(transfers=[TransferSpec("plain", wallet.pk, shop.pk, 5)], now=now)

    with pytest.raises(PendingTransferNotFound):
        resolve("post-1", POST, now, pending_key="plain")


def test_accounts_named_on_a_post_must_be_the_holds(wallet, shop, now):
    hold(wallet, shop, now)
    other = AccountFactory()

    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(
            transfers=[
                TransferSpec("post-1", wallet.pk, other.pk, phase=POST, pending_key="hold-1")
            ],
            now=now,
        )

    assert caught.value.extra["field"] == "credit_account_id"


def test_an_expired_hold_cannot_be_posted_but_can_be_voided(wallet, shop, now):
    pending = hold(wallet, shop, now, timeout_at=now + timedelta(hours=1))
    later = now + timedelta(hours=1)
    before = ledger_snapshot()

    with pytest.raises(PendingTransferExpired) as caught:
        resolve("post-1", POST, later)

    assert caught.value.extra["timeout_at"] == (now + timedelta(hours=1)).isoformat()
    assert ledger_snapshot() == before
    assert pending_transfer_state(pending, now=later) == "expired"
    resolve("void-1", VOID, later)
    assert balances(wallet) == (0, 0, 0, 10_000)
    assert pending_transfer_state(pending) == "expired"
    with pytest.raises(PendingTransferExpired):
        resolve("post-2", POST, later)


def test_a_hold_can_be_posted_until_just_before_its_timeout(wallet, shop, now):
    hold(wallet, shop, now, timeout_at=now + timedelta(hours=1))

    resolve("post-1", POST, now + timedelta(minutes=59, seconds=59))

    assert balances(shop) == (0, 0, 0, 4_000)


def test_a_timeout_is_only_for_a_hold_and_in_the_future(wallet, shop, now):
    with pytest.raises(InvalidTransfer) as caught:
        hold(wallet, shop, now, timeout_at=now)
    assert caught.value.extra["field"] == "timeout_at"

    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(
            transfers=[TransferSpec("x", wallet.pk, shop.pk, 1, timeout_at=now + timedelta(1))],
            now=now,
        )
    assert caught.value.extra["field"] == "timeout_at"


def test_one_batch_can_hold_then_post_part_of_the_hold(wallet, shop, now):
    transfers = ledger_post(
        transfers=[
            TransferSpec("hold-1", wallet.pk, shop.pk, 3_000, phase=PENDING),
            TransferSpec("post-1", amount_fen=1_000, phase=POST, pending_key="hold-1"),
        ],
        now=now,
    )

    assert transfers[1].pending_transfer_id == transfers[0].pk
    assert Transfer.objects.get(idempotency_key="post-1").pending_transfer_id == transfers[0].pk
    assert balances(wallet) == (0, 1_000, 0, 10_000)
    assert balances(shop) == (0, 0, 0, 1_000)


def test_one_batch_cannot_resolve_a_hold_twice(wallet, shop, now):
    before = ledger_snapshot()

    with pytest.raises(PendingTransferAlreadyPosted):
        ledger_post(
            transfers=[
                TransferSpec("hold-1", wallet.pk, shop.pk, 3_000, phase=PENDING),
                TransferSpec("post-1", phase=POST, pending_key="hold-1"),
                TransferSpec("void-1", phase=VOID, pending_key="hold-1"),
            ],
            now=now,
        )

    assert ledger_snapshot() == before


def test_a_spec_cannot_resolve_a_hold_made_later_in_the_batch(wallet, shop, now):
    with pytest.raises(PendingTransferNotFound):
        ledger_post(
            transfers=[
                TransferSpec("post-1", phase=POST, pending_key="hold-1"),
                TransferSpec("hold-1", wallet.pk, shop.pk, 3_000, phase=PENDING),
            ],
            now=now,
        )
