"""Issue 14's rules at the edges, through the services: an order fee follows the one amount
rule, a large fee needs a reason, a share that rounds to 0 fen says so, and a treasury payment
is never dated after today in Shanghai."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import translation

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.services.test_settlements import approved_redemption
from vouchers.ledger.models import Account
from vouchers.models import PaymentBatch, ServiceOrder
from vouchers.services import orders, settlements

UTC = ZoneInfo("UTC")
TEN_MILLION_YUAN = 1_000_000_000  # fen: the default LARGE_FEE_THRESHOLD_FEN


def place(world, voucher, fee: int, **fields) -> ServiceOrder:
    return orders.order_place(
        actor=world.enterprise,
        voucher=voucher,
        institution=world.institution.organisation,
        category=build.category(),
        contract_number="HT-2024-0315",
        total_fee_fen=fee,
        now=NOW,
        **fields,
    )


def available(voucher) -> int:
    return Account.objects.get(pk=voucher.account_id).available_fen


# The fee: one maximum, as on the web form and the API.


@pytest.mark.parametrize(
    ("fee", "code"),
    [
        (0, "amount_not_positive"),
        (-100, "amount_not_positive"),
        (100_000_000_001, "amount_too_large"),  # 10⁹ yuan and 1 fen
        (10**18, "amount_too_large"),  # the API used to hold a whole voucher for this
    ],
)
def test_a_fee_outside_the_amount_rule_is_refused_by_the_service(
    world, voucher, refused, fee, code
):
    with refused(code, voucher) as info:
        place(world, voucher, fee, fee_justification="大型中试线")
    assert info.value.extra["field"] == "total_fee_fen"
    assert available(voucher) == 100_000_00


def test_the_database_refuses_an_order_fee_above_the_maximum(world, voucher):
    order = place(world, voucher, 10_000_00)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOrder.objects.filter(pk=order.pk).update(
            total_fee_fen=100_000_000_001, enterprise_share_fen=100_000_000_001 - 5_000_00
        )
    order.refresh_from_db()
    assert order.total_fee_fen == 10_000_00


# A large fee needs a written justification.


def test_a_fee_at_the_threshold_needs_no_justification(world, voucher, ledger_clean):
    order = place(world, voucher, TEN_MILLION_YUAN)
    assert (order.total_fee_fen, order.voucher_fen, order.fee_justification) == (
        1_000_000_000, 100_000_00, "")


def test_a_fee_above_the_threshold_without_justification_is_refused(world, voucher, refused):
    with refused("fee_justification_required", voucher) as info:
        place(world, voucher, TEN_MILLION_YUAN + 1)
    assert str(info.value.message) == (
        "服务费超过10,000,000.00元，须填写大额服务费说明（如合同标的和报价依据）")
    assert info.value.extra == {"field": "fee_justification", "threshold_fen": 1_000_000_000}
    with refused("fee_justification_required", voucher):
        place(world, voucher, TEN_MILLION_YUAN + 1, fee_justification=" \n\u3000 ")


def test_the_refusal_speaks_english_in_the_english_ui(world, voucher, refused):
    with refused("fee_justification_required", voucher) as info:
        place(world, voucher, TEN_MILLION_YUAN + 1)
    with translation.override("en"):
        message = str(info.value.message)
    assert message == ("The fee is above 10,000,000.00 yuan: give a large-fee justification "
                       "(what the contract covers and how it was priced)")


def test_a_justified_large_fee_is_kept_on_the_order_and_in_the_audit_line(
    world, voucher, ledger_clean
):
    reason = "  中试生产线整线验证，合同标的含设备租用12个月\n报价依据：2024年院内收费标准  "
    order = place(world, voucher, 25_000_000_00, fee_justification=reason)

    assert order.fee_justification == reason.strip()
    assert (order.voucher_fen, order.enterprise_share_fen) == (100_000_00, 24_900_000_00)
    entry = AuditEntry.objects.get(action="order_place", object_id=str(order.pk))
    assert entry.reason == reason.strip()
    assert entry.after == {"state": "placed", "total_fee_fen": 25_000_000_00, "ratio_bp": 5000,
                           "enterprise_paid_fen": 24_900_000_00}


def test_a_justification_hiding_characters_is_refused(world, voucher, refused):
    with refused("hidden_characters", voucher):
        place(world, voucher, TEN_MILLION_YUAN + 1, fee_justification="设备\u202e租用")


@override_settings(LARGE_FEE_THRESHOLD_FEN=50_000_00)
def test_the_threshold_is_a_setting(world, voucher, refused):
    assert place(world, voucher, 50_000_00).fee_justification == ""
    with refused("fee_justification_required", voucher) as info:
        place(world, voucher, 50_000_01)
    assert str(info.value.message) == (
        "服务费超过50,000.00元，须填写大额服务费说明（如合同标的和报价依据）")


# A voucher share that rounds down to 0 fen.


def test_a_share_that_rounds_to_zero_fen_is_refused_with_its_own_message(
    world, voucher, refused
):
    with refused("voucher_share_zero", voucher) as info:
        place(world, voucher, 1)  # 1 fen × 50 % = 0.5 fen, rounded down to 0
    assert str(info.value.message) == (
        "按补贴比例50%计算，服务费¥0.01中创新券可支付的金额不足1分，不能使用创新券支付；"
        "请由企业全额自付")
    assert info.value.extra == {"ratio_bp": 5000, "total_fee_fen": 1}
    assert info.value.http_status == 409
    with translation.override("en"):
        assert str(info.value.message) == (
            "At the subsidy ratio of 50%, the voucher's share of the fee of ¥0.01 is less than "
            "1 fen, so the voucher cannot pay any of it; the enterprise pays the whole fee")


def test_two_fen_at_fifty_percent_is_one_fen_of_voucher(world, voucher, ledger_clean):
    order = place(world, voucher, 2)
    assert (order.voucher_fen, order.enterprise_share_fen) == (1, 1)


def test_a_low_ratio_rounds_a_small_fee_to_zero(world, refused):
    program = build.make_program(name="低比例", categories={"testing": 30})  # 0.3 %
    voucher = build.issue_voucher(program, world.enterprise)
    with refused("voucher_share_zero", voucher) as info:
        place(world, voucher, 333)  # 3.33 yuan × 0.3 % = 0.999 fen
    assert str(info.value.message).startswith("按补贴比例0.3%计算，服务费¥3.33中")
    assert place(world, voucher, 334).voucher_fen == 1


def test_under_the_small_order_threshold_one_fen_is_paid_whole(world):
    program = build.make_program(name="小额全额", small_order_threshold_fen=500_00)
    voucher = build.issue_voucher(program, world.enterprise)
    assert place(world, voucher, 1).voucher_fen == 1


def test_a_spent_voucher_still_says_exhausted_when_the_share_is_not_zero(world, refused):
    voucher = build.issue_voucher(world.program, world.enterprise, 1_000_00)
    build.place_order(voucher, world.enterprise, world.institution.organisation, 2_000_00)
    with refused("voucher_exhausted", voucher):
        orders.order_place(
            actor=world.enterprise, voucher=voucher, institution=world.institution.organisation,
            category=build.category(), contract_number="HT-2", total_fee_fen=2, now=NOW,
        )
    with refused("voucher_share_zero", voucher):
        orders.order_place(
            actor=world.enterprise, voucher=voucher, institution=world.institution.organisation,
            category=build.category(), contract_number="HT-3", total_fee_fen=1, now=NOW,
        )


# A treasury payment is not dated after today, in Shanghai.


@pytest.fixture
def batch(world, voucher):
    approved_redemption(world, voucher, 10_000_00)
    return settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW
    )


def pay(world, batch, paid_on: date, now: datetime) -> PaymentBatch:
    return settlements.payment_batch_pay(
        actor=world.finance, batch=batch, payment_reference="苏国库2024-0301",
        paid_on=paid_on, now=now,
    )


def test_a_payment_dated_tomorrow_is_refused(world, batch, refused):
    with refused("payment_date_in_future", batch) as info:
        pay(world, batch, date(2024, 3, 2), NOW)
    assert str(info.value.message) == "国库支付日期不能晚于今天"
    assert info.value.extra == {"field": "paid_on", "today": "2024-03-01"}
    batch.refresh_from_db()
    assert (batch.state, batch.paid_on, batch.payment_reference) == ("open", None, "")


def test_late_evening_in_shanghai_today_is_still_today(world, batch, refused):
    evening = datetime(2024, 3, 1, 23, 30, tzinfo=build.TZ)  # 15:30 UTC
    with refused("payment_date_in_future", batch):
        pay(world, batch, date(2024, 3, 2), evening)
    assert pay(world, batch, date(2024, 3, 1), evening).paid_on == date(2024, 3, 1)


def test_after_midnight_in_shanghai_the_new_day_is_today_though_utc_lags(
    world, batch, ledger_clean
):
    just_after_midnight = datetime(2024, 3, 1, 16, 30, tzinfo=UTC)  # 3月2日 00:30 in Shanghai
    paid = pay(world, batch, date(2024, 3, 2), just_after_midnight)
    assert (paid.state, paid.paid_on) == ("paid", date(2024, 3, 2))


def test_a_payment_dated_in_the_past_is_recorded(world, batch):
    assert pay(world, batch, date(2024, 2, 28), NOW).paid_on == date(2024, 2, 28)
