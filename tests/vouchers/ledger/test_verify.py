"""ledger_verify recomputes balances from the journal and names every account that differs."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from devtools.factories.ledger import AccountFactory
from vouchers.ledger.selectors import Mismatch, ledger_verify
from vouchers.ledger.services import TransferSpec, ledger_post


@pytest.fixture
def journal(wallet, shop, now):
    ledger_post(
        transfers=[
            TransferSpec("pay-1", wallet.pk, shop.pk, 1_000),
            TransferSpec("hold-1", wallet.pk, shop.pk, 2_000, phase="pending"),
            TransferSpec("hold-2", wallet.pk, shop.pk, 3_000, phase="pending"),
            TransferSpec("post-1", amount_fen=1_500, phase="post_pending", pending_key="hold-1"),
        ],
        now=now,
    )


def test_a_good_journal_verifies_clean(journal, capsys):
    report = ledger_verify()

    assert report.ok
    assert report.mismatches == []
    # The wallet, the shop and the wallet's funding source; the funding plus four transfers.
    assert (report.accounts_checked, report.transfers_checked) == (3, 5)
    assert report.totals == {
        "debits_pending_fen": 3_000,
        "debits_posted_fen": 12_500,
        "credits_pending_fen": 3_000,
        "credits_posted_fen": 12_500,
    }
    call_command("ledger_verify")
    output = capsys.readouterr().out
    assert "Checked 3 accounts and 5 transfers" in output
    assert "Ledger OK" in output


def test_an_empty_ledger_verifies_clean(db):
    report = ledger_verify()

    assert (report.ok, report.accounts_checked, report.transfers_checked) == (True, 0, 0)


def test_a_tampered_balance_is_reported_with_its_account(journal, wallet, capsys):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_account SET credits_posted_fen = credits_posted_fen + 7 WHERE id = %s",
            [wallet.pk],
        )

    report = ledger_verify()

    assert not report.ok
    assert report.mismatches == [
        Mismatch(
            f"account {wallet.pk} {wallet.name}", "credits_posted_fen", 10_007, 10_000, wallet.pk
        ),
        Mismatch("all accounts (posted)", "debits_posted_fen", 12_500, 12_507),
    ]
    with pytest.raises(CommandError, match="2 mismatch"):
        call_command("ledger_verify")
    errors = capsys.readouterr().err
    assert f"account {wallet.pk} {wallet.name}: credits_posted_fen recorded 10007" in errors


def test_a_tampered_hold_balance_is_reported(journal, shop):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET credits_pending_fen = 0 WHERE id = %s", [shop.pk])

    [first, *_] = ledger_verify().mismatches

    assert (first.account_id, first.field, first.recorded_fen, first.journal_fen) == (
        shop.pk,
        "credits_pending_fen",
        0,
        3_000,
    )


def test_verify_runs_a_constant_number_of_queries(journal, django_assert_num_queries):
    for _ in range(20):
        AccountFactory()

    with django_assert_num_queries(5):
        ledger_verify()
