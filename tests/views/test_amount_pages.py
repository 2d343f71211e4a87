"""Issue 14's rules on the web pages: amounts typed as people type them, the zero-share and
large-fee refusals on the order page, and a treasury payment dated after today."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from devtools.factories import vouchers as f
from tests.views.conftest import confirmed_order, issue, token
from vouchers.ledger.models import Account, Transfer
from vouchers.models import Application, PaymentBatch, ServiceOrder


def _errors(response) -> list[str]:
    """The texts of the page's field errors, unescaped."""
    body = response.content.decode()
    return [unescape(part.split("</p>", 1)[0])
            for part in body.split('<p class="error" role="alert">')[1:]]


def _apply(client, world, typed: str):
    url = reverse("vouchers:application_create", args=[world.program.pk])
    return client.post(url, {"form_token": token(client.get(url)), "amount_fen": typed,
                             "purpose": "检测新产品", "planned_categories": [f.category().pk]})


@pytest.mark.parametrize(("typed", "fen"), [
    ("1,234.50", 123_450),
    ("１２３４", 123_400),
    ("１２３４．５", 123_450),
    ("¥1200", 120_000),
    ("￥ 1 200 元", 120_000),
    (" 12 元", 1_200),
])
def test_an_application_amount_is_read_as_people_type_it(client, world, typed, fen):
    client.force_login(world.enterprise)
    response = _apply(client, world, typed)
    assert response.status_code == 302
    assert Application.objects.get().amount_fen == fen


@pytest.mark.parametrize(("typed", "message"), [
    ("1e3", "金额不能使用科学计数法（如 1e3），请写出完整的数字"),
    ("12.345", "金额最多保留两位小数（精确到分）"),
    ("1,000,000,000.01", "金额不能超过1,000,000,000.00元"),
    ("1,5", "千位分隔符应每三位一个，例如 1,234,567.89；小数点请用“.”"),
    ("Infinity", "金额必须是具体的数字，不能是无穷大或 NaN"),
    ("", "请填写金额"),
])
def test_a_refused_application_amount_says_why_next_to_the_field(client, world, typed, message):
    client.force_login(world.enterprise)
    response = _apply(client, world, typed)
    assert response.status_code == 200
    assert _errors(response) == [message]
    assert not Application.objects.exists()
    assert not AuditEntry.objects.filter(action="application_submit").exists()


def test_the_english_ui_refuses_exponent_notation_in_english(client, world):
    client.force_login(world.enterprise)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = _apply(client, world, "1E3")
    assert _errors(response) == [
        "Write the amount out in full: exponent notation such as 1e3 is not accepted"]
    assert not Application.objects.exists()


