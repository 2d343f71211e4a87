"""Issue 14's rules on the API: the same amount rule as the web (integer fen, one maximum, the
same refusal codes), the large-fee justification, the zero-share refusal and the payment date;
each refusal a problem+json that changes nothing."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from vouchers.ledger.models import Account, Transfer
from vouchers.models import Application, PaymentBatch, ServiceOrder


def _raw_submit(client, body: str, **headers):
    """A JSON body written out, so that literals such as 1e3 reach the parser as sent."""
    return client.post(reverse("api:application-submit"), body,
                       content_type="application/json", **headers)


def _application_body(parties, amount: str) -> str:
    return (f'{{"program_id": {parties.program.pk}, "amount_fen": {amount}, '
            f'"purpose": "新产品检测", "planned_categories": ["testing"]}}')


@pytest.mark.parametrize(("amount", "code", "message"), [
    ("1e3", "amount_not_integer_fen", "金额以分为单位，须为整数，例如 123450 表示 1,234.50 元"),
    ("1000.0", "amount_not_integer_fen",
     "金额以分为单位，须为整数，例如 123450 表示 1,234.50 元"),
    ("12.5", "amount_sub_fen", "金额最多保留两位小数（精确到分）"),
    ('"1e3"', "amount_exponent", "金额不能使用科学计数法（如 1e3），请写出完整的数字"),
    ('"¥1200"', "amount_not_integer_fen",
     "金额以分为单位，须为整数，例如 123450 表示 1,234.50 元"),
    ("0", "amount_not_positive", "金额必须大于0"),
    ("-100", "amount_not_positive", "金额必须大于0"),
    ("100000000001", "amount_too_large", "金额不能超过1,000,000,000.00元"),
    ("true", "amount_not_integer_fen", "金额以分为单位，须为整数，例如 123450 表示 1,234.50 元"),
])
def test_an_amount_outside_the_rule_is_a_field_problem(parties, amount, code, message):
    response = _raw_submit(parties.client("enterprise"), _application_body(parties, amount))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "invalid"
    assert response.json()["errors"] == [
        {"field": "amount_fen", "code": code, "message": message}]
    assert not Application.objects.exists()


def test_the_refusal_speaks_english_to_an_english_client(parties):
    response = _raw_submit(parties.client("enterprise"), _application_body(parties, '"1E3"'),
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["errors"] == [{
        "field": "amount_fen", "code": "amount_exponent",
        "message": "Write the amount out in full: exponent notation such as 1e3 is not accepted",
    }]


@pytest.mark.parametrize(("amount", "fen"), [
    ("1234500", 1_234_500),
    ('"１２３４５００"', 1_234_500),
])
def test_integer_fen_are_taken_as_before_and_full_width_digits_as_on_the_web(
    parties, amount, fen
):
    response = _raw_submit(parties.client("enterprise"), _application_body(parties, amount))
    assert response.status_code == 201, response.json()
    assert response.json()["amount_fen"] == fen
    assert Application.objects.get().amount_fen == fen


def test_the_maximum_is_the_webs_and_then_the_programs_own_rules_apply(parties):
    response = _raw_submit(parties.client("enterprise"),
                           _application_body(parties, "100000000000"))
    assert response.status_code == 409
    assert response.json()["code"] == "over_annual_cap"


# Orders.


@pytest.fixture
def voucher(parties):
    return build.issue_voucher(parties.program, parties.enterprise, 100_000_00,
                               reviewer=parties.reviewer)


def _place(parties, voucher, fee, *, language: str = "zh-hans", **fields):
    return parties.client("enterprise").post(reverse("api:order-place"), {
        "voucher_id": voucher.pk, "institution_id": parties.institution.organisation_id,
        "category": "testing", "contract_number": "沪测-2024-0316", "total_fee_fen": fee,
        **fields,
    }, format="json", HTTP_ACCEPT_LANGUAGE=language)


def _nothing_held(voucher) -> bool:
    account = Account.objects.get(pk=voucher.account_id)
    return (not ServiceOrder.objects.exists() and account.debits_pending_fen == 0
            and account.available_fen == 100_000_00)


def test_a_fee_of_ten_quadrillion_yuan_is_refused_not_held(parties, voucher):
    response = _place(parties, voucher, 10**18)  # 10¹⁶ yuan, once held and reported
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "total_fee_fen", "code": "amount_too_large",
                                          "message": "金额不能超过1,000,000,000.00元"}]
    assert _nothing_held(voucher)


def test_a_large_fee_without_justification_is_a_422_naming_the_threshold(parties, voucher):
    response = _place(parties, voucher, 1_000_000_001)
    assert response.status_code == 422
    assert response.json()["code"] == "fee_justification_required"
    assert response.json()["detail"] == (
        "服务费超过10,000,000.00元，须填写大额服务费说明（如合同标的和报价依据）")
    assert response.json()["errors"][0]["field"] == "fee_justification"
    assert response.json()["extra"] == {"field": "fee_justification",
                                        "threshold_fen": 1_000_000_000}
    assert _nothing_held(voucher)


def test_an_english_client_is_told_in_english(parties, voucher):
    response = _place(parties, voucher, 1_000_000_001, language="en")
    assert response.json()["detail"] == (
        "A fee above the large-fee threshold (extra.threshold_fen) needs a written "
        "fee_justification: what the contract covers and how it was priced.")


def test_a_justified_large_fee_is_placed_and_answers_with_its_justification(parties, voucher):
    reason = "中试线整线验证12个月，按院内2024年收费标准报价"
    response = _place(parties, voucher, 1_200_000_000, fee_justification=reason)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["total_fee_fen"], body["voucher_fen"], body["enterprise_share_fen"]) == (
        1_200_000_000, 100_000_00, 1_190_000_000)
    assert body["fee_justification"] == reason
    order = ServiceOrder.objects.get()
    assert order.fee_justification == reason
    assert AuditEntry.objects.get(action="order_place", object_id=str(order.pk)).reason == reason


def test_a_zero_share_is_a_409_with_its_own_code(parties, voucher):
    response = _place(parties, voucher, 1)
    assert response.status_code == 409
    assert response.json()["code"] == "voucher_share_zero"
    assert response.json()["detail"] == (
        "按补贴比例50%计算，服务费¥0.01中创新券可支付的金额不足1分，不能使用创新券支付；"
        "请由企业全额自付")
    assert response.json()["extra"] == {"ratio_bp": 5000, "total_fee_fen": 1}
    assert _nothing_held(voucher)


def test_a_zero_share_is_explained_in_english(parties, voucher):
    response = _place(parties, voucher, 1, language="en")
    assert response.json()["detail"] == (
        "At the subsidy ratio the voucher's share of this fee is less than 1 fen, so the "
        "voucher cannot pay any of it; the enterprise pays the whole fee.")


def test_a_json_float_fee_is_refused_not_rounded(parties, voucher):
    body = json.dumps({
        "voucher_id": voucher.pk, "institution_id": parties.institution.organisation_id,
        "category": "testing", "contract_number": "HT-1", "total_fee_fen": 1234.5})
    response = parties.client("enterprise").post(reverse("api:order-place"), body,
                                                 content_type="application/json")
    assert response.json()["errors"] == [{"field": "total_fee_fen", "code": "amount_sub_fen",
                                          "message": "金额最多保留两位小数（精确到分）"}]
    assert _nothing_held(voucher)


# The treasury payment date.


def _pay(parties, batch, paid_on: str, language: str = "zh-hans"):
    return parties.client("finance").post(
        reverse("api:batch-pay", args=[batch.pk]),
        {"payment_reference": "苏国库支2024-0316", "paid_on": paid_on},
        format="json", HTTP_ACCEPT_LANGUAGE=language,
    )


def test_a_payment_dated_after_today_is_a_422_and_pays_nothing(parties, records):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    transfers = Transfer.objects.count()
    response = _pay(parties, records.batch, tomorrow)
    assert response.status_code == 422
    assert response.json()["code"] == "payment_date_in_future"
    assert response.json()["detail"] == "国库支付日期不能晚于今天"
    assert response.json()["errors"][0]["field"] == "paid_on"
    assert response.json()["extra"]["today"] == timezone.localdate().isoformat()
    records.batch.refresh_from_db()
    assert (records.batch.state, records.batch.paid_on) == (PaymentBatch.State.OPEN, None)
    assert Transfer.objects.count() == transfers


def test_the_future_payment_refusal_in_english(parties, records):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = _pay(parties, records.batch, tomorrow, "en")
    assert response.json()["detail"] == (
        "The treasury payment date cannot be after today (Shanghai time).")


def test_a_payment_dated_today_is_recorded(parties, records):
    response = _pay(parties, records.batch, timezone.localdate().isoformat())
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "paid"
