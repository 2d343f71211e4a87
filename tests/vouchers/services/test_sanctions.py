"""Sanctions that stop everything: a revoked voucher, a blacklisting, a withdrawn approval.

Worked examples on the world of tests/vouchers/conftest.py: a Jiangsu voucher of 100,000 yuan
from a program of 1,000,000 yuan, spent at a Shanghai institution (payee = institution).
"""

from __future__ import annotations

from datetime import date

import pytest

from accounts.errors import AccessDenied, ApplicationError
from accounts.models import AuditEntry, User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.services.test_settlements import approved_redemption, pay
from vouchers.ledger.models import Account
from vouchers.models import Blacklisting, Delivery, PaymentBatch, Redemption, ServiceOrder, Voucher
from vouchers.services import oversight, redemptions, sanctions, settlements, vouchers
from vouchers.visibility import with_voucher_balances

BUDGET_FEN = 1_000_000_00
VOUCHER_FEN = 100_000_00
_O = ServiceOrder.State
_R = Redemption.State


def budget_available(world) -> int:
    return Account.objects.get(pk=world.program.budget_account_id).available_fen


def balances(voucher) -> tuple[int, int, int]:
    row = with_voucher_balances(Voucher.objects.filter(pk=voucher.pk)).get()
    return row.available_fen, row.held_fen, row.spent_fen


def requested(world, voucher, fee=10_000_00) -> Redemption:
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, fee)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    return build.request_redemption(order, world.institution)


def delivered(world, voucher, fee=10_000_00) -> ServiceOrder:
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, fee)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    order.refresh_from_db()
    return order


def batch_of(world) -> PaymentBatch:
    return settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW
    )


def state(record) -> str:
    record.refresh_from_db()
    return record.state


# Revoking a voucher


def test_revoking_stops_every_open_hold_whatever_the_orders_state(world, voucher, ledger_clean):
    # given: a placed order (fee 1,000 → 500 held), a delivered unclaimed one (2,000 → 1,000),
    # a requested claim (4,000 → 2,000), an approved claim in an open batch with another
    # (6,000 → 3,000 and 8,000 → 4,000), and a paid claim (10,000 → 5,000)
    placed = build.place_order(voucher, world.enterprise, world.institution.organisation,
                               1_000_00)
    unclaimed = delivered(world, voucher, 2_000_00)
    claim = requested(world, voucher, 4_000_00)
    paid = approved_redemption(world, voucher, 10_000_00)
    pay(world, batch_of(world))
    approved = approved_redemption(world, voucher, 6_000_00)
    stays = approved_redemption(world, voucher, 8_000_00)
    batch = batch_of(world)
    assert batch.total_fen == 7_000_00

    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="虚假交易", now=NOW)

    assert state(voucher) == Voucher.State.REVOKED
    assert state(placed) == _O.CANCELLED
    assert (state(unclaimed), unclaimed.reason) == (_O.VOIDED, "创新券作废：虚假交易")
    assert unclaimed.deliveries.get().state == Delivery.State.CONFIRMED  # kept
    assert unclaimed.evidence.count() == 4
    claim.refresh_from_db()
    assert (claim.state, claim.stopped_reason, claim.returned_to, claim.stopped_by) == (
        _R.VOIDED, "创新券作废：虚假交易", "budget", world.reviewer)
    assert state(claim.order) == _O.VOIDED
    approved.refresh_from_db()
    assert (approved.state, approved.batch_id) == (_R.WITHDRAWN, None)
    assert (state(approved.order), approved.order.redeemed_fen) == (_O.VOIDED, None)
    assert state(stays) == _R.WITHDRAWN  # the same voucher: every unpaid claim stops
    assert state(batch) == PaymentBatch.State.CANCELLED  # emptied
    assert state(paid) == _R.PAID  # paid money is a claw-back's business
    # Everything but the paid 5,000 is back in the budget; the voucher holds nothing.
    assert budget_available(world) == BUDGET_FEN - 5_000_00
    available, held, spent = balances(voucher)
    assert (available, held, spent) == (0, 0, 5_000_00)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"voucher_revoke", "order_void", "redemption_voided", "redemption_withdrawn",
            "payment_batch_cancel"} <= actions
    line = AuditEntry.objects.get(action="voucher_revoke")
    assert (line.reason, line.amount_fen) == ("虚假交易", VOUCHER_FEN - 500_00 - 1_000_00
                                              - 2_000_00 - 5_000_00 - 3_000_00 - 4_000_00)