def test_a_programme_budget_follows_the_same_rule(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_fund", args=[world.program.pk])
    before = Transfer.objects.count()
    response = client.post(url, {"form_token": token(client.get(url)), "amount_fen": "5e8",
                                 "reference": "苏财教〔2024〕12号"})
    assert _errors(response) == ["金额不能使用科学计数法（如 1e3），请写出完整的数字"]
    assert Transfer.objects.count() == before


# The order page.


def _order(client, world, voucher, fee: str, **extra):
    url = reverse("vouchers:order_create", args=[world.institution.organisation.pk])
    data = {"form_token": token(client.get(url)), "voucher": voucher.pk,
            "category": f.category().pk, "contract_number": "沪测-2024-0088",
            "total_fee_fen": fee} | extra
    return client.post(url, data)


@pytest.mark.parametrize("button", ["preview", "confirm"])
def test_a_fee_whose_share_rounds_to_zero_is_refused_with_exactly_that(
    client, world, button
):
    voucher = issue(world)
    client.force_login(world.enterprise)
    response = _order(client, world, voucher, "0.01", **{button: "1"})
    assert _errors(response) == [
        "按补贴比例50%计算，服务费¥0.01中创新券可支付的金额不足1分，不能使用创新券支付；"
        "请由企业全额自付"]
    assert "创新券可用余额不足" not in response.content.decode()
    assert 'id="preview-voucher"' not in response.content.decode()
    assert not ServiceOrder.objects.exists()
    assert Account.objects.get(pk=voucher.account_id).debits_pending_fen == 0


def test_the_english_ui_explains_the_zero_share_in_english(client, world):
    voucher = issue(world)
    client.force_login(world.enterprise)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = _order(client, world, voucher, "0.01", confirm="1")
    assert _errors(response) == [
        "At the subsidy ratio of 50%, the voucher's share of the fee of ¥0.01 is less than 1 fen, "
        "so the voucher cannot pay any of it; the enterprise pays the whole fee"]


def test_a_large_fee_without_justification_is_refused_next_to_the_justification(client, world):
    voucher = issue(world)
    client.force_login(world.enterprise)
    response = _order(client, world, voucher, "10,000,000.01", confirm="1")
    assert _errors(response) == [
        "服务费超过10,000,000.00元，须填写大额服务费说明（如合同标的和报价依据）"]
    assert 'id="id_fee_justification"' in response.content.decode()
    assert not ServiceOrder.objects.exists()
    assert Account.objects.get(pk=voucher.account_id).debits_pending_fen == 0


def test_a_justified_large_fee_is_placed_and_shown_on_the_order(client, world):
    voucher = issue(world)
    client.force_login(world.enterprise)
    response = _order(client, world, voucher, "¥12,000,000", confirm="1",
                      fee_justification="中试线整线验证12个月，按院内2024年收费标准报价")
    order = ServiceOrder.objects.get()
    assert response["Location"] == reverse("vouchers:order_detail", args=[order.pk])
    assert (order.total_fee_fen, order.voucher_fen) == (1_200_000_000, 100_000_00)
    assert order.fee_justification == "中试线整线验证12个月，按院内2024年收费标准报价"
    detail = client.get(response["Location"]).content.decode()
    assert "中试线整线验证12个月，按院内2024年收费标准报价" in detail
    assert "大额服务费说明" in detail


def test_a_full_width_fee_is_read_as_on_the_api(client, world):
    voucher = issue(world)
    client.force_login(world.enterprise)
    _order(client, world, voucher, "１２，０００．００元", confirm="1")
    assert ServiceOrder.objects.get().total_fee_fen == 12_000_00


# The treasury payment form.


@pytest.fixture
def batch(world):
    from vouchers.services import redemptions, settlements

    redemption = f.request_redemption(confirmed_order(world), world.institution)
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                   now=timezone.now())
    return settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=timezone.now())


def _pay(client, batch, paid_on: str):
    url = reverse("vouchers:batch_detail", args=[batch.pk])
    return client.post(url, {"form_token": token(client.get(url)),
                             "payment_reference": "苏国库支2024-0301", "paid_on": paid_on,
                             "confirmed": "1"})


def test_a_payment_dated_tomorrow_in_shanghai_is_refused(client, world, batch):
    client.force_login(world.finance)
    tomorrow = timezone.localdate() + timedelta(days=1)
    transfers = Transfer.objects.count()
    response = _pay(client, batch, tomorrow.isoformat())
    assert response.status_code == 200
    assert _errors(response) == ["国库支付日期不能晚于今天"]
    batch.refresh_from_db()
    assert (batch.state, batch.paid_on) == (PaymentBatch.State.OPEN, None)
    assert Transfer.objects.count() == transfers
    assert not AuditEntry.objects.filter(action="payment_batch_pay").exists()


def test_the_english_ui_refuses_a_future_payment_in_english(client, world, batch):
    client.force_login(world.finance)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = _pay(client, batch, (timezone.localdate() + timedelta(days=3)).isoformat())
    assert _errors(response) == ["The treasury payment date cannot be after today"]


def test_a_payment_dated_today_in_shanghai_is_recorded(client, world, batch):
    client.force_login(world.finance)
    response = _pay(client, batch, timezone.localdate().isoformat())
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.paid_on) == (PaymentBatch.State.PAID, timezone.localdate())
