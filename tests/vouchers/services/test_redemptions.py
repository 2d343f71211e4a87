from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW, PDF
from vouchers.ledger.models import Account
from vouchers.models import Program, Redemption, ServiceOrder
from vouchers.services import deliveries, oversight, redemptions


def balance(account_id) -> Account:
    return Account.objects.get(pk=account_id)


@pytest.fixture
def order(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(
        order, world.institution, world.enterprise, invoice="2432 2000 0000 0000 0001"
    )
    return order


@pytest.fixture
def redemption(world, order):
    return build.request_redemption(order, world.institution)


def test_payee_requests_redemption_of_a_confirmed_delivery(world, redemption):
    assert redemption.state == Redemption.State.REQUESTED
    assert (redemption.requested_fen, redemption.invoice_key) == (5_000_00, "24322000000000000001")
    assert redemption.program == world.program
    entry = AuditEntry.objects.get(action="redemption_request")
    assert entry.region.short_code == "JS"  # the issuing region, not the institution's


def test_full_approval_posts_the_hold_to_the_payee(world, voucher, order, redemption, ledger_clean):
    redemption = redemptions.redemption_approve(
        actor=world.reviewer, redemption=redemption, now=NOW
    )
    order.refresh_from_db()
    assert (redemption.state, redemption.approved_fen) == (Redemption.State.APPROVED, 5_000_00)
    assert (order.state, order.redeemed_fen) == (ServiceOrder.State.REDEEMED, 5_000_00)
    assert balance(order.payable_account_id).balance_fen == 5_000_00
    assert balance(voucher.account_id).debits_pending_fen == 0
    assert balance(voucher.account_id).available_fen == 95_000_00


def test_partial_approval_returns_the_rest_to_the_voucher(
    world, voucher, order, redemption, ledger_clean
):
    redemptions.redemption_approve(
        actor=world.reviewer, redemption=redemption, now=NOW, amount_fen=3_000_00, reason="核减"
    )
    assert balance(order.payable_account_id).balance_fen == 3_000_00
    assert balance(voucher.account_id).available_fen == 97_000_00
    assert balance(voucher.account_id).debits_posted_fen == 3_000_00


def test_partial_approval_needs_a_reason(world, redemption, refused):
    with refused("invalid", redemption):
        redemptions.redemption_approve(
            actor=world.reviewer, redemption=redemption, now=NOW, amount_fen=1
        )


def test_approval_above_the_held_amount_is_refused(world, redemption, refused):
    with refused("invalid", redemption):
        redemptions.redemption_approve(
            actor=world.reviewer, redemption=redemption, now=NOW, amount_fen=5_000_01, reason="x"
        )


def test_rejection_voids_the_hold_and_the_money_goes_back(
    world, voucher, order, redemption, ledger_clean
):
    redemption = redemptions.redemption_reject(
        actor=world.reviewer, redemption=redemption, reason="发票不符", now=NOW
    )
    order.refresh_from_db()
    assert (redemption.state, order.state) == (
        Redemption.State.REJECTED,
        ServiceOrder.State.REFUSED,
    )
    assert balance(voucher.account_id).available_fen == 100_000_00
    assert balance(order.payable_account_id).balance_fen == 0


def test_the_institutions_region_cannot_review(world, redemption, refused):
    with refused("other_region", redemption):
        redemptions.redemption_approve(actor=build.authority("SH"), redemption=redemption, now=NOW)


@pytest.mark.parametrize("second", ["approve", "reject"])
@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decided_redemption_cannot_be_decided_again(world, redemption, refused, first, second):
    act = {
        "approve": lambda: redemptions.redemption_approve(
            actor=world.reviewer, redemption=redemption, now=NOW
        ),
        "reject": lambda: redemptions.redemption_reject(
            actor=world.reviewer, redemption=redemption, reason="否", now=NOW
        ),
    }
    act[first]()
    with refused("illegal_transition", redemption):
        act[second]()


def test_refused_before_the_enterprise_confirms(world, voucher, refused):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.deliver(order, world.institution)
    build.attach_evidence(order, world.institution)
    with refused("delivery_not_confirmed", order):
        build.request_redemption(order, world.institution)


def test_refused_without_the_evidence_the_program_asks_for(world, voucher, refused):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    delivery = build.deliver(order, world.institution)
    deliveries.delivery_confirm(actor=world.enterprise, delivery=delivery, now=NOW)
    deliveries.evidence_attach(
        actor=world.institution, order=order, kind="invoice", name="f.pdf", content=PDF, now=NOW
    )
    with refused("evidence_missing", order) as info:
        build.request_redemption(order, world.institution)
    assert info.value.extra["missing"] == ["contract", "payment_proof", "report"]


def test_refused_after_the_redemption_deadline(world, order, refused):
    late = world.program.redemption_deadline_at + timedelta(seconds=1)
    with refused("redemption_deadline_passed", order):
        redemptions.redemption_request(actor=world.institution, order=order, now=late)


def test_refused_to_anyone_but_the_payee(world, order, refused):
    with refused("not_payee", order):
        build.request_redemption(order, world.enterprise)


def test_refused_to_a_blacklisted_payee(world, order, refused):
    oversight.organisation_blacklist(
        actor=world.reviewer, organisation=world.institution.organisation, reason="x", now=NOW
    )
    with refused("blacklisted", order):
        build.request_redemption(order, world.institution)


@pytest.mark.parametrize("disguised", [
    "2432-2000-0000-0000-0001",
    "２４３２２００００００００００００００１",
    "2432\u200b2000000000000001",
    "\u202e24322000000000000001",
])
def test_an_invoice_is_redeemed_once_ever(world, voucher, redemption, refused, disguised):
    again = build.place_order(
        voucher, world.enterprise, world.institution.organisation, contract_number="HT-OTHER"
    )
    build.delivered_and_confirmed(again, world.institution, world.enterprise, invoice=disguised)
    with refused("invoice_already_redeemed", again):
        build.request_redemption(again, world.institution)


def test_a_contract_is_redeemed_once_ever(world, voucher, order, redemption, refused):
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)
    again = build.place_order(
        voucher,
        world.enterprise,
        world.institution.organisation,
        contract_number=order.contract_number,
    )
    build.delivered_and_confirmed(again, world.institution, world.enterprise)
    with refused("contract_already_redeemed", again):
        build.request_redemption(again, world.institution)


def test_a_rejected_redemption_frees_its_invoice(world, voucher, redemption):
    redemptions.redemption_reject(actor=world.reviewer, redemption=redemption, reason="x", now=NOW)
    again = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(
        again, world.institution, world.enterprise, invoice="24322000000000000001"
    )
    assert build.request_redemption(again, world.institution).invoice_key == (
        "24322000000000000001"
    )


def test_under_general_use_the_enterprise_redeems(world, ledger_clean):
    program = build.make_program(name="通用", payee_mode=Program.PayeeMode.ENTERPRISE)
    voucher = build.issue_voucher(program, world.enterprise)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    with pytest.raises(Exception, match="收款方"):
        build.request_redemption(order, world.institution)
    redemption = build.request_redemption(order, world.enterprise)
    redemption = redemptions.redemption_approve(
        actor=world.reviewer, redemption=redemption, now=NOW
    )
    assert redemption.payee == world.enterprise.organisation
    assert balance(order.payable_account_id).owner_id == (
        f"{program.pk}:{world.enterprise.organisation.pk}"
    )


def test_a_redeemed_order_cannot_be_claimed_again(world, order, redemption, refused):
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)
    with refused("order_not_redeemable", order):
        build.request_redemption(order, world.institution)
