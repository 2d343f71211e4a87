"""Holds past their timeout are voided by the periodic job, once, whoever runs it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from devtools.factories.ledger import AccountFactory
from tests.vouchers.ledger.helpers import balances, ledger_snapshot
from vouchers.ledger import tasks
from vouchers.ledger.models import Transfer
from vouchers.ledger.selectors import pending_transfer_state
from vouchers.ledger.services import (
    TransferSpec,
    expiry_key,
    ledger_post,
    ledger_void_expired,
)


def holds(wallet, shop, now):
    return ledger_post(
        transfers=[
            TransferSpec(
                "due", wallet.pk, shop.pk, 1_000, "pending", timeout_at=now + timedelta(hours=1)
            ),
            TransferSpec(
                "later", wallet.pk, shop.pk, 2_000, "pending", timeout_at=now + timedelta(days=1)
            ),
            TransferSpec("forever", wallet.pk, shop.pk, 3_000, "pending"),
            TransferSpec(
                "posted", wallet.pk, shop.pk, 500, "pending", timeout_at=now + timedelta(hours=1)
            ),
            TransferSpec("post", phase="post_pending", pending_key="posted"),
        ],
        now=now,
    )


def test_only_unresolved_holds_past_their_timeout_are_voided(wallet, shop, now):
    due, later, forever, posted, _ = holds(wallet, shop, now)

    voided = ledger_void_expired(now=now + timedelta(hours=1))

    assert voided == 1
    void = Transfer.objects.get(pending_transfer=due)
    assert (void.idempotency_key, void.phase, void.amount_fen) == (
        "void-expired:due",
        "void_pending",
        1_000,
    )
    assert void.created_at == now + timedelta(hours=1)
    assert [pending_transfer_state(t) for t in (due, later, forever, posted)] == [
        "expired",
        "pending",
        "pending",
        "posted",
    ]
    assert balances(wallet) == (5_000, 500, 0, 10_000)


def test_running_the_job_again_voids_nothing_more(wallet, shop, now):
    holds(wallet, shop, now)
    ledger_void_expired(now=now + timedelta(hours=2))
    before = ledger_snapshot()

    assert ledger_void_expired(now=now + timedelta(hours=2)) == 0
    assert ledger_snapshot() == before
    assert ledger_void_expired(now=now + timedelta(days=2)) == 1
    assert balances(wallet) == (3_000, 500, 0, 10_000)


def test_the_job_voids_across_chunks(wallet, shop, now, monkeypatch):
    monkeypatch.setattr("vouchers.ledger.services.EXPIRY_CHUNK", 2)
    ledger_post(
        transfers=[
            TransferSpec(
                f"h-{n}", wallet.pk, shop.pk, 100, "pending", timeout_at=now + timedelta(minutes=1)
            )
            for n in range(5)
        ],
        now=now,
    )

    assert ledger_void_expired(now=now + timedelta(minutes=5)) == 5
    assert balances(wallet) == (0, 0, 0, 10_000)


def test_an_expiry_key_stays_within_the_key_limit(wallet, shop, now):
    [pending] = ledger_post(
        transfers=[
            TransferSpec(
                "k" * 200, wallet.pk, shop.pk, 100, "pending", timeout_at=now + timedelta(1)
            )
        ],
        now=now,
    )

    key = expiry_key(pending)

    assert len(key) == len("void-expired:sha256:") + 64
    assert ledger_void_expired(now=now + timedelta(days=1)) == 1
    assert Transfer.objects.get(pending_transfer=pending).idempotency_key == key


def test_the_task_voids_the_holds_due_by_the_clock(wallet, shop, now, monkeypatch):
    """The real service runs: the task reads the clock and voids what is due by then."""
    due, later, forever, posted, _ = holds(wallet, shop, now)
    monkeypatch.setattr(
        "vouchers.ledger.tasks.timezone.now", lambda: now + timedelta(hours=2)
    )

    assert tasks.void_expired_pending_transfers.delay().get() == 1
    assert pending_transfer_state(due) == "expired"
    assert pending_transfer_state(later) == "pending"
    assert pending_transfer_state(forever) == "pending"
    assert pending_transfer_state(posted) == "posted"
    assert tasks.void_expired_pending_transfers.delay().get() == 0


def test_the_task_is_scheduled_every_five_minutes_and_acknowledged_late(settings):
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "vouchers.ledger.tasks.void_expired_pending_transfers"
    ]

    assert [entry["schedule"] for entry in entries] == [300]
    assert tasks.void_expired_pending_transfers.acks_late is True


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_very_first_transfer_of_the_journal_expires_too(now):
    """The chunked scan starts below the first id (a scan from 1 would skip transfer 1)."""
    payer, payee = AccountFactory(), AccountFactory(kind="payable")
    [first] = ledger_post(
        transfers=[TransferSpec("first", payer.pk, payee.pk, 100, "pending",
                                timeout_at=now + timedelta(minutes=1))],
        now=now,
    )

    assert first.pk == 1
    assert ledger_void_expired(now=now + timedelta(minutes=2)) == 1
    assert pending_transfer_state(first) == "expired"


def test_an_expiry_void_carries_the_holds_business_reference(wallet, shop, now):
    [hold] = ledger_post(
        transfers=[TransferSpec("order-hold:42", wallet.pk, shop.pk, 700, "pending",
                                timeout_at=now + timedelta(hours=1), business_type="order",
                                business_id="42", memo="订单预留")],
        now=now,
    )

    assert ledger_void_expired(now=now + timedelta(hours=1)) == 1

    void = Transfer.objects.get(pending_transfer=hold)
    assert (void.idempotency_key, void.phase, void.amount_fen) == (
        "void-expired:order-hold:42", "void_pending", 700,
    )
    assert (void.business_type, void.business_id, void.memo) == ("order", "42", "预留超时自动作废")
