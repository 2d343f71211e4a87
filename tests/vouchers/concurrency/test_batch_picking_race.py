"""Real threads on PostgreSQL: two finance officers pick overlapping redemptions at once."""

from __future__ import annotations

from collections import Counter

import pytest

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.concurrency.test_races import race
from vouchers.models import PaymentBatch, Redemption
from vouchers.services import redemptions, settlements

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def test_overlapping_picks_put_no_redemption_in_two_batches_and_the_loser_is_told():
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    enterprise = build.enterprise_user("JS")
    institution = build.institution_user("SH")
    voucher = build.issue_voucher(program, enterprise, reviewer=reviewer)
    picked = []
    for fee in (1_000_00, 2_000_00, 3_000_00):
        order = build.place_order(voucher, enterprise, institution.organisation, fee)
        build.delivered_and_confirmed(order, institution, enterprise)
        picked.append(redemptions.redemption_approve(
            actor=reviewer, redemption=build.request_redemption(order, institution), now=NOW).pk)
    first, second = (build.authority("JS", role="authority_finance") for _ in range(2))
    payee = institution.organisation

    outcomes = race([
        lambda: settlements.payment_batch_create(
            actor=first, payee=payee, now=NOW, redemption_ids=picked[:2]),
        lambda: settlements.payment_batch_create(
            actor=second, payee=payee, now=NOW, redemption_ids=picked[1:]),
    ])

    assert outcomes == Counter({"ok": 1, "redemption_not_batchable": 1})
    (batch,) = PaymentBatch.objects.all()
    batched = list(Redemption.objects.filter(batch=batch).values_list("pk", flat=True))
    assert sorted(batched) in (picked[:2], picked[1:])
    assert Redemption.objects.filter(pk__in=picked, batch__isnull=False).count() == 2
    assert batch.total_fen == sum(
        Redemption.objects.filter(batch=batch).values_list("approved_fen", flat=True))
    assert AuditEntry.objects.filter(action="payment_batch_create").count() == 1
