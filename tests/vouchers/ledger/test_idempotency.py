"""Replays return the stored transfer and change nothing; a reused key is refused by field."""

from __future__ import annotations

from datetime import timedelta

import pytest

from devtools.factories.ledger import AccountFactory
from tests.vouchers.ledger.helpers import ledger_snapshot
from vouchers.ledger.errors import IdempotencyKeyReused
from vouchers.ledger.services import TransferSpec, ledger_post


def test_a_replay_returns_the_stored_transfer_and_changes_nothing(wallet, shop, now):
    spec = TransferSpec("pay-1", wallet.pk, shop.pk, 2_500, business_type="order")
    [first] = ledger_post(transfers=[spec], now=now)
    before = ledger_snapshot()

    [again] = ledger_post(transfers=[spec], now=now + timedelta(days=3))

    assert again.pk == first.pk
    assert again.created_at == now
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_fen": 2_501}, "amount_fen"),
        ({"credit_account_id": "other"}, "credit_account_id"),
        ({"debit_account_id": "other"}, "debit_account_id"),
        ({"phase": "pending"}, "phase"),
        ({"business_type": "refund"}, "business_type"),
        ({"business_id": "43"}, "business_id"),
        ({"memo": "改了"}, "memo"),
    ],
)
def test_a_key_reused_with_a_different_field_is_refused_naming_it(
    wallet, shop, now, changes, field
):
    other = AccountFactory()
    fields = {
        "idempotency_key": "pay-1",
        "debit_account_id": wallet.pk,
        "credit_account_id": shop.pk,
        "amount_fen": 2_500,
        "business_type": "order",
        "business_id": "42",
    }
    ledger_post(transfers=[TransferSpec(**fields)], now=now)
    fields.update({k: other.pk if v == "other" else v for k, v in changes.items()})
    before = ledger_snapshot()

    with pytest.raises(IdempotencyKeyReused) as caught:
        ledger_post(transfers=[TransferSpec(**fields)], now=now)

    assert caught.value.code == "ledger_idempotency_key_reused"
    assert caught.value.http_status == 409
    assert caught.value.extra["field"] == field
    assert caught.value.extra["idempotency_key"] == "pay-1"
    assert field in caught.value.message
    assert ledger_snapshot() == before


def test_a_batch_mixing_replays_and_new_transfers_posts_only_the_new(wallet, shop, now):
    first = TransferSpec("m-1", wallet.pk, shop.pk, 1_000)
    ledger_post(transfers=[first], now=now)

    transfers = ledger_post(
        transfers=[first, TransferSpec("m-2", wallet.pk, shop.pk, 2_000)], now=now
    )

    assert [t.idempotency_key for t in transfers] == ["m-1", "m-2"]
    wallet.refresh_from_db()
    assert (wallet.debits_posted_fen, wallet.available_fen) == (3_000, 7_000)


def test_replaying_a_post_of_a_hold_with_empty_fields_matches_the_hold(wallet, shop, now):
    ledger_post(
        transfers=[TransferSpec("hold-1", wallet.pk, shop.pk, 4_000, phase="pending")], now=now
    )
    post = TransferSpec("post-1", phase="post_pending", pending_key="hold-1")
    [first] = ledger_post(transfers=[post], now=now)
    before = ledger_snapshot()

    [again] = ledger_post(transfers=[post], now=now + timedelta(days=30))
    [named] = ledger_post(
        transfers=[
            TransferSpec(
                "post-1", wallet.pk, shop.pk, 4_000, phase="post_pending", pending_key="hold-1"
            )
        ],
        now=now,
    )

    assert again.pk == first.pk == named.pk
    assert ledger_snapshot() == before


def test_replaying_a_partial_post_without_its_amount_is_a_different_request(wallet, shop, now):
    ledger_post(
        transfers=[TransferSpec("hold-1", wallet.pk, shop.pk, 4_000, phase="pending")], now=now
    )
    post = TransferSpec("post-1", amount_fen=1_000, phase="post_pending", pending_key="hold-1")
    ledger_post(transfers=[post], now=now)

    with pytest.raises(IdempotencyKeyReused) as caught:
        ledger_post(
            transfers=[TransferSpec("post-1", phase="post_pending", pending_key="hold-1")],
            now=now,
        )

    assert (caught.value.extra["field"], caught.value.extra["existing"]) == ("amount_fen", "1000")
    assert caught.value.extra["submitted"] == "4000"


def test_replaying_a_hold_after_its_timeout_returns_it(wallet, shop, now):
    spec = TransferSpec(
        "hold-1", wallet.pk, shop.pk, 4_000, phase="pending", timeout_at=now + timedelta(hours=1)
    )
    [first] = ledger_post(transfers=[spec], now=now)

    [again] = ledger_post(transfers=[spec], now=now + timedelta(hours=2))

    assert again.pk == first.pk


def test_a_reused_pending_key_on_a_replay_is_named(wallet, shop, now):
    ledger_post(
        transfers=[
            TransferSpec("hold-1", wallet.pk, shop.pk, 1_000, phase="pending"),
            TransferSpec("hold-2", wallet.pk, shop.pk, 1_000, phase="pending"),
            TransferSpec("void-1", phase="void_pending", pending_key="hold-1"),
        ],
        now=now,
    )

    with pytest.raises(IdempotencyKeyReused) as caught:
        ledger_post(
            transfers=[TransferSpec("void-1", phase="void_pending", pending_key="hold-2")], now=now
        )

    assert caught.value.extra["field"] == "pending_key"
