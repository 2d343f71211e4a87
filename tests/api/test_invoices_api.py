"""Invoices, contracts, 通用 payments and batch numbers through the API (problem+json)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from devtools.factories import vouchers as build
from tests.api.conftest import open_program
from vouchers.models import Delivery, PaymentBatch, Program, Redemption
from vouchers.services import redemptions


def _voucher(parties, program=None):
    return build.issue_voucher(program or parties.program, parties.enterprise,
                               reviewer=parties.reviewer)


def _order(parties, voucher, institution=None, contract="HT-2024-001"):
    return build.place_order(voucher, parties.enterprise,
                             (institution or parties.institution).organisation, 1_000_00,
                             contract_number=contract)


def _log(parties, order, institution=None, **invoice):
    return parties.client("institution" if institution is None else institution).post(
        reverse("api:delivery-log"),
        {"order_id": order.pk, "delivered_on": timezone.localdate().isoformat(),
         "description": "检测报告一份", "report_number": "BG-0001", **invoice},
        format="json",
    )


def test_a_vat_invoice_is_logged_with_its_code_and_number(parties):
    order = _order(parties, _voucher(parties))
    logged = _log(parties, order, invoice_code="３１００２３１１３０", invoice_number="1234 5678")
    assert logged.status_code == 201, logged.json()
    body = logged.json()
    assert (body["invoice_kind"], body["invoice_code"], body["invoice_number"]) == (
        "vat", "3100231130", "12345678"
    )


def test_a_digital_invoice_is_logged_without_a_code(parties):
    order = _order(parties, _voucher(parties))
    body = _log(parties, order, invoice_number="24312000000012345678").json()
    assert (body["invoice_kind"], body["invoice_code"], body["invoice_number"]) == (
        "digital", "", "24312000000012345678"
    )


@pytest.mark.parametrize(
    ("invoice", "code", "field", "chinese", "english", "extra"),
    [
        ({"invoice_number": "12345678"}, "invoice_code_required", "invoice_code",
         "8位发票号码须同时填写10位或12位发票代码",
         "An 8-digit invoice number needs its 10- or 12-digit invoice code.",
         {"field": "invoice_code"}),
        ({"invoice_code": "3100231130", "invoice_number": "123456789"}, "invoice_number_length",
         "invoice_number",
         "发票号码应为20位（数电票）或8位（需同时填写10位或12位发票代码），当前为9位",
         "The invoice number must have 20 digits (fully digital invoice) or 8 digits (with a "
         "10- or 12-digit invoice code); extra.digits says how many it has.",
         {"field": "invoice_number", "digits": 9}),
        ({"invoice_code": "ABC", "invoice_number": "12345678"}, "invoice_code_not_digits",
         "invoice_code", "发票代码只能由数字组成", "The invoice code may contain digits only.",
         {"field": "invoice_code"}),
    ],
)
def test_a_wrong_shape_is_a_problem_in_both_languages_and_changes_nothing(
    parties, invoice, code, field, chinese, english, extra
):
    order = _order(parties, _voucher(parties))
    refused = _log(parties, order, **invoice)
    assert (refused.status_code, refused["Content-Type"]) == (422, "application/problem+json")
    problem = refused.json()
    assert (problem["code"], problem["detail"], problem["extra"]) == (code, chinese, extra)
    assert problem["errors"] == [{"field": field, "code": code, "message": chinese}]
    client = parties.client("institution")
    english_problem = client.post(
        reverse("api:delivery-log"),
        {"order_id": order.pk, "delivered_on": timezone.localdate().isoformat(),
         "description": "检测报告一份", "report_number": "BG-0001", **invoice},
        format="json", HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert english_problem["detail"] == english
    assert not Delivery.objects.exists()
    order.refresh_from_db()
    assert order.state == "placed"


def _confirmed(parties, order, institution="institution", **invoice):
    assert _log(parties, order, institution, **invoice).status_code == 201
    user = getattr(parties, institution)
    build.attach_evidence(order, user)
    delivery = order.deliveries.get()
    confirmed = parties.client("enterprise").post(
        reverse("api:delivery-confirm", args=[delivery.pk]), format="json"
    )
    assert confirmed.status_code == 200


def _request(parties, order, payee="institution"):
    return parties.client(payee).post(reverse("api:redemption-request"),
                                      {"order_id": order.pk}, format="json")


def test_two_codes_with_one_number_are_two_invoices_and_a_retyped_one_is_refused(parties):
    voucher = _voucher(parties)
    first, second, third = (_order(parties, voucher, contract=f"HT-{n}") for n in (1, 2, 3))
    _confirmed(parties, first, invoice_code="3100231130", invoice_number="12345678")
    _confirmed(parties, second, invoice_code="3200231130", invoice_number="12345678")
    _confirmed(parties, third, invoice_code="3100 2311 30", invoice_number="1234-5678")
    created = _request(parties, first)
    assert created.status_code == 201
    claim = created.json()
    assert (claim["invoice_kind"], claim["invoice_code"], claim["invoice_number"]) == (
        "vat", "3100231130", "12345678"
    )
    assert (claim["institution_id"], claim["contract_number"]) == (
        parties.institution.organisation_id, "HT-1"
    )
    assert _request(parties, second).status_code == 201
    refused = _request(parties, third)
    assert (refused.status_code, refused.json()["code"]) == (409, "invoice_already_redeemed")
    english = parties.client("institution").post(
        reverse("api:redemption-request"), {"order_id": third.pk}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert english["detail"] == (
        "This invoice (the same code and number, or the same fully digital invoice number) "
        "has been redeemed before."
    )
    assert Redemption.objects.count() == 2


def test_a_contract_number_belongs_to_its_institution(parties):
    voucher = _voucher(parties)
    shanghai = _order(parties, voucher)
    zhejiang_user = build.institution_user("ZJ")
    parties.zhejiang = zhejiang_user
    zhejiang = _order(parties, voucher, institution=zhejiang_user)
    _confirmed(parties, shanghai, invoice_number="24312000000000000001")
    _confirmed(parties, zhejiang, "zhejiang", invoice_number="24332000000000000001")
    assert _request(parties, shanghai).status_code == 201
    assert _request(parties, zhejiang, "zhejiang").status_code == 201

    redemptions.redemption_approve(actor=parties.reviewer,
                                   redemption=Redemption.objects.get(order=shanghai),
                                   now=timezone.now())
    again = _order(parties, voucher, contract="HT2024-001")
    _confirmed(parties, again, invoice_number="24312000000000000002")
    refused = _request(parties, again)
    assert (refused.status_code, refused.json()["code"], refused.json()["detail"]) == (
        409, "contract_already_redeemed", "本机构的该合同已申请过兑付，同一合同只能兑付一次"
    )
    assert not Redemption.objects.filter(order=again).exists()


def test_under_general_use_the_order_says_the_enterprise_paid_the_whole_fee(parties):
    general = open_program(parties.reviewer, name="通用",
                           payee_mode=Program.PayeeMode.ENTERPRISE)
    placed = parties.client("enterprise").post(
        reverse("api:order-place"),
        {"voucher_id": _voucher(parties, general).pk,
         "institution_id": parties.institution.organisation_id, "category": "testing",
         "contract_number": "HT-2024-001", "total_fee_fen": 10_000_00},
        format="json",
    )
    assert placed.status_code == 201, placed.json()
    order = placed.json()
    assert (order["payee_mode"], order["payee_id"], order["voucher_fen"],
            order["enterprise_share_fen"], order["enterprise_paid_fen"]) == (
        "enterprise", parties.enterprise.organisation_id, 5_000_00, 5_000_00, 10_000_00
    )
    exchange = parties.client("enterprise").get(
        reverse("api:order-detail",
                args=[_order(parties, _voucher(parties), contract="HT-2024-002").pk])
    ).json()
    assert (exchange["payee_mode"], exchange["enterprise_paid_fen"]) == ("institution", 500_00)


def test_batches_created_through_the_api_are_numbered_consecutively(parties):
    voucher = _voucher(parties)
    for institution in (parties.institution, parties.other_institution):
        order = _order(parties, voucher, institution=institution)
        build.delivered_and_confirmed(order, institution, parties.enterprise,
                                      invoice_code="3100231130", invoice=f"{order.pk:08d}")
        redemptions.redemption_approve(
            actor=parties.reviewer, redemption=build.request_redemption(order, institution),
            now=timezone.now(),
        )
    finance = parties.client("finance")
    year = timezone.localdate().year
    created = [
        finance.post(reverse("api:batch-create"), {"payee_id": user.organisation_id},
                     format="json").json()
        for user in (parties.institution, parties.other_institution)
    ]
    assert [(b["number"], b["year"], b["sequence"]) for b in created] == [
        (f"JS-PAY-{year}-000001", year, 1), (f"JS-PAY-{year}-000002", year, 2)
    ]
    rows = finance.get(reverse("api:batch-export", args=[created[0]["id"]])).json()["rows"]
    order_pk = PaymentBatch.objects.get(sequence=1).redemptions.get().order_id
    assert (rows[0]["invoice_code"], rows[0]["invoice_number"]) == (
        "3100231130", f"{order_pk:08d}"
    )
