"""Refusals pinned to the letter: their codes, messages and figures are what callers show.

Each case here was once a mutant that no test noticed (a flipped sign, a refusal never
reached, an explicit partial post replayed): the expectations are written out by hand.
"""

from __future__ import annotations

import pytest

from devtools.factories.ledger import AccountFactory
from tests.vouchers.ledger.helpers import balances, ledger_snapshot
from vouchers.ledger.errors import InsufficientBalance, InvalidTransfer
from vouchers.ledger.services import TransferSpec, ledger_post


@pytest.mark.parametrize("phase", ["post_pending", "void_pending"])
def test_a_post_or_void_without_its_hold_is_refused_naming_the_pending_key(
    wallet, shop, now, phase
):
    before = ledger_snapshot()

    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(transfers=[TransferSpec("r-1", phase=phase)], now=now)

    assert caught.value.message == "转账无效（r-1）：过账或作废预留须指明预留转账"
    assert caught.value.extra == {
        "idempotency_key": "r-1",
        "field": "pending_key",
        "reason": "过账或作废预留须指明预留转账",
    }
    assert caught.value.code == "ledger_invalid_transfer"
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"amount_fen": 0}, "金额须大于零"),
        ({"amount_fen": 1.5}, "金额须为整数（分）"),
        ({"amount_fen": True}, "金额须为整数（分）"),
        ({"amount_fen": None}, "不能为空"),
        ({"idempotency_key": ""}, "幂等键不能为空"),
        ({"memo": "m" * 256}, "长度不能超过 255 个字符"),
        ({"business_type": "t" * 65}, "长度不能超过 64 个字符"),
        ({"phase": "reversed"}, "未知的阶段「reversed」"),
        ({"pending_key": "p-1"}, "只有过账或作废预留可以指明预留转账"),
    ],
)
def test_an_invalid_spec_says_what_is_wrong(wallet, shop, now, changes, reason):
    fields = {"idempotency_key": "s-1", "debit_account_id": wallet.pk,
              "credit_account_id": shop.pk, "amount_fen": 100, **changes}

    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(transfers=[TransferSpec(**fields)], now=now)

    assert caught.value.extra["reason"] == reason


def test_a_timeout_on_a_posted_transfer_is_refused(wallet, shop, now):
    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(transfers=[TransferSpec("t-1", wallet.pk, shop.pk, 1, timeout_at=now)],
                    now=now)

    assert (caught.value.extra["field"], caught.value.extra["reason"]) == (
        "timeout_at", "只有预留转账可以设置超时时间",
    )


def test_the_same_account_on_both_sides_is_refused(wallet, now):
    with pytest.raises(InvalidTransfer) as caught:
        ledger_post(transfers=[TransferSpec("u-1", wallet.pk, wallet.pk, 1)], now=now)

    assert (caught.value.extra["field"], caught.value.extra["reason"]) == (
        "credit_account_id", "借方账户与贷方账户不能相同",
    )


def test_a_credit_limit_counts_earlier_credits_and_pending_credits(now, db):
    """Available to credit = debits posted − credits posted − credits pending."""
    clawback = AccountFactory(kind="clawback", credits_must_not_exceed_debits=True)
    payee = AccountFactory()
    ledger_post(transfers=[TransferSpec("c-1", clawback.pk, payee.pk, 500)], now=now)
    ledger_post(transfers=[TransferSpec("c-2", payee.pk, clawback.pk, 200)], now=now)
    ledger_post(
        transfers=[TransferSpec("c-3", payee.pk, clawback.pk, 100, phase="pending")], now=now
    )
    before = ledger_snapshot()

    with pytest.raises(InsufficientBalance) as caught:
        ledger_post(transfers=[TransferSpec("c-4", payee.pk, clawback.pk, 201)], now=now)

    assert caught.value.extra == {
        "account_id": clawback.pk,
        "available_fen": 200,
        "requested_fen": 201,
        "idempotency_key": "c-4",
        "side": "credit",
    }
    assert caught.value.message == f"账户 {clawback.pk} 余额不足：可用 200 分，需要 201 分"
    assert ledger_snapshot() == before
    ledger_post(transfers=[TransferSpec("c-5", payee.pk, clawback.pk, 200)], now=now)
    assert balances(clawback) == (0, 500, 100, 400)


def test_a_debit_limit_counts_pending_debits(wallet, shop, now):
    ledger_post(
        transfers=[TransferSpec("d-1", wallet.pk, shop.pk, 9_000, phase="pending")], now=now
    )

    with pytest.raises(InsufficientBalance) as caught:
        ledger_post(transfers=[TransferSpec("d-2", wallet.pk, shop.pk, 1_001)], now=now)

    assert (caught.value.extra["available_fen"], caught.value.extra["side"]) == (1_000, "debit")


def test_replaying_an_explicit_partial_post_returns_the_stored_post(wallet, shop, now):
    ledger_post(
        transfers=[TransferSpec("hold-1", wallet.pk, shop.pk, 4_000, phase="pending")], now=now
    )
    partial = TransferSpec("post-1", amount_fen=1_000, phase="post_pending", pending_key="hold-1")
    [first] = ledger_post(transfers=[partial], now=now)
    before = ledger_snapshot()

    [again] = ledger_post(transfers=[partial], now=now)

    assert again.pk == first.pk
    assert again.amount_fen == 1_000
    assert ledger_snapshot() == before
    assert balances(wallet) == (0, 1_000, 0, 10_000)