def test_revoking_an_expired_voucher_voids_its_delivered_orders(world, voucher, ledger_clean):
    order = delivered(world, voucher)
    vouchers.voucher_expire(voucher=voucher, now=voucher.expires_at)
    assert budget_available(world) == BUDGET_FEN - 5_000_00  # the hold stays held

    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)

    assert (state(voucher), state(order)) == (Voucher.State.REVOKED, _O.VOIDED)
    assert budget_available(world) == BUDGET_FEN


def test_a_redemption_of_a_revoked_voucher_can_no_longer_be_approved(world, voucher, refused):
    claim = requested(world, voucher)
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)
    with refused("illegal_transition", claim):
        redemptions.redemption_approve(actor=world.reviewer, redemption=claim, now=NOW)


def test_a_voided_claims_invoice_cannot_be_claimed_again(world, voucher):
    claim = requested(world, voucher)
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)
    other = build.issue_voucher(world.program, world.enterprise, 1_000_00,
                                reviewer=world.reviewer)
    order = build.place_order(other, world.enterprise, world.institution.organisation, 1_000_00)
    build.delivered_and_confirmed(order, world.institution, world.enterprise,
                                  invoice=claim.invoice_number)
    with pytest.raises(ApplicationError) as info:
        build.request_redemption(order, world.institution)
    assert info.value.code == "invoice_already_redeemed"


@pytest.mark.parametrize(
    ("actor", "reason", "code"),
    [
        ("other_region", "骗补", "other_region"),
        ("finance", "骗补", "permission_denied"),
        ("enterprise", "骗补", "permission_denied"),
        ("reviewer", "  ", "invalid"),
    ],
)
def test_revoking_is_refused(world, voucher, actor, reason, code):
    order = delivered(world, voucher)
    users = {"other_region": build.authority("SH"), "finance": world.finance,
             "enterprise": world.enterprise, "reviewer": world.reviewer}
    with pytest.raises(ApplicationError) as info:
        vouchers.voucher_revoke(actor=users[actor], voucher=voucher, reason=reason, now=NOW)
    assert info.value.code == code
    assert (state(voucher), state(order)) == (Voucher.State.ACTIVE, _O.DELIVERED)


def test_revoking_twice_is_refused_and_changes_nothing(world, voucher, refused):
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)
    with refused("already_revoked", voucher):
        vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)


# Withdrawing an approved claim before payment


def test_withdrawal_to_the_voucher_reverses_the_payable_and_leaves_the_batch(
    world, voucher, ledger_clean
):
    withdrawn = approved_redemption(world, voucher, 10_000_00)  # 5,000 payable
    approved_redemption(world, voucher, 4_000_00)  # 2,000 payable
    batch = batch_of(world)
    payable = Account.objects.get(pk=withdrawn.order.payable_account_id)
    assert (batch.total_fen, payable.balance_fen) == (7_000_00, 7_000_00)

    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn, reason="发票作废",
                                  destination="voucher", now=NOW)

    withdrawn.refresh_from_db()
    assert (withdrawn.state, withdrawn.batch_id, withdrawn.returned_to) == (
        _R.WITHDRAWN, None, "voucher")
    assert state(withdrawn.order) == _O.VOIDED
    batch.refresh_from_db()
    assert (batch.state, batch.total_fen, batch.redemptions.count()) == (
        PaymentBatch.State.OPEN, 2_000_00, 1)
    payable.refresh_from_db()
    assert (payable.balance_fen, payable.debits_posted_fen) == (2_000_00, 5_000_00)
    assert balances(voucher) == (VOUCHER_FEN - 2_000_00, 0, 2_000_00)
    line = AuditEntry.objects.get(action="redemption_withdrawn")
    assert (line.reason, line.amount_fen, line.after["left_batch"]) == (
        "发票作废", 5_000_00, batch.number)
    # The batch is paid for what it still holds.
    pay(world, batch)
    assert Account.objects.get(kind="paid").balance_fen == 2_000_00


def test_withdrawal_to_the_budget(world, voucher, ledger_clean):
    withdrawn = approved_redemption(world, voucher, 10_000_00)
    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn, reason="虚假",
                                  destination="budget", now=NOW)
    assert budget_available(world) == BUDGET_FEN - VOUCHER_FEN + 5_000_00
    assert balances(voucher) == (VOUCHER_FEN - 5_000_00, 0, 0)


