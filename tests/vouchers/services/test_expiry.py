from __future__ import annotations

from datetime import timedelta

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account, Transfer
from vouchers.models import Redemption, ServiceOrder, Voucher
from vouchers.services import orders, redemptions, vouchers
from vouchers.tasks import expire_due_vouchers, lapse_due_orders


def budget(program) -> int:
    return Account.objects.get(pk=program.budget_account_id).available_fen


def test_at_the_use_by_date_the_unused_balance_returns_to_the_budget(world, voucher, ledger_clean):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    assert vouchers.vouchers_expire_due(now=voucher.expires_at - timedelta(seconds=1)) == 0

    assert vouchers.vouchers_expire_due(now=voucher.expires_at) == 1

    voucher.refresh_from_db()
    assert (voucher.state, voucher.returned_fen) == (Voucher.State.EXPIRED, 95_000_00)
    assert budget(world.program) == 900_000_00 + 95_000_00
    account = Account.objects.get(pk=voucher.account_id)
    assert (account.available_fen, account.debits_pending_fen) == (0, 5_000_00)
    order.refresh_from_db()
    assert order.state == ServiceOrder.State.PLACED  # may still be delivered and redeemed


def test_expiry_is_idempotent(world, voucher):
    vouchers.vouchers_expire_due(now=voucher.expires_at)
    transfers = Transfer.objects.count()
    assert vouchers.vouchers_expire_due(now=voucher.expires_at) == 0
    assert vouchers.voucher_expire(voucher=voucher, now=voucher.expires_at).state == "expired"
    assert Transfer.objects.count() == transfers


def test_expiry_before_the_use_by_date_is_refused(world, voucher, refused):
    with refused("not_yet_expired", voucher):
        vouchers.voucher_expire(voucher=voucher, now=NOW)


def test_after_expiry_a_partial_redemption_sends_the_rest_to_the_budget(
    world, voucher, ledger_clean
):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    vouchers.vouchers_expire_due(now=voucher.expires_at)
    redemptions.redemption_approve(
        actor=world.reviewer,
        redemption=redemption,
        now=voucher.expires_at,
        amount_fen=4_000_00,
        reason="核减",
    )
    voucher.refresh_from_db()
    assert voucher.returned_fen == 95_000_00 + 1_000_00
    assert budget(world.program) == 900_000_00 + 96_000_00
    assert Account.objects.get(pk=voucher.account_id).balance_fen == 0


def test_after_expiry_a_cancelled_order_returns_to_the_budget(world, voucher, ledger_clean):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    vouchers.vouchers_expire_due(now=voucher.expires_at)
    orders.order_cancel(actor=world.enterprise, order=order, reason="x", now=voucher.expires_at)
    assert budget(world.program) == 1_000_000_00


def test_at_the_redemption_deadline_unredeemed_holds_are_voided(world, voucher, ledger_clean):
    institution = world.institution.organisation
    placed = build.place_order(voucher, world.enterprise, institution, 2_000_00)
    delivered = build.place_order(voucher, world.enterprise, institution, 4_000_00)
    build.delivered_and_confirmed(delivered, world.institution, world.enterprise)
    claimed = build.place_order(voucher, world.enterprise, institution, 6_000_00)
    build.delivered_and_confirmed(claimed, world.institution, world.enterprise)
    redemption = build.request_redemption(claimed, world.institution)
    deadline = world.program.redemption_deadline_at
    vouchers.vouchers_expire_due(now=deadline)

    assert orders.orders_lapse_due(now=deadline - timedelta(seconds=1)) == 0
    assert orders.orders_lapse_due(now=deadline) == 2
    assert orders.orders_lapse_due(now=deadline) == 0

    states = dict(ServiceOrder.objects.values_list("pk", "state"))
    assert states == {placed.pk: "lapsed", delivered.pk: "lapsed", claimed.pk: "delivered"}
    assert budget(world.program) == 1_000_000_00 - 3_000_00
    # A request made in time is still reviewed after the deadline.
    redemptions.redemption_reject(
        actor=world.reviewer, redemption=redemption, reason="x", now=deadline
    )
    assert budget(world.program) == 1_000_000_00
    assert Redemption.objects.get().state == "rejected"


def test_the_periodic_tasks_call_the_services(world, voucher):
    build.place_order(voucher, world.enterprise, world.institution.organisation)
    assert expire_due_vouchers.delay().get() == 1  # the clock is past 2024 in every test run
    assert lapse_due_orders.delay().get() == 1
    assert budget(world.program) == 1_000_000_00
