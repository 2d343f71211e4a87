"""Balances as of a moment, from the journal, against a replay of the same postings in
Python: random posts, holds, partial posts and voids at random (non-decreasing, often equal)
times, queried at random moments, at the postings' own instants and between them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devtools.factories.ledger import AccountFactory, next_key
from tests.vouchers.ledger.test_stateful import empty_ledger
from vouchers.ledger.as_of import AccountBalances, account_balances_as_of
from vouchers.ledger.models import Transfer
from vouchers.ledger.services import TransferSpec, ledger_post

START = datetime(2026, 1, 1, tzinfo=UTC)
Phase = Transfer.Phase

STEP = st.tuples(
    st.sampled_from(["post", "hold", "post_hold", "void_hold"]),
    st.integers(0, 3), st.integers(0, 3),  # debit and credit account (by index)
    st.integers(1, 5_000),  # amount (a partial post takes at most the hold)
    st.integers(0, 3),  # which open hold a post or void resolves
    st.sampled_from([0, 0, 1, 59, 3_600, 86_400]),  # seconds after the previous step
)


def replay(steps: list[tuple], moment: datetime) -> dict[int, list[int]]:
    """[debits pending, debits posted, credits pending, credits posted] per account index,
    applying in order every step made at or before `moment`."""
    balances = {index: [0, 0, 0, 0] for index in range(4)}
    holds: dict[str, tuple[int, int, int]] = {}
    for kind, key, debit, credit, amount, at, hold_key in steps:
        if at > moment:
            break
        if kind == "post":
            balances[debit][1] += amount
            balances[credit][3] += amount
        elif kind == "hold":
            holds[key] = (debit, credit, amount)
            balances[debit][0] += amount
            balances[credit][2] += amount
        else:
            debit, credit, held = holds.pop(hold_key)
            balances[debit][0] -= held
            balances[credit][2] -= held
            if kind == "post_hold":
                balances[debit][1] += amount
                balances[credit][3] += amount
    return balances


def post(accounts, plan) -> list[tuple]:
    """Post `plan` through ledger_post; return the steps as made (with keys and times)."""
    steps: list[tuple] = []
    open_holds: list[tuple[str, int]] = []
    at = START
    for kind, debit, credit, amount, which, seconds in plan:
        at += timedelta(seconds=seconds)
        key = next_key("as-of")
        if kind in ("post_hold", "void_hold"):
            if not open_holds:
                continue
            hold_key, held = open_holds.pop(which % len(open_holds))
            amount = min(amount, held)
            spec = TransferSpec(idempotency_key=key, pending_key=hold_key,
                                amount_fen=amount if kind == "post_hold" else None,
                                phase=Phase.POST_PENDING if kind == "post_hold"
                                else Phase.VOID_PENDING)
            ledger_post(transfers=[spec], now=at)
            steps.append((kind, key, None, None, amount, at, hold_key))
            continue
        if debit == credit:
            credit = (credit + 1) % 4
        phase = Phase.PENDING if kind == "hold" else Phase.POSTED
        ledger_post(transfers=[TransferSpec(
            idempotency_key=key, debit_account_id=accounts[debit].pk,
            credit_account_id=accounts[credit].pk, amount_fen=amount, phase=phase)], now=at)
        steps.append((kind, key, debit, credit, amount, at, None))
        if kind == "hold":
            open_holds.append((key, amount))
    return steps


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(plan=st.lists(STEP, min_size=1, max_size=25),
       probes=st.lists(st.integers(-10, 200_000), min_size=1, max_size=5))
def test_balances_as_of_any_moment_equal_a_replay_of_the_journal(plan, probes):
    empty_ledger()
    accounts = [AccountFactory() for _ in range(4)]
    steps = post(accounts, plan)
    instants = [step[5] for step in steps]
    moments = [START + timedelta(seconds=s) for s in probes] + instants
    moments += [instant - timedelta(microseconds=1) for instant in instants[:3]]
    for moment in moments:
        expected = replay(steps, moment)
        found = account_balances_as_of(account_ids=[a.pk for a in accounts], moment=moment)
        assert {index: [found[a.pk].debits_pending_fen, found[a.pk].debits_posted_fen,
                        found[a.pk].credits_pending_fen, found[a.pk].credits_posted_fen]
                for index, a in enumerate(accounts)} == expected, moment
    # After the last posting, as of "now" is exactly the stored balances.
    last = account_balances_as_of(account_ids=[a.pk for a in accounts],
                                  moment=START + timedelta(days=400))
    for account in accounts:
        account.refresh_from_db()
        assert last[account.pk] == AccountBalances(
            account.debits_pending_fen, account.debits_posted_fen,
            account.credits_pending_fen, account.credits_posted_fen)


@pytest.mark.django_db
def test_a_hold_posted_later_was_pending_before_and_counts_its_posted_amount_after(wallet, shop,
                                                                                  now):
    hold = ledger_post(transfers=[TransferSpec(
        idempotency_key="h", debit_account_id=wallet.pk, credit_account_id=shop.pk,
        amount_fen=3_000, phase=Phase.PENDING)], now=now + timedelta(hours=1))[0]
    ledger_post(transfers=[TransferSpec(idempotency_key="p", pending_key=hold.idempotency_key,
                                        amount_fen=2_000, phase=Phase.POST_PENDING)],
                now=now + timedelta(hours=2))

    def wallet_at(hours: float) -> AccountBalances:
        moment = now + timedelta(hours=hours)
        return account_balances_as_of(account_ids=[wallet.pk], moment=moment)[wallet.pk]

    assert wallet_at(0.5) == AccountBalances(0, 0, 0, 10_000)
    assert wallet_at(1) == AccountBalances(3_000, 0, 0, 10_000)
    assert wallet_at(2) == AccountBalances(0, 2_000, 0, 10_000)
    assert wallet_at(2).available_fen == 8_000
    assert account_balances_as_of(account_ids=[], moment=now) == {}
