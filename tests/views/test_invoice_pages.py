"""Invoices, contracts and 通用 payments on the pages (Django test client)."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from devtools.factories import vouchers as f
from tests.views.conftest import issue, token
from vouchers.models import Delivery, PaymentBatch, Program, Redemption
from vouchers.services import applications, redemptions


def _log(client, order, **fields):
    url = reverse("vouchers:delivery_log", args=[order.pk])
    return client.post(url, {
        "form_token": token(client.get(url)), "delivered_on": timezone.localdate().isoformat(),
        "description": "检测报告一份", "report_number": "BG-2024-01", **fields,
    })


def _order(world, institution=None, contract="HT-2024-001", voucher=None):
    return f.place_order(voucher or issue(world), world.enterprise,
                         (institution or world.institution).organisation, 1_000_00,
                         contract_number=contract)


def test_a_vat_invoice_typed_in_full_width_is_logged_and_shown_in_both_parts(client, world):
    order = _order(world)
    client.force_login(world.institution)
    response = _log(client, order, invoice_code="３１００ ２３１１ ３０",
                    invoice_number="1234 5678")
    assert response.status_code == 302
    delivery = Delivery.objects.get(order=order)
    assert (delivery.invoice_code, delivery.invoice_number, delivery.invoice_key) == (
        "3100231130", "12345678", "3100231130:12345678"
    )
    page = client.get(reverse("vouchers:order_detail", args=[order.pk])).content.decode()
    assert ('<td data-label="发票代码">3100231130</td>'
            '<td data-label="发票号码">12345678</td>') in page


def test_a_digital_invoice_needs_no_code(client, world):
    order = _order(world)
    client.force_login(world.institution)
    _log(client, order, invoice_code="", invoice_number="2431 2000 0000 1234 5678")
    delivery = Delivery.objects.get(order=order)
    assert (delivery.invoice_code, delivery.invoice_number) == ("", "24312000000012345678")


@pytest.mark.parametrize(
    ("code", "number", "field", "chinese", "english"),
    [
        ("", "12345678", "invoice_code", "8位发票号码须同时填写10位或12位发票代码",
         "An 8-digit invoice number needs its 10- or 12-digit invoice code."),
        ("", "FP-0001", "invoice_number", "发票号码只能由数字组成",
         "The invoice number may contain digits only."),
        ("31002311", "12345678", "invoice_code", "发票代码应为10位或12位数字，当前为8位",
         "The invoice code must have 10 or 12 digits; it has 8."),
        ("", "1234567890", "invoice_number",
         "发票号码应为20位（数电票）或8位（需同时填写10位或12位发票代码），当前为10位",
         "The invoice number must have 20 digits (fully digital invoice) or 8 digits "
         "(with a 10- or 12-digit invoice code); it has 10."),
        ("3100231130", "24312000000012345678", "invoice_code",
         "20位号码是数电票，数电票没有发票代码，请清空发票代码",
         "A 20-digit number is a fully digital invoice, which has no invoice code: leave the "
         "invoice code empty."),
    ],
)
def test_a_wrong_invoice_shape_is_refused_beside_its_field_in_both_languages(
    client, world, code, number, field, chinese, english
):
    order = _order(world)
    client.force_login(world.institution)
    response = _log(client, order, invoice_code=code, invoice_number=number)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [chinese]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = _log(client, order, invoice_code=code, invoice_number=number)
    assert response.context["form"].errors[field] == [english]
    assert not Delivery.objects.filter(order=order).exists()
    order.refresh_from_db()
    assert order.state == "placed"


def test_the_delivery_form_explains_both_shapes(client, world):
    order = _order(world)
    client.force_login(world.institution)
    page = client.get(reverse("vouchers:delivery_log", args=[order.pk])).content.decode()
    assert "数电票不填；增值税专用发票或普通发票填写10位或12位发票代码" in page
    assert "数电票填写20位发票号码；其他发票填写8位发票号码" in page


def _request(client, order, payee):
    client.force_login(payee)
    detail = reverse("vouchers:order_detail", args=[order.pk])
    return client.post(reverse("vouchers:redemption_request", args=[order.pk]),
                       {"form_token": token(client.get(detail)), "confirmed": "1"}, follow=True)


def test_two_institutions_redeem_one_contract_number_and_one_institution_only_once(
    client, world
):
    voucher = issue(world)
    shanghai = _order(world, voucher=voucher)
    f.delivered_and_confirmed(shanghai, world.institution, world.enterprise)
    _request(client, shanghai, world.institution)
    redemptions.redemption_approve(actor=world.reviewer, redemption=Redemption.objects.get(),
                                   now=timezone.now())
    zhejiang = _order(world, institution=world.other_institution, voucher=voucher)
    f.delivered_and_confirmed(zhejiang, world.other_institution, world.enterprise)
    _request(client, zhejiang, world.other_institution)
    assert Redemption.objects.filter(order=zhejiang, state="requested").exists()

    again = _order(world, voucher=voucher, contract="HT 2024 001")
    f.delivered_and_confirmed(again, world.institution, world.enterprise)
    page = _request(client, again, world.institution).content.decode()
    assert "本机构的该合同已申请过兑付，同一合同只能兑付一次" in page
    assert not Redemption.objects.filter(order=again).exists()


def test_the_same_invoice_typed_again_is_refused_on_the_page(client, world):
    voucher = issue(world)
    first = _order(world, voucher=voucher, contract="HT-1")
    f.delivered_and_confirmed(first, world.institution, world.enterprise,
                              invoice_code="3100231130", invoice="12345678")
    _request(client, first, world.institution)
    second = _order(world, voucher=voucher, contract="HT-2")
    f.delivered_and_confirmed(second, world.institution, world.enterprise,
                              invoice_code="3100-2311-30", invoice="１２３４５６７８")
    page = _request(client, second, world.institution).content.decode()
    assert "该发票已申请过兑付，同一发票只能兑付一次" in page
    assert Redemption.objects.count() == 1


def test_the_review_page_shows_the_invoice_type_code_and_number(client, world):
    order = _order(world)
    f.delivered_and_confirmed(order, world.institution, world.enterprise,
                              invoice_code="310023113012", invoice="00001234")
    redemption = f.request_redemption(order, world.institution)
    client.force_login(world.reviewer)
    page = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk])).content.decode()
    assert "<dd>增值税发票（发票代码+发票号码）</dd>" in page
    assert "<dd>310023113012</dd>" in page
    assert "<dd>00001234</dd>" in page
    assert "企业自付部分付款凭证" in page  # 通兑: proof of the enterprise's own share


@pytest.fixture
def general_use_voucher(world):
    today = timezone.now()
    program = f.make_program(
        actor=world.reviewer, name="通用创新券", payee_mode=Program.PayeeMode.ENTERPRISE,
        **f.dates_open_all_year(today),
    )
    application = applications.application_submit(
        actor=world.enterprise, program=program, amount_fen=50_000_00, purpose="检测",
        planned_categories=[f.category()], now=today,
    )
    return applications.application_approve(actor=world.reviewer, application=application,
                                             now=today)


def test_under_general_use_the_pages_ask_for_proof_of_the_full_payment(
    client, world, general_use_voucher
):
    order = _order(world, voucher=general_use_voucher)
    assert order.enterprise_paid_fen == 1_000_00
    client.force_login(world.enterprise)
    page = client.get(reverse("vouchers:order_detail", args=[order.pk])).content.decode()
    assert "企业支付全部服务费" in page
    assert '<option value="payment_proof">企业支付全部服务费用的凭证</option>' in page
    assert "企业支付全部服务费用的凭证" in page.split("兑付还缺少：")[1].split("</p>")[0]
    assert "企业自付部分付款凭证" not in page

    f.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = f.request_redemption(order, world.enterprise)
    client.force_login(world.reviewer)
    review = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk]))
    body = review.content.decode()
    assert '<td data-label="材料类型">企业支付全部服务费用的凭证</td>' in body
    assert "<dt>企业支付全部服务费</dt><dd>¥1,000.00</dd>" in body


def test_the_order_preview_under_general_use_says_the_enterprise_pays_the_whole_fee(
    client, world, general_use_voucher
):
    client.force_login(world.enterprise)
    url = reverse("vouchers:order_create", args=[world.institution.organisation.pk])
    page = client.post(url, {
        "voucher": general_use_voucher.pk, "category": f.category().pk,
        "contract_number": "HT-2024-009", "total_fee_fen": "10000", "preview": "1",
    }).content.decode()
    assert "通用模式：企业向服务机构支付全部服务费" in page
    assert '<dd id="preview-share"><strong>¥10,000.00</strong></dd>' in page


def test_the_batch_page_and_treasury_csv_carry_the_number_and_both_invoice_parts(client, world):
    order = _order(world)
    f.delivered_and_confirmed(order, world.institution, world.enterprise,
                              invoice_code="3100231130", invoice="12345678")
    approved = redemptions.redemption_approve(
        actor=world.reviewer, redemption=f.request_redemption(order, world.institution),
        now=timezone.now())
    client.force_login(world.finance)
    payee = world.institution.organisation.pk
    client.post(reverse("vouchers:batch_create"), {
        "form_token": token(client.get(reverse("vouchers:batch_create"), {"payee": payee})),
        "payee": payee, "redemptions": [approved.pk], "confirmed": "1"})
    batch = PaymentBatch.objects.get()
    year = timezone.localdate().year
    assert batch.number == f"JS-PAY-{year}-000001"
    export = client.get(reverse("vouchers:batch_export", args=[batch.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][6:8] == ["发票代码", "发票号码"]
    assert rows[1][0] == f"JS-PAY-{year}-000001"
    assert rows[1][6:8] == ["3100231130", "12345678"]
