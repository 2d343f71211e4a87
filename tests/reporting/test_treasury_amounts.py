"""The treasury file's amounts follow the one amount rule of the web forms, and its payment
dates are never after today in Shanghai; through the service and the upload page."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
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


def run(finance, rows: str, now: datetime = NOW):
    return treasury_payments_import(
        actor=finance, region=Region.objects.get(short_code="JS"), name="国库支付.csv",
        content=("\ufeff" + HEADER + rows).encode(), now=now)


def test_amounts_as_the_treasury_and_people_write_them(finance):
    created = run(finance, f'JS-1,{CODE},"¥1,234.50",2024-04-02,B1\n'
                           f"JS-2,{CODE},１２３４,2024-04-02,B2\n"
                           f'JS-3,{CODE}," 12 元",2024-04-02,B3\n'
                           f"JS-4,{CODE},￥ 1 200 元,2024-04-02,B4\n")
    assert [p.amount_fen for p in created] == [123_450, 123_400, 1_200, 120_000]


@pytest.mark.parametrize(("amount", "reason"), [
    ("1e3", "金额1e3：金额不能使用科学计数法（如 1e3），请写出完整的数字"),
    ("1000000000.01", "金额1000000000.01：金额不能超过1,000,000,000.00元"),
    ("12.345", "金额12.345：金额最多保留两位小数（精确到分）"),
    ("0", "金额0：金额必须大于0"),
    ("", "金额（空）：请填写金额"),
    ("NaN", "金额NaN：金额必须是具体的数字，不能是无穷大或 NaN"),
])
def test_a_refused_amount_names_its_line_and_the_rule(finance, amount, reason):
    with pytest.raises(ApplicationError) as info:
        run(finance, f"JS-0,{CODE},1.00,2024-04-02,B0\nJS-1,{CODE},{amount},2024-04-02,B1\n")
    assert info.value.extra["errors"] == [{"line": 3, "reason": reason}]
    assert not TreasuryPayment.objects.exists()
    assert not AuditEntry.objects.filter(action="treasury_import").exists()


def test_a_huge_number_stored_by_a_spreadsheet_is_too_large_not_exponent_notation(finance):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["batch_reference", "credit_code", "amount", "paid_on", "bank_reference"])
    sheet.append(["JS-0", CODE, 1e16, "2024-04-02", "X1"])  # a float cell: str() is 1e+16
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ApplicationError) as info:
        treasury_payments_import(actor=finance, region=Region.objects.get(short_code="JS"),
                                 name="t.xlsx", content=buffer.getvalue(), now=NOW)
    assert info.value.extra["errors"] == [
        {"line": 2, "reason": "金额10000000000000000：金额不能超过1,000,000,000.00元"}]


def test_a_payment_dated_after_today_in_shanghai_is_refused(finance):
    evening = datetime(2024, 5, 1, 23, 30, tzinfo=TZ)
    with pytest.raises(ApplicationError) as info:
        run(finance, f"JS-1,{CODE},1.00,2024-05-02,B1\n", now=evening)
    assert info.value.extra["errors"] == [{"line": 2, "reason": "支付日期2024-05-02晚于今天"}]
    assert not TreasuryPayment.objects.exists()


def test_after_midnight_in_shanghai_the_new_day_counts_though_utc_lags(finance):
    after_midnight = datetime(2024, 5, 1, 16, 30, tzinfo=ZoneInfo("UTC"))  # 5月2日 00:30
    [payment] = run(finance, f"JS-1,{CODE},1.00,2024-05-02,B1\n", now=after_midnight)
    assert payment.paid_on.isoformat() == "2024-05-02"


# The upload page.


def _upload(client, text: str):
    upload = SimpleUploadedFile("国库支付.csv", ("\ufeff" + HEADER + text).encode(),
                                content_type="text/csv")
    return client.post(reverse("reporting:treasury_upload"), {"file": upload})


def test_the_upload_page_names_each_refused_line(client, finance):
    client.force_login(finance)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    today = timezone.localdate().isoformat()
    response = _upload(client, f"JS-1,{CODE},1e3,{today},B1\nJS-2,{CODE},5.00,{tomorrow},B2\n")
    body = unescape(response.content.decode())
    assert "第2行：金额1e3：金额不能使用科学计数法（如 1e3），请写出完整的数字" in body
    assert f"第3行：支付日期{tomorrow}晚于今天" in body
    assert not TreasuryPayment.objects.exists()


def test_the_upload_page_imports_a_good_file(client, finance):
    client.force_login(finance)
    today = timezone.localdate().isoformat()
    response = _upload(client, f'JS-1,{CODE},"¥1,234.50",{today},B1\n')
    assert response.status_code == 302
    assert TreasuryPayment.objects.get().amount_fen == 123_450
