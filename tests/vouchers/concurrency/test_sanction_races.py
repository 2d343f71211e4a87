"""A sanction races the money it stops (real threads on PostgreSQL): whichever commits first,
the other sees its result, and the ledger stays balanced."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from accounts.models import User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.concurrency.test_races import race
from vouchers.ledger.models import Account
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import PaymentBatch, Redemption, Voucher
from vouchers.services import oversight, redemptions, sanctions, settlements, vouchers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

ROUNDS = 4


def _parties():
    reviewer = build.authority("JS")
    return (reviewer, build.make_program(actor=reviewer),
            build.authority("JS", role=User.Role.AUTHORITY_FINANCE),
            build.enterprise_user(), build.institution_user("SH"))


def _claim(program, reviewer, enterprise, institution) -> tuple[Voucher, Redemption]:
    voucher = build.issue_voucher(program, enterprise, 10_000_00, reviewer=reviewer)
    order = build.place_order(voucher, enterprise, institution.organisation, 2_000_00)
    build.delivered_and_confirmed(order, institution, enterprise)
    return voucher, build.request_redemption(order, institution)


def _revocation_races(other_move, *, approved: bool):
    """ROUNDS rounds, each a new voucher with one claim (approved first if asked): its
    revocation races `other_move(claim, actor)` by a second reviewer. Returns the program,
    the outcomes and the claims."""
    reviewer, program, _finance, enterprise, institution = _parties()
    other_reviewer = build.authority("JS")
    outcomes: Counter = Counter()
    claims = []
    for _ in range(ROUNDS):
        voucher, claim = _claim(program, reviewer, enterprise, institution)
        if approved:
            redemptions.redemption_approve(actor=reviewer, redemption=claim, now=NOW)
        claims.append(claim)
        outcomes += race([
            lambda voucher=voucher: vouchers.voucher_revoke(
                actor=reviewer, voucher=voucher, reason="骗补", now=NOW),
            lambda claim=claim: other_move(claim, other_reviewer),
        ])
    return program, outcomes, claims


def test_a_revocation_racing_an_approval_leaves_no_money_payable():
    program, outcomes, claims = _revocation_races(
        lambda claim, actor: redemptions.redemption_approve(
            actor=actor, redemption=claim, now=NOW),
        approved=False)

    # The revocation always succeeds; the approval only if it committed first.
    assert outcomes["ok"] >= ROUNDS
    assert outcomes["ok"] + outcomes["illegal_transition"] == 2 * ROUNDS
    states = Counter(Redemption.objects.filter(pk__in=[c.pk for c in claims])
                     .values_list("state", flat=True))
    assert set(states) <= {"voided", "withdrawn"}
    assert states["withdrawn"] == outcomes["ok"] - ROUNDS  # each approval that won, withdrawn
    assert Voucher.objects.filter(state="revoked").count() == ROUNDS
    budget = Account.objects.get(pk=program.budget_account_id)
    assert budget.available_fen == program.budget_fen
    assert ledger_verify().ok


def test_a_revocation_racing_a_payment_either_pays_or_withdraws():
    reviewer, program, finance, enterprise, institution = _parties()
    outcomes: Counter = Counter()
    rounds = []
    for round_number in range(ROUNDS):
        voucher, claim = _claim(program, reviewer, enterprise, institution)
        redemptions.redemption_approve(actor=reviewer, redemption=claim, now=NOW)
        batch = settlements.payment_batch_create(actor=finance, payee=institution.organisation,
                                                 now=NOW)
        rounds.append((batch, claim))
        outcomes += race([
            lambda voucher=voucher: vouchers.voucher_revoke(
                actor=reviewer, voucher=voucher, reason="骗补", now=NOW),
            lambda batch=batch, number=round_number: settlements.payment_batch_pay(
                actor=finance, batch=batch, payment_reference=f"GK-{number}",
                paid_on=date(2024, 3, 1), now=NOW),
        ])

    assert outcomes["ok"] + outcomes["illegal_transition"] == 2 * ROUNDS
    paid = 0
    for batch, claim in rounds:
        batch.refresh_from_db()
        claim.refresh_from_db()
        if batch.state == PaymentBatch.State.PAID:
            assert (claim.state, claim.batch_id) == ("paid", batch.pk)
            paid += 1
        else:  # revoked first: withdrawn, out of its batch, which was cancelled unpaid
            assert (batch.state, claim.state, claim.batch_id) == (
                PaymentBatch.State.CANCELLED, "withdrawn", None)
    assert outcomes["ok"] == ROUNDS + paid
    budget = Account.objects.get(pk=program.budget_account_id)
    assert budget.available_fen == program.budget_fen - paid * 1_000_00
    assert ledger_verify().ok


def test_a_blacklisting_racing_a_payment_either_pays_or_suspends():
    reviewer, program, finance, enterprise, institution = _parties()
    _voucher, claim = _claim(program, reviewer, enterprise, institution)
    redemptions.redemption_approve(actor=reviewer, redemption=claim, now=NOW)
    batch = settlements.payment_batch_create(actor=finance, payee=institution.organisation,
                                             now=NOW)

    outcomes = race([
        lambda: oversight.organisation_blacklist(
            actor=reviewer, organisation=institution.organisation, reason="伪造", now=NOW),
        lambda: settlements.payment_batch_pay(
            actor=finance, batch=batch, payment_reference="GK-1", paid_on=date(2024, 3, 1),
            now=NOW),
    ])

    batch.refresh_from_db()
    claim.refresh_from_db()
    if outcomes["ok"] == 2:  # the payment committed first: a paid claim is never suspended
        assert (batch.state, claim.state) == (PaymentBatch.State.PAID, "paid")
    else:
        assert sum(outcomes.values()) == 2
        assert set(outcomes) <= {"ok", "blacklisted", "illegal_transition"}
        assert (batch.state, claim.state, claim.suspended_from) == (
            PaymentBatch.State.CANCELLED, "suspended", "approved")
    assert ledger_verify().ok


def test_a_withdrawal_back_to_the_hold_racing_a_revocation_ends_the_order_either_way():
    """Withdrawn first, the order is held again and the revocation voids the new hold;
    revoked first, the claim is already withdrawn and the withdrawal is refused."""
    program, outcomes, claims = _revocation_races(
        lambda claim, actor: sanctions.redemption_withdraw(
            actor=actor, redemption=claim, reason="更正", destination="hold", now=NOW),
        approved=True)

    assert outcomes["ok"] + outcomes["not_withdrawable"] == 2 * ROUNDS
    assert outcomes["ok"] >= ROUNDS  # the revocation always succeeds
    for claim in claims:
        claim.refresh_from_db()
        assert claim.state == "withdrawn"
        assert claim.order.state == "voided"
    held_again = Redemption.objects.filter(pk__in=[c.pk for c in claims], returned_to="hold")
    assert held_again.count() == outcomes["ok"] - ROUNDS
    budget = Account.objects.get(pk=program.budget_account_id)
    assert budget.available_fen == program.budget_fen
    assert ledger_verify().ok