def test_withdrawing_the_only_claim_of_a_batch_cancels_the_batch(world, voucher, ledger_clean):
    withdrawn = approved_redemption(world, voucher)
    batch = batch_of(world)
    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn, reason="虚假",
                                  destination="voucher", now=NOW)
    batch.refresh_from_db()
    assert (batch.state, batch.total_fen) == (PaymentBatch.State.CANCELLED, 5_000_00)


@pytest.mark.parametrize("kind", ["requested", "paid", "withdrawn"])
def test_only_an_approved_unpaid_claim_can_be_withdrawn(world, voucher, refused, kind):
    if kind == "requested":
        claim = requested(world, voucher)
    else:
        claim = approved_redemption(world, voucher)
    if kind == "paid":
        pay(world, batch_of(world))
    if kind == "withdrawn":
        sanctions.redemption_withdraw(actor=world.reviewer, redemption=claim, reason="x",
                                      destination="voucher", now=NOW)
    with refused("not_withdrawable", claim):
        sanctions.redemption_withdraw(actor=world.reviewer, redemption=claim, reason="x",
                                      destination="voucher", now=NOW)


@pytest.mark.parametrize(
    ("actor", "reason", "destination", "code"),
    [
        ("other_region", "x", "voucher", "other_region"),
        ("finance", "x", "voucher", "permission_denied"),
        ("reviewer", "", "voucher", "invalid"),
        ("reviewer", "x", "treasury", "invalid_destination"),
    ],
)
def test_withdrawal_is_refused(world, voucher, actor, reason, destination, code):
    claim = approved_redemption(world, voucher)
    users = {"other_region": build.authority("SH"), "finance": world.finance,
             "reviewer": world.reviewer}
    with pytest.raises(ApplicationError) as info:
        sanctions.redemption_withdraw(actor=users[actor], redemption=claim, reason=reason,
                                      destination=destination, now=NOW)
    assert info.value.code == code
    assert state(claim) == _R.APPROVED


def test_withdrawal_back_to_the_hold_lets_the_payee_claim_the_order_again(
    world, voucher, ledger_clean
):
    """The reviewer finds a wrong figure on an approved claim before payment: withdrawn back
    to the hold, the order is delivered again and held anew, and the corrected claim, on the
    same invoice and contract, goes through review and payment like the first."""
    withdrawn = approved_redemption(world, voucher, 10_000_00)  # 5,000 payable
    batch = batch_of(world)
    payable = Account.objects.get(pk=withdrawn.order.payable_account_id)

    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn,
                                  reason="核定金额有误，退回更正", destination="hold", now=NOW)

    withdrawn.refresh_from_db()
    order = withdrawn.order
    order.refresh_from_db()
    assert (withdrawn.state, withdrawn.returned_to, withdrawn.batch_id) == (
        _R.WITHDRAWN, "hold", None)
    assert (order.state, order.hold_round, order.redeemed_fen, order.closed_at) == (
        _O.DELIVERED, 1, None, None)
    assert state(batch) == PaymentBatch.State.CANCELLED
    assert balances(voucher) == (VOUCHER_FEN - 5_000_00, 5_000_00, 0)
    payable.refresh_from_db()
    assert (payable.balance_fen, payable.credits_pending_fen) == (0, 5_000_00)
    assert budget_available(world) == BUDGET_FEN - VOUCHER_FEN
    line = AuditEntry.objects.get(action="redemption_withdrawn")
    assert (line.before, line.after, line.amount_fen) == (
        {"state": "approved", "order_state": "redeemed"},
        {"state": "withdrawn", "order_state": "delivered", "destination": "hold",
         "left_batch": batch.number}, 5_000_00)

    again = build.request_redemption(order, world.institution)
    assert (again.invoice_key, again.contract_key) == (withdrawn.invoice_key,
                                                      withdrawn.contract_key)
    redemptions.redemption_approve(actor=world.reviewer, redemption=again, now=NOW,
                                   amount_fen=4_000_00, reason="按更正后的金额核定")
    pay(world, batch_of(world))
    assert (state(again), state(order)) == (_R.PAID, _O.REDEEMED)
    assert balances(voucher) == (VOUCHER_FEN - 4_000_00, 0, 4_000_00)
    assert Account.objects.get(kind="paid").balance_fen == 4_000_00


