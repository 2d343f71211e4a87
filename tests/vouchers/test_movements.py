"""Every money movement pinned for a given record: key, phase, accounts, amount and memo.

The keys are in the journal under a unique index and replays depend on them: they are written
out here by hand, so a change of their shape fails a test instead of funding something twice.
"""

from __future__ import annotations

import pytest

from accounts.models import Organisation, Region
from devtools.factories.vouchers import NOW
from vouchers import movements
from vouchers.ledger.models import Account, Transfer
from vouchers.ledger.specs import TransferSpec
from vouchers.models import Application, Program, Redemption, ServiceOrder, Voucher


@pytest.fixture
def records(db):
    """Unsaved records with fixed ids: the specs read fields, only the openers write."""
    jiangsu = Region.objects.get(code="32")
    program = Program(pk=5, region=jiangsu, year=2024, name="科技创新券", budget_account_id=11)
    payee = Organisation(pk=9, name="上海检测中心")
    voucher = Voucher(pk=3, code="JS-2024-000012", account_id=21, program=program)
    order = ServiceOrder(
        pk=7, voucher=voucher, contract_number="HT-2024-001", voucher_fen=5_000_00,
        payable_account_id=31,
    )
    redemption = Redemption(
        pk=13, order=order, program=program, payee=payee, invoice_code="3200241130",
        invoice_number="00012345", approved_fen=4_000_00, batch_id=17,
    )
    application = Application(pk=12, program=program, approved_fen=100_000_00)
    return program, payee, voucher, order, redemption, application


def test_the_accounts_are_one_per_owner_named_for_people(records):
    program, payee, *_ = records
    opened = [
        movements.funding_account(program.region, now=NOW),
        movements.budget_account_open(program, now=NOW),
        movements.voucher_account_open(code="JS-2024-000012", now=NOW),
        movements.payable_account(program, payee, now=NOW),
        movements.paid_account(program, now=NOW),
        movements.clawback_account(program, payee, now=NOW),
    ]
    assert [
        (a.kind, a.owner_type, a.owner_id, a.name, a.debits_must_not_exceed_credits,
         a.credits_must_not_exceed_debits)
        for a in opened
    ] == [
        ("funding", "region", "32", "江苏省创新券财政资金", False, False),
        ("budget", "program", "5", "江苏省2024科技创新券未发放预算", True, False),
        ("voucher", "voucher", "JS-2024-000012", "创新券JS-2024-000012", True, False),
        ("payable", "program_payee", "5:9", "江苏省2024应付上海检测中心", False, False),
        ("paid", "program", "5", "江苏省2024科技创新券已支付", False, False),
        ("clawback", "program_payee", "5:9", "江苏省2024应向上海检测中心追回", True, False),
    ]
    assert movements.payable_account(program, payee, now=NOW) == opened[3]  # opened once


def test_long_account_names_are_cut_to_the_column(records):
    program, payee, *_ = records
    program.name = "长" * 200
    payee.name = "名" * 200
    names = [
        movements.budget_account_open(program, now=NOW).name,
        movements.payable_account(program, payee, now=NOW).name,
        movements.paid_account(program, now=NOW).name,
        movements.clawback_account(program, payee, now=NOW).name,
    ]
    assert [len(name) for name in names] == [128, 128, 128, 128]
    assert names[0].startswith("江苏省2024长")
    assert names[2].startswith("江苏省2024长")


def test_the_keys_of_the_causes(records):
    program, _payee, voucher, order, redemption, application = records
    assert [
        movements.fund_key(program, " 苏财教〔2024〕1号 "),
        movements.issue_key(application),
        movements.hold_key(order),
        movements.cancel_key(order),
        movements.lapse_key(order),
        movements.expire_key(voucher),
        movements.revoke_key(voucher),
        movements.revoke_order_key(voucher, order),
        movements.approve_key(redemption),
        movements.reject_key(redemption),
        movements.pay_key(redemption),
        movements.claw_back_key(redemption),
        movements.return_key("order-cancel:7"),
        movements.void_key(order),
        movements.withdraw_key(redemption),
    ] == [
        "program-fund:5:苏财教〔2024〕1号",
        "voucher-issue:12",
        "order-hold:7",
        "order-cancel:7",
        "order-lapse:7",
        "voucher-expire:3",
        "voucher-revoke:3",
        "voucher-revoke:3:order:7",
        "redemption-approve:13",
        "redemption-reject:13",
        "settlement-pay:13",
        "clawback:13",
        "order-cancel:7:return",
        "order-void:7",
        "redemption-withdraw:13",
    ]


