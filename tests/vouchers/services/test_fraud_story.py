"""The fraud story of issue 21, end to end through the services.

An enterprise (Jiangsu) and an institution (Shanghai) collude: three orders on one voucher are
"delivered" and confirmed without any service. One claim is paid, one approved and waiting for
its batch, the third order delivered and not yet claimed. A spot check by a reviewer who did not
approve the claims finds the paid one false; the authority withdraws the approved claim, revokes
the voucher, claws back the paid claim (repaid in two instalments) and blacklists both parties.
At the end the ledger agrees with its journal, every yuan is where the decisions sent it, and the
audit trail holds each step in order with its actor and reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.services.test_settlements import approved_redemption, pay
from vouchers.ledger.models import Account
from vouchers.models import (
    Blacklisting,
    ClawBack,
    OversightCase,
    Redemption,
    ServiceOrder,
    SpotCheckItem,
    Voucher,
)
from vouchers.services import oversight, oversight_cases, recovery, sanctions, settlements, vouchers
from vouchers.visibility import with_voucher_balances

BUDGET_FEN = 1_000_000_00  # the world's program
VOUCHER_FEN = 100_000_00  # the world's voucher
HOUR = timedelta(hours=1)


def available(account_id: int) -> int:
    return Account.objects.get(pk=account_id).available_fen


def test_collusion_detected_by_a_spot_check_is_stopped_recovered_and_sanctioned(
    world, voucher, ledger_clean
):
    payee = world.institution.organisation
    enterprise = world.enterprise.organisation
    # Three sham orders at half-subsidy: a paid claim (fee 20,000 → 10,000 of voucher money), an
    # approved one in an open batch (fee 12,000 → 6,000) and a delivered unclaimed order (fee
    # 8,000 → 4,000 held).
    paid = approved_redemption(world, voucher, 20_000_00)
    pay(world, settlements.payment_batch_create(actor=world.finance, payee=payee, now=NOW))
    approved = approved_redemption(world, voucher, 12_000_00)
    batch = settlements.payment_batch_create(actor=world.finance, payee=payee, now=NOW)
    unclaimed = build.place_order(voucher, world.enterprise, payee, 8_000_00)
    build.delivered_and_confirmed(unclaimed, world.institution, world.enterprise)
    assert (paid.approved_fen, approved.approved_fen, batch.total_fen) == (
        10_000_00, 6_000_00, 6_000_00)

    # Detected: a spot check of March draws both approved claims; the checker is another
    # reviewer of the region (the approver may not check what he approved).
    checker = build.authority("JS")
    draw = oversight.spot_check_draw(
        actor=world.reviewer, period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
        percentage="100", seed=7, now=NOW + HOUR)
    assert set(draw.items.values_list("redemption_id", "assigned_to")) == {
        (paid.pk, checker.pk), (approved.pk, checker.pk)}
    item = draw.items.get(redemption=paid)
    oversight.spot_check_record(actor=checker, item=item, passed=False,
                                note="现场核查：未见检测设备使用记录，报告系伪造",
                                now=NOW + 2 * HOUR)
    assert item.state == SpotCheckItem.State.FAILED
    case = OversightCase.objects.get(item=item)

    # Stopped: the approved claim is withdrawn before payment, its money back to the budget…
    sanctions.redemption_withdraw(actor=world.reviewer, redemption=approved,
                                  reason="抽查发现虚假交易", destination="budget",
                                  now=NOW + 3 * HOUR)
    batch.refresh_from_db()
    approved.refresh_from_db()
    assert approved.state == Redemption.State.WITHDRAWN
    assert batch.state == batch.State.CANCELLED  # its only claim left it
    # … and the voucher is revoked: the unclaimed delivered order ends voided, evidence kept.
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="串通虚假交易",
                            now=NOW + 4 * HOUR)
    unclaimed.refresh_from_db()
    assert unclaimed.state == ServiceOrder.State.VOIDED
    assert unclaimed.deliveries.exists()
    row = with_voucher_balances(Voucher.objects.filter(pk=voucher.pk)).get()
    assert (row.state, row.available_fen, row.held_fen) == (Voucher.State.REVOKED, 0, 0)
    # Only the paid 10,000 left the budget for good.
    assert available(world.program.budget_account_id) == BUDGET_FEN - 10_000_00

    # Recovered: the paid claim is clawed back and repaid in two instalments.
    claw_back = oversight.redemption_claw_back(actor=world.reviewer, redemption=paid,
                                               reason="抽查发现虚假交易", now=NOW + 5 * HOUR)
    recovery.claw_back_repay(actor=world.finance, claw_back=claw_back, amount_fen=4_000_00,
                             received_on=date(2024, 3, 2), bank_reference="RB20240302-1",
                             now=NOW + 26 * HOUR)
    recovery.claw_back_repay(actor=world.finance, claw_back=claw_back, amount_fen=6_000_00,
                             received_on=date(2024, 3, 5), bank_reference="RB20240305-1",
                             now=NOW + 4 * 24 * HOUR)
    claw_back.refresh_from_db()
    assert (claw_back.amount_fen, claw_back.repaid_fen) == (10_000_00, 10_000_00)
    clawback_account = Account.objects.get(kind=Account.Kind.CLAWBACK)
    assert clawback_account.debits_posted_fen == clawback_account.credits_posted_fen

    # Sanctioned: both parties blacklisted, and the case closed on it.
    for party in (payee, enterprise):
        oversight.organisation_blacklist(actor=world.reviewer, organisation=party,
                                         reason="串通虚假交易，套取创新券资金",
                                         now=NOW + 5 * 24 * HOUR)
    assert set(Blacklisting.objects.values_list("organisation", flat=True)) == {
        payee.pk, enterprise.pk}
    oversight_cases.oversight_case_close(actor=checker, case=case, outcome="blacklisting",
                                         reason="已追回并列入黑名单", now=NOW + 5 * 24 * HOUR)
    case.refresh_from_db()
    assert case.outcome == OversightCase.Outcome.BLACKLISTING

    # Every step is in the audit trail, in order, with who did it and why.
    trail = AuditEntry.objects.filter(created_at__gt=NOW).order_by("created_at", "pk")
    steps = list(trail.values_list("action", "actor_id"))
    assert steps == [
        ("spot_check_draw", world.reviewer.pk),
        ("spot_check_record", checker.pk),
        ("oversight_case_open", checker.pk),
        ("payment_batch_cancel", world.reviewer.pk),
        ("redemption_withdrawn", world.reviewer.pk),
        ("order_void", world.reviewer.pk),
        ("voucher_revoke", world.reviewer.pk),
        ("redemption_claw_back", world.reviewer.pk),
        ("claw_back_repay", world.finance.pk),
        ("claw_back_repay", world.finance.pk),
        ("organisation_blacklist", world.reviewer.pk),
        ("organisation_blacklist", world.reviewer.pk),
        ("oversight_case_close", checker.pk),
    ]
    reasons = AuditEntry.objects.filter(action__in=[
        "redemption_withdrawn", "voucher_revoke", "redemption_claw_back",
        "organisation_blacklist"]).values_list("reason", flat=True)
    assert all(reasons)
    assert ClawBack.objects.count() == 1