def test_a_claim_withdrawn_to_the_voucher_keeps_its_invoice_claimed(world, voucher):
    withdrawn = approved_redemption(world, voucher)
    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn, reason="虚假",
                                  destination="voucher", now=NOW)
    other = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              2_000_00)
    build.delivered_and_confirmed(other, world.institution, world.enterprise,
                                  invoice=withdrawn.invoice_number)
    with pytest.raises(ApplicationError) as info:
        build.request_redemption(other, world.institution)
    assert info.value.code == "invoice_already_redeemed"


def test_a_revoked_voucher_voids_an_order_held_again(world, voucher, ledger_clean):
    withdrawn = approved_redemption(world, voucher)
    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn, reason="更正",
                                  destination="hold", now=NOW)
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)
    assert state(withdrawn.order) == _O.VOIDED
    assert balances(voucher) == (0, 0, 0)
    assert budget_available(world) == BUDGET_FEN


def test_back_to_the_hold_is_refused_when_the_voucher_cannot_hold_the_order(
    world, voucher, refused
):
    # Approved at 2,000 of its 5,000: the 3,000 released went to another order since.
    claim = build.request_redemption(delivered(world, voucher), world.institution)
    redemptions.redemption_approve(actor=world.reviewer, redemption=claim, now=NOW,
                                   amount_fen=2_000_00, reason="部分核定")
    build.place_order(voucher, world.enterprise, world.institution.organisation,
                      2 * (VOUCHER_FEN - 2_000_00))
    with refused("voucher_exhausted", claim, claim.order) as info:
        sanctions.redemption_withdraw(actor=world.reviewer, redemption=claim, reason="更正",
                                      destination="hold", now=NOW)
    assert info.value.extra["field"] == "destination"


def test_back_to_the_hold_is_refused_once_the_voucher_has_expired(world, voucher, refused):
    claim = approved_redemption(world, voucher)
    vouchers.voucher_expire(voucher=voucher, now=voucher.expires_at)
    with refused("voucher_not_active", claim, claim.order):
        sanctions.redemption_withdraw(actor=world.reviewer, redemption=claim, reason="更正",
                                      destination="hold", now=NOW)


def test_a_suspended_claim_cannot_be_sent_back_to_the_hold(world, voucher, refused):
    claim = approved_redemption(world, voucher)
    blacklist(world, world.institution.organisation)
    with refused("invalid_destination", claim):
        sanctions.redemption_suspension_reject(actor=world.reviewer, redemption=claim,
                                               reason="伪造", destination="hold", now=NOW)


# Blacklisting suspends what is already in the pipeline


def blacklist(world, organisation, region="JS"):
    actor = world.reviewer if region == "JS" else build.authority(region)
    return oversight.organisation_blacklist(actor=actor, organisation=organisation,
                                            reason="伪造报告", now=NOW)


def test_blacklisting_an_institution_suspends_its_claims_and_open_orders(
    world, voucher, ledger_clean
):
    claim = requested(world, voucher, 2_000_00)
    approved = approved_redemption(world, voucher, 4_000_00)
    batch = batch_of(world)
    order = delivered(world, voucher, 6_000_00)
    placed = build.place_order(voucher, world.enterprise, world.institution.organisation)
    paid_before = budget_available(world)

    blacklist(world, world.institution.organisation, region="SH")  # any region's sanction

    claim.refresh_from_db()
    approved.refresh_from_db()
    assert (claim.state, claim.suspended_from) == (_R.SUSPENDED, _R.REQUESTED)
    assert (approved.state, approved.suspended_from, approved.batch_id) == (
        _R.SUSPENDED, _R.APPROVED, None)
    assert state(batch) == PaymentBatch.State.CANCELLED
    order.refresh_from_db()
    assert (order.state, order.suspended_from) == (_O.SUSPENDED, _O.DELIVERED)
    assert (state(placed), placed.suspended_from) == (_O.SUSPENDED, _O.PLACED)
    assert budget_available(world) == paid_before  # nothing moves until the decision
    line = AuditEntry.objects.get(action="organisation_blacklist")
    assert (line.after["suspended_claims"], line.after["suspended_orders"]) == (2, 2)
    assert AuditEntry.objects.filter(action="redemption_suspended").count() == 2
    assert AuditEntry.objects.filter(action="order_suspend").count() == 2


