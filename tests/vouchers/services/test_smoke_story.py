from __future__ import annotations

from tests.factories import vouchers as build
from vouchers.ledger.models import Account
from vouchers.models import Redemption


def test_voucher_flows_to_a_paid_redemption(world, voucher, ledger_clean):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    assert redemption.state == Redemption.State.REQUESTED
    assert Account.objects.get(pk=voucher.account_id).debits_pending_fen == 5_000_00
