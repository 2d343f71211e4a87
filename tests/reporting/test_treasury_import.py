"""The treasury file: each kind of bad row is named by line and reason; nothing half-imported."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from accounts.errors import ApplicationError
from accounts.models import AuditEntry, Region, User
from devtools.factories.accounts import make_credit_code
from devtools.factories.vouchers import TZ, authority
from reporting.models import TreasuryPayment
from reporting.services.treasury_import import treasury_payments_import

NOW = datetime(2024, 5, 1, 9, 0, tzinfo=TZ)
HEADER = "批次号,收款单位统一社会信用代码,金额（元）,支付日期,银行流水号\n"
CODE = make_credit_code("310102")


@pytest.fixture
def finance(db):
    return authority("JS", role=User.Role.AUTHORITY_FINANCE)


def run(finance, text: str, name="treasury.csv"):
    return treasury_payments_import(actor=finance, region=Region.objects.get(short_code="JS"),
                                    name=name, content=("\ufeff" + text).encode(), now=NOW)


def test_a_good_file_is_imported_and_audited(finance):
    created = run(finance, HEADER + f"JS-PAY-2024-000001,{CODE},1234.56,2024-04-02,B1\n"
                                    f"JS-PAY-2024-000002,{CODE},\"1,000\",2024/04/03,B2\n")
    assert [(p.amount_fen, p.line_number) for p in created] == [(123456, 2), (100000, 3)]
    entry = AuditEntry.objects.get(action="treasury_import")
    assert (entry.amount_fen, entry.after["rows"]) == (223456, 2)


@pytest.mark.parametrize(("row", "reason"), [
    (f",{CODE},1.00,2024-04-02,B9", "批次号为空"),
    ("JS-1,913201001234567890,1.00,2024-04-02,B9", "统一社会信用代码"),
    (f"JS-1,{CODE},abc,2024-04-02,B9", "金额abc：请输入以元为单位的金额"),
    (f"JS-1,{CODE},-5,2024-04-02,B9", "须大于0"),
    (f"JS-1,{CODE},1.001,2024-04-02,B9", "金额1.001：金额最多保留两位小数（精确到分）"),
    (f"JS-1,{CODE},1.00,2024-13-02,B9", "格式应为"),
    (f"JS-1,{CODE},1.00,2024-06-02,B9", "晚于今天"),
    (f"JS-1,{CODE},1.00,2024-04-02,", "银行流水号为空"),
    (f"JS-1,{CODE},1.00,2024-04-02,B1", "与第2行重复"),
])
def test_each_bad_row_refuses_the_whole_file(finance, row, reason):
    text = HEADER + f"JS-0,{CODE},1.00,2024-04-02,B1\n" + row + "\n"
    with pytest.raises(ApplicationError) as info:
        run(finance, text)
    assert info.value.code == "treasury_file_invalid"
    [error] = info.value.extra["errors"]
    assert error["line"] == 3
    assert reason in error["reason"]
    assert not TreasuryPayment.objects.exists()


def test_a_bank_reference_imported_before_is_refused(finance):
    run(finance, HEADER + f"JS-0,{CODE},1.00,2024-04-02,B1\n")
    with pytest.raises(ApplicationError) as info:
        run(finance, HEADER + f"JS-2,{CODE},2.00,2024-04-02,B2\nJS-0,{CODE},1.00,2024-04-02,B1\n")
    assert info.value.extra["errors"] == [{"line": 3, "reason": "银行流水号B1已导入过"}]
    assert TreasuryPayment.objects.count() == 1


def test_a_missing_column_is_refused(finance):
    with pytest.raises(ApplicationError) as info:
        run(finance, "批次号,金额（元）\nJS-0,1.00\n")
    assert info.value.extra["errors"][0]["line"] == 1


def test_an_xlsx_file(finance):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["batch_reference", "credit_code", "amount", "paid_on", "bank_reference"])
    sheet.append(["JS-0", CODE, 12.5, date(2024, 4, 2), "X1"])
    sheet.append(["JS-1", CODE, "oops", date(2024, 4, 2), "X2"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ApplicationError) as info:
        treasury_payments_import(actor=finance, region=Region.objects.get(short_code="JS"),
                                 name="t.xlsx", content=buffer.getvalue(), now=NOW)
    assert info.value.extra["errors"][0]["line"] == 3
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    workbook.save(buffer)
    [payment] = treasury_payments_import(
        actor=finance, region=Region.objects.get(short_code="JS"), name="t.xlsx",
        content=buffer.getvalue(), now=NOW)
    assert payment.amount_fen == 1250


def test_only_the_regions_finance_imports(db):
    with pytest.raises(ApplicationError):
        run(authority("JS"), HEADER + f"JS-0,{CODE},1.00,2024-04-02,B1\n")
    with pytest.raises(ApplicationError):
        run(authority("SH", role=User.Role.AUTHORITY_FINANCE),
            HEADER + f"JS-0,{CODE},1.00,2024-04-02,B1\n")
