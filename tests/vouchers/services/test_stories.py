"""Worked examples: whole stories, with every balance written out."""

from __future__ import annotations

from datetime import date

import pytest

from accounts.models import User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account, Transfer
from vouchers.ledger.selectors import ledger_verify
from vouchers.models import Program
from vouchers.selectors import program_budget_use
from vouchers.services import redemptions, settlements


def fen(account_id) -> tuple[int, int]:
    account = Account.objects.get(pk=account_id)
    return account.available_fen, account.debits_pending_fen


@pytest.mark.parametrize(
    "payee_mode", [Program.PayeeMode.INSTITUTION, Program.PayeeMode.ENTERPRISE]
)
def test_jiangsu_voucher_spent_in_shanghai_is_paid_by_jiangsu(db, payee_mode):
    # Given a Jiangsu and a Shanghai program, a Jiangsu enterprise and a Shanghai institution
    js_reviewer, js_finance = (
        build.authority("JS"),
        build.authority("JS", User.Role.AUTHORITY_FINANCE),
    )
    jiangsu = build.make_program(
        actor=js_reviewer, payee_mode=payee_mode, other_region_ratio_bp=4000
    )
    shanghai = build.make_program(region_code="SH", budget_fen=500_000_00)
    enterprise = build.enterprise_user("JS")
    institution = build.institution_user("SH")
    payee = institution if payee_mode == Program.PayeeMode.INSTITUTION else enterprise

    # When the enterprise gets 20,000 yuan and buys a 30,000 yuan test in Shanghai
    voucher = build.issue_voucher(jiangsu, enterprise, 20_000_00, reviewer=js_reviewer)
    order = build.place_order(voucher, enterprise, institution.organisation, 30_000_00)
    assert (order.ratio_bp, order.voucher_fen, order.enterprise_share_fen) == (
        4000,
        12_000_00,
        18_000_00,
    )
    assert fen(voucher.account_id) == (8_000_00, 12_000_00)
    build.delivered_and_confirmed(order, institution, enterprise)
    redemption = build.request_redemption(order, payee)

    # Then Jiangsu, not Shanghai, reviews and pays
    with pytest.raises(Exception, match="本地区"):
        redemptions.redemption_approve(actor=build.authority("SH"), redemption=redemption, now=NOW)
    redemptions.redemption_approve(actor=js_reviewer, redemption=redemption, now=NOW)
    batch = settlements.payment_batch_create(actor=js_finance, payee=payee.organisation, now=NOW)
    settlements.payment_batch_pay(
        actor=js_finance,
        batch=batch,
        payment_reference="苏国库-1",
        paid_on=date(2024, 3, 1),  # not after today (NOW)
        now=NOW,
    )

    assert fen(voucher.account_id) == (8_000_00, 0)
    assert Account.objects.get(pk=order.payable_account_id).balance_fen == 0
    assert Account.objects.get(kind="paid", owner_id=str(jiangsu.pk)).balance_fen == 12_000_00
    assert fen(jiangsu.budget_account_id) == (980_000_00, 0)
    assert fen(shanghai.budget_account_id) == (500_000_00, 0)
    assert Transfer.objects.filter(debit_account_id=shanghai.budget_account_id).count() == 0
    use = program_budget_use(region_id=jiangsu.region_id).get()
    assert (use.funded_fen, use.allocated_fen, use.held_fen, use.redeemed_fen, use.paid_fen) == (
        1_000_000_00,
        20_000_00,
        0,
        12_000_00,
        12_000_00,
    )
    report = ledger_verify()
    assert report.ok, report.mismatches


def test_partial_redemption_dispute_and_expiry_story(world, ledger_clean):
    from vouchers.services import deliveries, vouchers

    voucher = build.issue_voucher(world.program, world.enterprise, 10_000_00)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, 8_000_00)
    first = build.deliver(order, world.institution, invoice="24322000000000000101")
    deliveries.delivery_dispute(actor=world.enterprise, delivery=first, reason="未完成", now=NOW)
    build.delivered_and_confirmed(
        order, world.institution, world.enterprise, invoice="24322000000000000102"
    )
    redemption = build.request_redemption(order, world.institution)
    redemptions.redemption_approve(
        actor=world.reviewer, redemption=redemption, now=NOW, amount_fen=3_000_00, reason="部分"
    )
    assert fen(voucher.account_id) == (7_000_00, 0)
    vouchers.vouchers_expire_due(now=voucher.expires_at)
    use = program_budget_use(region_id=world.program.region_id).get()
    assert (use.allocated_fen, use.redeemed_fen, use.returned_fen) == (
        10_000_00,
        3_000_00,
        7_000_00,
    )
    assert fen(world.program.budget_account_id) == (997_000_00, 0)


def test_every_step_leaves_an_audit_line_for_the_issuing_region(world, voucher):
    from accounts.models import AuditEntry

    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    redemptions.redemption_approve(
        actor=world.reviewer, redemption=redemption, now=NOW, amount_fen=4_000_00, reason="核减"
    )

    entries = AuditEntry.objects.exclude(action__startswith="program").order_by("pk")
    assert [entry.action for entry in entries] == [
        "application_submit",
        "application_approve",
        "voucher_issue",
        "order_place",
        "delivery_log",
        "evidence_attach",
        "evidence_attach",
        "evidence_attach",
        "evidence_attach",
        "delivery_confirmed",
        "redemption_request",
        "redemption_approved",
    ]
    assert {entry.region.short_code for entry in entries} == {"JS"}
    assert all(entry.created_at == NOW for entry in entries)
    last = entries.last()
    assert (last.actor, last.reason, last.amount_fen) == (world.reviewer, "核减", 4_000_00)
    assert (last.before["state"], last.after["state"]) == ("requested", "approved")
    assert entries.get(action="delivery_log").actor == world.institution
