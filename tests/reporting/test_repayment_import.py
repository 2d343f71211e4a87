"""The treasury's receipts of claw-back repayments: the same file rules as the payments'
file; a line imported twice is recorded once; any bad line refuses the whole file."""

from __future__ import annotations

import pytest

from accounts.errors import ApplicationError
from accounts.models import AuditEntry
from devtools.factories.vouchers import NOW
from reporting.services.repayment_import import treasury_repayments_import
from tests.vouchers.services.test_recovery import clawed_back
from vouchers.ledger.models import Transfer
from vouchers.models import ClawBackRepayment

pytestmark = pytest.mark.django_db
HEADER = "追回编号,付款单位统一社会信用代码,退回金额（元）,到账日期,银行流水号\n"


@pytest.fixture
def claw_back(world, voucher):
    return clawed_back(world, voucher)


def run(world, text: str, name="repayments.csv"):
    return treasury_repayments_import(
        actor=world.finance, region=world.program.region, name=name,
        content=("\ufeff" + text).encode(), now=NOW,
    )


def line(claw_back, amount="1000.00", reference="YH-1", day="2024-03-01", code=None):
    code = code or claw_back.redemption.payee.credit_code
    return f"CB-{claw_back.pk},{code},{amount},{day},{reference}\n"


def test_a_good_file_records_and_posts_each_repayment(world, claw_back, ledger_clean):
    result = run(world, HEADER + line(claw_back, "\"1,000.00\"", "YH-1")
                 + line(claw_back, "500", "YH-2"))
    claw_back.refresh_from_db()
    assert (claw_back.repaid_fen, result.already_imported) == (1_500_00, 0)
    assert [(r.amount_fen, r.line_number, r.source) for r in result.recorded] == [
        (1_000_00, 2, "treasury"), (500_00, 3, "treasury")]
    assert Transfer.objects.filter(business_type="claw_back_repayment").count() == 2
    entry = AuditEntry.objects.get(action="treasury_repayments_import")
    assert (entry.amount_fen, entry.after["rows"]) == (1_500_00, 2)


def test_the_same_file_imported_twice_records_nothing_twice(world, claw_back, ledger_clean):
    text = HEADER + line(claw_back, "1000", "YH-1")
    run(world, text)
    again = run(world, text + line(claw_back, "200", "YH-2"))
    claw_back.refresh_from_db()
    assert (again.already_imported, len(again.recorded), claw_back.repaid_fen) == (1, 1, 1_200_00)
    assert ClawBackRepayment.objects.count() == 2


@pytest.mark.parametrize(("row", "reason"), [
    ("CB-x,{code},1.00,2024-03-01,B9", "追回编号CB-x格式"),
    ("CB-999999,{code},1.00,2024-03-01,B9", "不是本地区的追回"),
    ("CB-{pk},913201001234567890,1.00,2024-03-01,B9", "统一社会信用代码"),
    ("CB-{pk},{other},1.00,2024-03-01,B9", "付款单位统一社会信用代码与"),
    ("CB-{pk},{code},abc,2024-03-01,B9", "金额abc"),
    ("CB-{pk},{code},1.00,2024-13-01,B9", "格式应为"),
    ("CB-{pk},{code},1.00,2024-03-02,B9", "到账日期晚于今天"),
    ("CB-{pk},{code},4000.01,2024-03-01,B9", "退回金额超过"),
    ("CB-{pk},{code},1.00,2024-03-01,YH-1", "在本次提交中重复"),
])
def test_each_bad_line_refuses_the_whole_file(world, claw_back, row, reason):
    code = claw_back.redemption.payee.credit_code
    other = world.enterprise.organisation.credit_code
    text = HEADER + line(claw_back, "1000", "YH-1") + row.format(
        pk=claw_back.pk, code=code, other=other) + "\n"
    with pytest.raises(ApplicationError) as info:
        run(world, text)
    assert info.value.code == "treasury_file_invalid"
    [error] = info.value.extra["errors"]
    assert (error["line"], reason in error["reason"]) == (3, True), error
    assert not ClawBackRepayment.objects.exists()
    claw_back.refresh_from_db()
    assert claw_back.repaid_fen == 0


def test_only_finance_imports(world, claw_back):
    with pytest.raises(ApplicationError) as info:
        treasury_repayments_import(actor=world.reviewer, region=world.program.region,
                                   name="r.csv", content=HEADER.encode(), now=NOW)
    assert info.value.code == "permission_denied"
