"""Posted transfers, batches, limits and the refusals of invalid specs."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from devtools.factories.ledger import AccountFactory
from tests.vouchers.ledger.helpers import balances, ledger_snapshot
from vouchers.ledger.errors import AccountNotFound, InsufficientBalance, InvalidTransfer
from vouchers.ledger.models import Account, Transfer
from vouchers.ledger.services import TransferSpec, account_open, ledger_post


def test_a_posted_transfer_moves_money_between_two_accounts(wallet, shop, now):
    [transfer] = ledger_post(
        transfers=[
            TransferSpec(
                idempotency_key="pay-1",
                debit_account_id=wallet.pk,
                credit_account_id=shop.pk,
                amount_fen=2_500,
                business_type="order",
                business_id="42",
                memo="检测费",
            )
        ],
        now=now,
    )

    assert transfer.pk is not None
    assert (transfer.phase, transfer.amount_fen, transfer.created_at) == ("posted", 2_500, now)
    assert (transfer.business_type, transfer.business_id, transfer.memo) == (
        "order",
        "42",
        "检测费",
    )
    assert balances(wallet) == (0, 2_500, 0, 10_000)
    assert balances(shop) == (0, 0, 0, 2_500)
    assert (wallet.available_fen, wallet.balance_fen) == (7_500, 7_500)


def test_the_actor_is_recorded(wallet, shop, now, enterprise_user):
    [transfer] = ledger_post(
        transfers=[TransferSpec("a-1", wallet.pk, shop.pk, 1)], now=now, actor=enterprise_user
    )

    assert Transfer.objects.get(pk=transfer.pk).actor == enterprise_user


def test_a_batch_is_returned_in_order_and_applied_in_sequence(wallet, shop, now):
    other = AccountFactory()
    transfers = ledger_post(
        transfers=[
            TransferSpec("b-1", wallet.pk, shop.pk, 6_000),
            TransferSpec("b-2", shop.pk, other.pk, 5_000),
            TransferSpec("b-3", wallet.pk, other.pk, 4_000),
        ],
        now=now,
    )

    assert [t.idempotency_key for t in transfers] == ["b-1", "b-2", "b-3"]
    assert balances(wallet) == (0, 10_000, 0, 10_000)
    assert balances(shop) == (0, 5_000, 0, 6_000)
    assert balances(other) == (0, 0, 0, 9_000)


def test_an_overdraft_refuses_the_whole_batch(wallet, shop, now):
    before = ledger_snapshot()

    with pytest.raises(InsufficientBalance) as caught:
        ledger_post(
            transfers=[
                TransferSpec("c-1", wallet.pk, shop.pk, 6_000),
                TransferSpec("c-2", wallet.pk, shop.pk, 4_001),
            ],
            now=now,
        )

    assert caught.value.code == "ledger_insufficient_balance"
    assert caught.value.extra == {
        "account_id": wallet.pk,
        "available_fen": 4_000,
        "requested_fen": 4_001,
        "idempotency_key": "c-2",
        "side": "debit",
    }
    assert "余额不足" in caught.value.message
    assert ledger_snapshot() == before


def test_a_refusal_leaves_the_callers_transaction_usable(wallet, shop, now):
    # ledger_post joins the caller's transaction without a savepoint: a refusal is raised
    # before anything is written, so the caller may go on (services turn it into their own
    # refusal and sometimes write more).
    with transaction.atomic():
        with pytest.raises(InsufficientBalance):
            ledger_post(transfers=[TransferSpec("u-1", wallet.pk, shop.pk, 10_001)], now=now)
        ledger_post(transfers=[TransferSpec("u-2", wallet.pk, shop.pk, 2_500)], now=now)

    assert list(Transfer.objects.filter(idempotency_key__startswith="u-").values_list(
        "idempotency_key", flat=True)) == ["u-2"]
    assert balances(wallet) == (0, 2_500, 0, 10_000)


def test_spending_exactly_the_balance_is_allowed(wallet, shop, now):
    ledger_post(transfers=[TransferSpec("d-1", wallet.pk, shop.pk, 10_000)], now=now)

    assert balances(wallet) == (0, 10_000, 0, 10_000)
    wallet.refresh_from_db()
    assert wallet.available_fen == 0


def test_a_credit_limited_account_cannot_be_credited_beyond_its_debits(now, db):
    clawback = AccountFactory(kind="clawback", credits_must_not_exceed_debits=True)
    payee = AccountFactory()
    ledger_post(transfers=[TransferSpec("e-1", clawback.pk, payee.pk, 300)], now=now)
    before = ledger_snapshot()

    with pytest.raises(InsufficientBalance) as caught:
        ledger_post(transfers=[TransferSpec("e-2", payee.pk, clawback.pk, 301)], now=now)

    assert caught.value.extra["side"] == "credit"
    assert (caught.value.extra["available_fen"], caught.value.extra["requested_fen"]) == (300, 301)
    assert ledger_snapshot() == before
    ledger_post(transfers=[TransferSpec("e-3", payee.pk, clawback.pk, 300)], now=now)
    assert balances(clawback) == (0, 300, 0, 300)


def test_an_unknown_account_is_refused(wallet, now):
    before = ledger_snapshot()

    with pytest.raises(AccountNotFound) as caught:
        ledger_post(transfers=[TransferSpec("f-1", wallet.pk, 999_999, 1)], now=now)

    assert caught.value.extra == {"account_id": 999_999, "idempotency_key": "f-1"}
    assert caught.value.http_status == 404
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount_fen": 0}, "amount_fen"),
        ({"amount_fen": -5}, "amount_fen"),
        ({"amount_fen": 1.5}, "amount_fen"),
        ({"amount_fen": None}, "amount_fen"),
        ({"credit_account_id": "same"}, "credit_account_id"),
        ({"debit_account_id": None}, "debit_account_id"),
        ({"idempotency_key": ""}, "idempotency_key"),
        ({"idempotency_key": "k" * 201}, "idempotency_key"),
        ({"memo": "m" * 256}, "memo"),
        ({"phase": "reversed"}, "phase"),
        ({"pending_key": "p-1"}, "pending_key"),
    ],
)
def test_an_invalid_spec_is_refused_naming_the_field(wallet, shop, now, changes, field):
    fields = {
        "idempotency_key": "g-1",
        "debit_account_id": wallet.pk,
        "credit_account_id": shop.pk,
        "amount_fen": 100,
    }
    fields.update(changes)
    if fields["credit_account_id"] == "same":
        fields["credit_account_id"] = wallet.pk
    before = ledger_snapshot()

    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(transfers=[TransferSpec(**fields)], now=now)

    assert caught.value.extra["field"] == field
    assert caught.value.http_status == 422
    assert ledger_snapshot() == before


def test_a_key_repeated_within_one_batch_is_refused(wallet, shop, now):
    before = ledger_snapshot()

    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(
            transfers=[
                TransferSpec("h-1", wallet.pk, shop.pk, 1),
                TransferSpec("h-1", wallet.pk, shop.pk, 1),
            ],
            now=now,
        )

    assert caught.value.extra["field"] == "idempotency_key"
    assert ledger_snapshot() == before


def test_an_empty_batch_writes_nothing(db, now):
    assert ledger_post(transfers=[], now=now) == []
    assert Transfer.objects.count() == 0


def test_account_open_creates_once_and_returns_the_same_account(db):
    first = account_open(
        kind="budget",
        owner_type="program",
        owner_id="7",
        name="2026 预算",
        debits_must_not_exceed_credits=True,
        now=timezone.now(),
    )
    again = account_open(
        kind="budget",
        owner_type="program",
        owner_id="7",
        name="另一个名字",
        debits_must_not_exceed_credits=True,
        now=timezone.now(),
    )

    assert again.pk == first.pk
    assert Account.objects.count() == 1
    assert (again.name, again.debits_must_not_exceed_credits) == ("2026 预算", True)
    assert (again.available_fen, again.balance_fen) == (0, 0)


def test_account_open_refuses_other_limits_for_an_existing_account(db):
    account_open(kind="budget", owner_type="program", owner_id="7", name="预算", now=timezone.now())
    from vouchers.ledger.errors import AccountConflict

    with pytest.raises(AccountConflict) as caught:
        account_open(
            kind="budget",
            owner_type="program",
            owner_id="7",
            name="预算",
            debits_must_not_exceed_credits=True,
            now=timezone.now(),
        )

    assert caught.value.extra == {
        "field": "debits_must_not_exceed_credits",
        "existing": False,
        "submitted": True,
    }
