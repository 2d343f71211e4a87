from __future__ import annotations

from datetime import date

import pytest

from accounts.models import User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account
from vouchers.models import PaymentBatch, Redemption
from vouchers.selectors import payment_batch_export_rows
from vouchers.services import redemptions, settlements


def approved_redemption(world, voucher, fee=10_000_00) -> Redemption:
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, fee)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    return redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)


@pytest.fixture
def batch(world, voucher):
    approved_redemption(world, voucher, 10_000_00)
    approved_redemption(world, voucher, 4_000_00)
    return settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW
    )


def pay(world, batch, actor=None):
    return settlements.payment_batch_pay(
        actor=actor or world.finance,
        batch=batch,
        payment_reference="GK20240301-01",
        paid_on=date(2024, 3, 1),
        now=NOW,
    )


def test_finance_gathers_approved_redemptions_of_one_payee(world, batch):
    assert (batch.state, batch.total_fen) == (PaymentBatch.State.OPEN, 7_000_00)
    assert (batch.number, batch.year, batch.sequence) == ("JS-PAY-2024-000001", 2024, 1)
    assert batch.redemptions.count() == 2


def test_export_rows_list_what_the_treasury_pays(world, batch):
    rows = payment_batch_export_rows(batch=batch)
    assert [row["amount_fen"] for row in rows] == [5_000_00, 2_000_00]
    assert rows[0]["payee_credit_code"] == world.institution.organisation.credit_code


def test_paying_moves_the_money_from_payable_to_paid(world, batch, ledger_clean):
    batch = pay(world, batch)
    assert (batch.state, batch.payment_reference) == (PaymentBatch.State.PAID, "GK20240301-01")
    assert set(batch.redemptions.values_list("state", flat=True)) == {Redemption.State.PAID}
    order = batch.redemptions.first().order
    assert Account.objects.get(pk=order.payable_account_id).balance_fen == 0
    paid = Account.objects.get(kind="paid", owner_id=str(world.program.pk))
    assert paid.balance_fen == 7_000_00


def test_nothing_to_pay_is_refused(world, refused):
    with refused("nothing_to_pay"):
        settlements.payment_batch_create(
            actor=world.finance, payee=world.institution.organisation, now=NOW
        )


def test_a_reviewer_cannot_create_or_pay_batches(world, batch, refused):
    with refused("permission_denied", batch):
        pay(world, batch, actor=world.reviewer)


def test_whoever_approved_a_redemption_may_not_pay_its_batch(world, batch, refused):
    User.objects.filter(pk=world.reviewer.pk).update(role=User.Role.AUTHORITY_FINANCE)
    world.reviewer.refresh_from_db()
    with refused("separation_of_duties", batch):
        pay(world, batch, actor=world.reviewer)


def test_a_paid_batch_cannot_be_paid_or_cancelled_again(world, batch, refused):
    pay(world, batch)
    with refused("illegal_transition", batch):
        pay(world, batch)
    with refused("illegal_transition", batch):
        settlements.payment_batch_cancel(actor=world.finance, batch=batch, reason="x", now=NOW)


def test_cancelling_a_batch_frees_its_redemptions_for_the_next(world, batch):
    settlements.payment_batch_cancel(actor=world.finance, batch=batch, reason="金额有误", now=NOW)
    assert not Redemption.objects.filter(batch__isnull=False).exists()
    again = settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW
    )
    assert again.total_fen == 7_000_00


def test_another_regions_finance_cannot_pay(world, batch, refused):
    with refused("other_region", batch):
        pay(world, batch, actor=build.authority("SH", role=User.Role.AUTHORITY_FINANCE))
