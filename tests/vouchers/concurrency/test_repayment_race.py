"""Real threads on PostgreSQL: two repayments of one claw-back at once, together more than is
owed; and one bank reference recorded by two requests at once."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.concurrency.test_races import race
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import ClawBack, ClawBackRepayment
from vouchers.services import oversight, recovery, redemptions, settlements

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _claw_back():
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    enterprise, institution = build.enterprise_user("JS"), build.institution_user("SH")
    voucher = build.issue_voucher(program, enterprise, reviewer=reviewer)
    order = build.place_order(voucher, enterprise, institution.organisation, 10_000_00)
    build.delivered_and_confirmed(order, institution, enterprise)
    redemption = redemptions.redemption_approve(
        actor=reviewer, redemption=build.request_redemption(order, institution), now=NOW)
    finance = build.authority("JS", role="authority_finance")
    batch = settlements.payment_batch_create(actor=finance, payee=institution.organisation,
                                             now=NOW)
    settlements.payment_batch_pay(actor=finance, batch=batch, payment_reference="GK-1",
                                  paid_on=date(2024, 3, 1), now=NOW)
    claw_back = oversight.redemption_claw_back(actor=reviewer, redemption=redemption,
                                               reason="虚假", now=NOW)
    return claw_back, finance


def _repay(claw_back, finance, amount_fen, reference):
    return lambda: recovery.claw_back_repay(
        actor=finance, claw_back=claw_back, amount_fen=amount_fen, received_on=date(2024, 3, 1),
        bank_reference=reference, now=NOW)


def test_two_repayments_at_once_never_repay_more_than_is_owed():
    claw_back, finance = _claw_back()  # 5,000.00 owed

    outcomes = race([_repay(claw_back, finance, 3_000_00, "YH-1"),
                     _repay(claw_back, finance, 3_000_00, "YH-2")])

    assert outcomes == Counter({"ok": 1, "repayment_exceeds_outstanding": 1})
    assert ClawBack.objects.get().repaid_fen == 3_000_00
    assert ledger_verify().ok


def test_one_bank_reference_sent_twice_at_once_is_recorded_once():
    claw_back, finance = _claw_back()

    outcomes = race([_repay(claw_back, finance, 1_000_00, "YH-1"),
                     _repay(claw_back, finance, 1_000_00, "YH-1")])

    assert outcomes == Counter({"ok": 2})
    assert ClawBackRepayment.objects.count() == 1
    assert ClawBack.objects.get().repaid_fen == 1_000_00
    assert ledger_verify().ok
