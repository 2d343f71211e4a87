"""Claw-back recovery: due dates, repayments by finance, the overdue block on new claims."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from accounts.models import AuditEntry, User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.services.test_settlements import approved_redemption, pay
from vouchers.ledger.models import Account, Transfer
from vouchers.models import ClawBack, ClawBackRepayment
from vouchers.services import oversight, recovery, redemptions, settlements

pytestmark = pytest.mark.django_db
APRIL_1 = NOW + timedelta(days=31)  # 2024-04-01 09:00 Beijing: the first day overdue


def clawed_back(world, voucher, fee=10_000_00) -> ClawBack:
    redemption = approved_redemption(world, voucher, fee)
    batch = settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW
    )
    pay(world, batch)
    return oversight.redemption_claw_back(
        actor=world.reviewer, redemption=redemption, reason="虚假交易", now=NOW
    )


@pytest.fixture
def claw_back(world, voucher) -> ClawBack:
    return clawed_back(world, voucher)


def repay(world, claw_back, amount_fen, reference="YH-001", *, actor=None, now=NOW, **fields):
    return recovery.claw_back_repay(
        actor=actor or world.finance, claw_back=claw_back, amount_fen=amount_fen,
        received_on=fields.pop("received_on", date(2024, 3, 1)), bank_reference=reference,
        now=now, **fields,
    )


def owed(world) -> Account:
    return Account.objects.get(
        kind="clawback", owner_id=f"{world.program.pk}:{world.institution.organisation.pk}"
    )


def test_a_claw_back_is_due_thirty_beijing_days_after_it_was_booked(claw_back):
    assert (claw_back.due_on, claw_back.amount_fen, claw_back.repaid_fen) == (
        date(2024, 3, 31), 5_000_00, 0)
    assert claw_back.reference == f"CB-{claw_back.pk}"


def test_the_due_days_are_the_programs(world, voucher):
    world.program.claw_back_due_days = 90
    world.program.save(update_fields=["claw_back_due_days"])
    assert clawed_back(world, voucher).due_on == date(2024, 5, 30)


def test_partial_repayments_reduce_what_is_owed_and_go_back_to_the_regions_funding(
    world, claw_back, ledger_clean
):
    funding_before = Account.objects.get(kind="funding", owner_id="32").balance_fen
    first = repay(world, claw_back, 2_000_00, "YH-001", note="第一笔")
    repay(world, claw_back, 3_000_00, "YH-002")

    claw_back.refresh_from_db()
    assert (claw_back.repaid_fen, claw_back.outstanding_fen) == (5_000_00, 0)
    assert owed(world).balance_fen == 0
    funding = Account.objects.get(kind="funding", owner_id="32")
    assert funding.balance_fen - funding_before == 5_000_00
    transfer = Transfer.objects.get(idempotency_key=f"clawback-repay:{first.pk}")
    assert (transfer.debit_account, transfer.amount_fen) == (owed(world), 2_000_00)
    assert (first.source, first.recorded_by, first.note) == ("manual", world.finance, "第一笔")
    line = AuditEntry.objects.filter(action="claw_back_repay").order_by("pk").first()
    assert (line.amount_fen, line.before, line.after["repaid_fen"]) == (
        2_000_00, {"repaid_fen": 0}, 2_000_00)


def test_more_than_is_outstanding_is_refused(world, claw_back, refused):
    repay(world, claw_back, 4_000_00, "YH-001")
    with refused("repayment_exceeds_outstanding", claw_back) as info:
        repay(world, claw_back, 1_000_01, "YH-002")
    assert "1,000.00" in str(info.value.message)
    assert ClawBackRepayment.objects.count() == 1


def test_the_ledger_itself_refuses_to_repay_more_than_was_clawed_back(world, claw_back):
    assert owed(world).debits_must_not_exceed_credits is True


def test_the_same_bank_reference_again_is_the_same_repayment(world, claw_back, ledger_clean):
    first = repay(world, claw_back, 1_000_00, "YH-001")
    again = repay(world, claw_back, 1_000_00, "YH-001")
    assert again.pk == first.pk
    claw_back.refresh_from_db()
    assert claw_back.repaid_fen == 1_000_00


def test_a_bank_reference_used_for_another_amount_is_refused(world, claw_back, refused):
    repay(world, claw_back, 1_000_00, "YH-001")
    with refused("bank_reference_used"):
        repay(world, claw_back, 2_000_00, "YH-001")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"received_on": date(2024, 3, 2)}, "repayment_date_in_future"),
        ({"received_on": date(2024, 2, 29)}, "repayment_before_claw_back"),
    ],
)
def test_dates_outside_the_claw_back_and_today_are_refused(world, claw_back, refused, fields,
                                                           code):
    with refused(code):
        repay(world, claw_back, 1_000_00, **fields)


def test_an_empty_bank_reference_is_refused(world, claw_back, refused):
    with refused("bank_reference_required"):
        repay(world, claw_back, 1_000_00, "  ")


def test_only_the_issuing_regions_finance_records_repayments(world, claw_back, refused):
    with refused("permission_denied"):
        repay(world, claw_back, 1_000_00, actor=world.reviewer)
    other_finance = build.authority("SH", role=User.Role.AUTHORITY_FINANCE)
    with refused("other_region"):
        repay(world, claw_back, 1_000_00, actor=other_finance)


def test_an_overdue_claw_back_blocks_new_redemption_requests(world, voucher, claw_back,
                                                              refused):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    due_day_end = datetime(2024, 3, 31, 23, 59, tzinfo=NOW.tzinfo)
    assert recovery.overdue_claw_backs(payee=world.institution.organisation,
                                       now=due_day_end).count() == 0
    with refused("claw_back_overdue", order) as info:
        redemptions.redemption_request(actor=world.institution, order=order, now=APRIL_1)
    assert info.value.extra == {"claw_back": claw_back.pk}
    assert f"CB-{claw_back.pk}" in str(info.value.message)

    repay(world, claw_back, 5_000_00, now=APRIL_1)
    redemption = redemptions.redemption_request(actor=world.institution, order=order,
                                                now=APRIL_1)
    assert redemption.requested_fen == order.voucher_fen


def test_a_claw_back_not_yet_due_does_not_block(world, voucher, claw_back):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    last_day = datetime(2024, 3, 31, 23, 0, tzinfo=NOW.tzinfo)
    assert redemptions.redemption_request(actor=world.institution, order=order, now=last_day)


def test_the_region_sets_a_programs_days_to_repay_within_a_year(world, refused):
    from vouchers.services import programs

    with refused("claw_back_due_days_invalid", world.program):
        programs.program_update(actor=world.reviewer, program=world.program, now=NOW,
                                reason="x", claw_back_due_days=0)
    programs.program_update(actor=world.reviewer, program=world.program, now=NOW,
                            reason="追回期限延长", claw_back_due_days=90)
    world.program.refresh_from_db()
    assert world.program.claw_back_due_days == 90