def test_a_blacklisted_payee_is_refused_approval_batching_and_payment(world, voucher, refused):
    approved_redemption(world, voucher, 4_000_00)
    batch = batch_of(world)
    claim = requested(world, voucher)
    # A blacklisting recorded without suspending (as before sanctions existed): every later
    # step still refuses the payee.
    Blacklisting.objects.create(organisation=world.institution.organisation,
                                region=world.program.region, reason="x",
                                created_by=world.reviewer, created_at=NOW)
    with refused("blacklisted", claim):
        redemptions.redemption_approve(actor=world.reviewer, redemption=claim, now=NOW)
    with refused("blacklisted", batch):
        pay(world, batch)
    with refused("blacklisted"):
        batch_of(world)


def test_blacklisting_an_enterprise_stops_claims_on_its_orders(world, voucher, refused):
    claim = requested(world, voucher)
    order = delivered(world, voucher)
    blacklist(world, world.enterprise.organisation)
    assert (state(claim), state(order)) == (_R.SUSPENDED, _O.SUSPENDED)
    # The authority lets the order go on; the institution still cannot claim on it.
    sanctions.order_suspension_lift(actor=world.reviewer, order=order, now=NOW)
    assert state(order) == _O.DELIVERED
    with refused("blacklisted", order):
        build.request_redemption(order, world.institution)
    # The institution's own claim may go on (its payee is not blacklisted) and be approved.
    sanctions.redemption_suspension_lift(actor=world.reviewer, redemption=claim, now=NOW)
    assert state(claim) == _R.REQUESTED
    redemptions.redemption_approve(actor=world.reviewer, redemption=claim, now=NOW)
    assert state(claim) == _R.APPROVED


def test_a_lifted_approved_claim_waits_for_the_next_batch(world, voucher):
    claim = approved_redemption(world, voucher)
    blacklist(world, world.enterprise.organisation)
    sanctions.redemption_suspension_lift(actor=world.reviewer, redemption=claim, now=NOW)
    claim.refresh_from_db()
    assert (claim.state, claim.suspended_from, claim.batch_id) == (_R.APPROVED, "", None)
    assert batch_of(world).total_fen == 5_000_00


def test_a_claim_of_a_blacklisted_payee_cannot_be_lifted(world, voucher, refused):
    claim = requested(world, voucher)
    blacklist(world, world.institution.organisation)
    with refused("blacklisted", claim):
        sanctions.redemption_suspension_lift(actor=world.reviewer, redemption=claim, now=NOW)


def test_rejecting_suspended_items_sends_the_money_where_the_decision_says(
    world, voucher, ledger_clean
):
    claim = requested(world, voucher, 2_000_00)  # 1,000 held
    approved = approved_redemption(world, voucher, 4_000_00)  # 2,000 payable
    order = delivered(world, voucher, 6_000_00)  # 3,000 held
    blacklist(world, world.institution.organisation)
    assert balances(voucher) == (VOUCHER_FEN - 6_000_00, 4_000_00, 2_000_00)

    sanctions.redemption_suspension_reject(actor=world.reviewer, redemption=claim,
                                           reason="伪造", destination="budget", now=NOW)
    sanctions.redemption_suspension_reject(actor=world.reviewer, redemption=approved,
                                           reason="伪造", destination="voucher", now=NOW)
    sanctions.order_suspension_reject(actor=world.reviewer, order=order, reason="伪造",
                                      destination="voucher", now=NOW)

    assert (state(claim), state(approved), state(order)) == (_R.VOIDED, _R.WITHDRAWN, _O.VOIDED)
    assert state(claim.order) == state(approved.order) == _O.VOIDED
    # 1,000 went on to the budget; 2,000 and 3,000 are the voucher's again.
    assert balances(voucher) == (VOUCHER_FEN - 1_000_00, 0, 0)
    assert budget_available(world) == BUDGET_FEN - VOUCHER_FEN + 1_000_00


def test_lifting_a_suspended_order_returns_it_to_where_it_was(world, voucher):
    placed = build.place_order(voucher, world.enterprise, world.institution.organisation)
    blacklist(world, world.institution.organisation)
    sanctions.order_suspension_lift(actor=world.reviewer, order=placed, now=NOW)
    placed.refresh_from_db()
    assert (placed.state, placed.suspended_from) == (_O.PLACED, "")
    assert AuditEntry.objects.filter(action="order_suspension_lift").count() == 1