def test_fund(records):
    program, *_ = records
    spec = movements.fund_spec(
        program, amount_fen=500_000_00, reference=" 苏财教〔2024〕1号 ", now=NOW
    )
    funding = Account.objects.get(kind="funding", owner_id="32")
    assert spec == TransferSpec(
        idempotency_key="program-fund:5:苏财教〔2024〕1号",
        debit_account_id=funding.pk,
        credit_account_id=11,
        amount_fen=500_000_00,
        phase="posted",
        business_type="program",
        business_id="5",
        memo="拨付预算 苏财教〔2024〕1号",
    )


def test_issue(records):
    *_, application = records
    account = Account(pk=21)
    assert movements.issue_spec(application, account=account, code="JS-2024-000012") == (
        TransferSpec(
            idempotency_key="voucher-issue:12",
            debit_account_id=11,
            credit_account_id=21,
            amount_fen=100_000_00,
            phase="posted",
            business_type="application",
            business_id="12",
            memo="发放创新券JS-2024-000012",
        )
    )


def test_hold(records):
    _program, _payee, voucher, order, *_ = records
    assert movements.hold_spec(order, voucher) == TransferSpec(
        idempotency_key="order-hold:7",
        debit_account_id=21,
        credit_account_id=31,
        amount_fen=5_000_00,
        phase="pending",
        business_type="service_order",
        business_id="7",
        memo="订单HT-2024-001创新券预留",
    )


def test_capture(records):
    _program, _payee, _voucher, order, redemption, _application = records
    assert movements.capture_spec(redemption, order, amount_fen=4_000_00) == TransferSpec(
        idempotency_key="redemption-approve:13",
        phase="post_pending",
        pending_key="order-hold:7",
        amount_fen=4_000_00,
        business_type="redemption",
        business_id="13",
        memo="兑付发票3200241130-00012345",
    )


def test_release(records):
    _program, _payee, _voucher, order, *_ = records
    assert movements.release_spec(order, key="order-cancel:7", memo="订单取消，释放预留") == (
        TransferSpec(
            idempotency_key="order-cancel:7",
            phase="void_pending",
            pending_key="order-hold:7",
            business_type="service_order",
            business_id="7",
            memo="订单取消，释放预留",
        )
    )


def test_return_to_budget(records):
    _program, _payee, voucher, *_ = records
    spec = movements.return_to_budget_spec(voucher, amount_fen=1_234, key="voucher-expire:3")
    assert spec == TransferSpec(
        idempotency_key="voucher-expire:3",
        debit_account_id=21,
        credit_account_id=11,
        amount_fen=1_234,
        phase="posted",
        business_type="voucher",
        business_id="3",
        memo="创新券JS-2024-000012余额退回预算",
    )


def test_pay(records):
    *_, redemption, _application = records
    spec = movements.pay_spec(redemption, now=NOW)
    paid = Account.objects.get(kind="paid", owner_id="5")
    assert spec == TransferSpec(
        idempotency_key="settlement-pay:13",
        debit_account_id=31,
        credit_account_id=paid.pk,
        amount_fen=4_000_00,
        phase="posted",
        business_type="redemption",
        business_id="13",
        memo="国库支付 批次17",
    )


def test_withdraw(records):
    *_, voucher, _order, redemption, _application = records
    assert movements.withdraw_spec(redemption, voucher) == TransferSpec(
        idempotency_key="redemption-withdraw:13",
        debit_account_id=31,
        credit_account_id=21,
        amount_fen=4_000_00,
        phase="posted",
        business_type="redemption",
        business_id="13",
        memo="撤回已批准兑付 发票3200241130-00012345",
    )


def test_claw_back(records):
    *_, redemption, _application = records
    spec = movements.claw_back_spec(redemption, now=NOW)
    paid = Account.objects.get(kind="paid", owner_id="5")
    clawback = Account.objects.get(kind="clawback", owner_id="5:9")
    assert spec == TransferSpec(
        idempotency_key="clawback:13",
        debit_account_id=paid.pk,
        credit_account_id=clawback.pk,
        amount_fen=4_000_00,
        phase="posted",
        business_type="redemption",
        business_id="13",
        memo="追回兑付款 发票3200241130-00012345",
    )


def test_a_digital_invoice_is_named_by_its_number_alone(records):
    _program, _payee, _voucher, order, redemption, _application = records
    redemption.invoice_code, redemption.invoice_number = "", "24322000000012345678"
    assert movements.capture_spec(redemption, order, amount_fen=1).memo == (
        "兑付发票24322000000012345678"
    )


def test_phases_are_the_ledger_enum():
    assert [phase.value for phase in Transfer.Phase] == [
        "posted", "pending", "post_pending", "void_pending",
    ]
