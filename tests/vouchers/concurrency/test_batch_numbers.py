"""Real threads on PostgreSQL: concurrent batches of one region get consecutive numbers."""

from __future__ import annotations

from collections import Counter

import pytest

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.concurrency.test_races import race
from vouchers.models import PaymentBatch, PaymentBatchCounter
from vouchers.services import redemptions, settlements

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _approved_payees(count: int):
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    enterprise = build.enterprise_user("JS")
    voucher = build.issue_voucher(program, enterprise, reviewer=reviewer)
    payees = []
    for _ in range(count):
        institution = build.institution_user("SH")
        order = build.place_order(voucher, enterprise, institution.organisation, 1_000_00)
        build.delivered_and_confirmed(order, institution, enterprise)
        redemptions.redemption_approve(
            actor=reviewer, redemption=build.request_redemption(order, institution), now=NOW
        )
        payees.append(institution.organisation)
    return payees


def test_concurrent_batches_of_a_region_get_consecutive_numbers_and_none_repeats():
    payees = _approved_payees(6)
    finance = build.authority("JS", role="authority_finance")

    outcomes = race([
        lambda payee=payee: settlements.payment_batch_create(actor=finance, payee=payee, now=NOW)
        for payee in payees
    ])

    assert outcomes == Counter({"ok": 6})
    numbers = sorted(PaymentBatch.objects.values_list("number", flat=True))
    assert numbers == [f"JS-PAY-2024-{sequence:06d}" for sequence in range(1, 7)]
    assert sorted(PaymentBatch.objects.values_list("sequence", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert PaymentBatchCounter.objects.get(region__short_code="JS", year=2024).last_sequence == 6


def test_two_batches_racing_for_one_payee_number_one_batch_and_skip_no_number():
    (payee,) = _approved_payees(1)
    finance = build.authority("JS", role="authority_finance")

    outcomes = race([
        lambda: settlements.payment_batch_create(actor=finance, payee=payee, now=NOW)
        for _ in range(2)
    ])

    # The loser finds the redemption batched already: nothing left, or a conflict to retry.
    assert outcomes["ok"] == 1
    assert sum(outcomes.values()) == 2
    assert set(outcomes) <= {"ok", "nothing_to_pay", "concurrent_update"}
    assert list(PaymentBatch.objects.values_list("number", flat=True)) == ["JS-PAY-2024-000001"]
    assert PaymentBatchCounter.objects.get(region__short_code="JS", year=2024).last_sequence == 1