def test_a_revoked_voucher_voids_and_withdraws_suspended_items(world, voucher, ledger_clean):
    claim = requested(world, voucher, 2_000_00)
    approved = approved_redemption(world, voucher, 4_000_00)
    order = delivered(world, voucher, 6_000_00)
    blacklist(world, world.enterprise.organisation)
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)
    assert (state(claim), state(approved), state(order)) == (_R.VOIDED, _R.WITHDRAWN, _O.VOIDED)
    assert budget_available(world) == BUDGET_FEN


def test_decisions_on_suspended_items_are_refused(world, voucher, refused):
    claim = requested(world, voucher)
    order = delivered(world, voucher)
    with refused("not_suspended", claim):
        sanctions.redemption_suspension_lift(actor=world.reviewer, redemption=claim, now=NOW)
    with refused("not_suspended", order):
        sanctions.order_suspension_reject(actor=world.reviewer, order=order, reason="x",
                                          destination="voucher", now=NOW)
    blacklist(world, world.enterprise.organisation)
    with pytest.raises(AccessDenied) as info:
        sanctions.redemption_suspension_lift(actor=build.authority("SH"), redemption=claim,
                                             now=NOW)
    assert info.value.code == "other_region"
    with pytest.raises(AccessDenied) as info:
        sanctions.order_suspension_lift(
            actor=build.authority("JS", role=User.Role.AUTHORITY_FINANCE), order=order, now=NOW)
    assert info.value.code == "permission_denied"
    with refused("invalid", claim):
        sanctions.redemption_suspension_reject(actor=world.reviewer, redemption=claim,
                                               reason=" ", destination="voucher", now=NOW)
    sanctions.redemption_suspension_lift(actor=world.reviewer, redemption=claim, now=NOW)
    with refused("not_suspended", claim):  # a repeated decision changes nothing
        sanctions.redemption_suspension_lift(actor=world.reviewer, redemption=claim, now=NOW)


def test_a_suspended_claim_cannot_be_approved_or_paid(world, voucher, refused):
    claim = requested(world, voucher)
    approved = approved_redemption(world, voucher, 4_000_00)
    blacklist(world, world.enterprise.organisation)
    with refused("illegal_transition", claim):
        redemptions.redemption_approve(actor=world.reviewer, redemption=claim, now=NOW)
    with refused("nothing_to_pay", approved):
        batch_of(world)


def test_payment_dates_are_unaffected(world, voucher):
    # A batch paid before a blacklisting stays paid: sanctions never edit a payment.
    approved_redemption(world, voucher)
    batch = pay(world, batch_of(world))
    blacklist(world, world.institution.organisation)
    batch.refresh_from_db()
    assert (batch.state, batch.paid_on) == (PaymentBatch.State.PAID, date(2024, 3, 1))


def test_only_the_authoritys_lift_leaves_a_suspension():
    from vouchers import states

    # Every ordinary service moves through the main tables: from a suspension they allow only
    # the end of the record; the way back is a table of its own.
    assert states.ORDER_TRANSITIONS[_O.SUSPENDED] == {_O.VOIDED}
    assert states.REDEMPTION_TRANSITIONS[_R.SUSPENDED] == {_R.VOIDED, _R.WITHDRAWN}
    assert {_O.SUSPENDED: {_O.PLACED, _O.DELIVERED}} == states.ORDER_SUSPENSION_LIFTS
    assert {_R.SUSPENDED: {_R.REQUESTED, _R.APPROVED}} == states.REDEMPTION_SUSPENSION_LIFTS


def test_a_suspended_claim_keeps_its_hold_past_the_redemption_deadline(world, voucher,
                                                                        ledger_clean):
    from vouchers.services import orders

    claim = requested(world, voucher)
    blacklist(world, world.enterprise.organisation)
    assert orders.orders_lapse_due(now=world.program.redemption_deadline_at) == 0
    assert (state(claim), state(claim.order)) == (_R.SUSPENDED, _O.DELIVERED)
    sanctions.redemption_suspension_lift(actor=world.reviewer, redemption=claim, now=NOW)
    redemptions.redemption_approve(actor=world.reviewer, redemption=claim, now=NOW)
    assert state(claim) == _R.APPROVED  # the hold was still there to capture
