"""One invoice and one contract are redeemed once, by their real identity (service paths).

An invoice is its code + number (older VAT invoice) or its 20-digit number (数电票); a
contract number belongs to its institution.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.models import Delivery, Redemption, ServiceOrder
from vouchers.services import deliveries, redemptions


def order_for(world, voucher, institution=None, contract="HT-2024-001") -> ServiceOrder:
    return build.place_order(
        voucher, world.enterprise, (institution or world.institution).organisation,
        1_000_00, contract_number=contract,
    )


def redeem(world, order, *, code="", number="", institution=None) -> Redemption:
    institution = institution or world.institution
    build.delivered_and_confirmed(
        order, institution, world.enterprise, invoice_code=code, invoice=number
    )
    return build.request_redemption(order, institution)


def test_a_vat_invoice_is_logged_with_its_code_and_number(world, voucher):
    order = order_for(world, voucher)
    delivery = build.deliver(order, world.institution, invoice_code=" 3100 2311 30 ",
                             invoice="１２３４ ５６７８")
    assert (delivery.invoice_code, delivery.invoice_number, delivery.invoice_key) == (
        "3100231130", "12345678", "3100231130:12345678"
    )
    assert AuditEntry.objects.get(action="delivery_log").after["invoice"] == (
        "3100231130:12345678"
    )


def test_two_vat_invoices_with_one_number_and_two_codes_both_redeem(world, voucher):
    first = redeem(world, order_for(world, voucher, contract="HT-1"),
                   code="3100231130", number="12345678")
    second = redeem(world, order_for(world, voucher, contract="HT-2"),
                    code="310023113012", number="12345678")
    rows = [(r.invoice_code, r.invoice_number, r.invoice_key, r.state) for r in (first, second)]
    assert rows == [
        ("3100231130", "12345678", "3100231130:12345678", Redemption.State.REQUESTED),
        ("310023113012", "12345678", "310023113012:12345678", Redemption.State.REQUESTED),
    ]


@pytest.mark.parametrize(
    ("code", "number"),
    [
        ("3100231130", "12345678"),
        ("3100 2311 30", "1234 5678"),
        ("３１００２３１１３０", "１２３４５６７８"),
        ("3100-231130", "1234-5678\u200b"),
    ],
)
def test_the_same_vat_invoice_typed_again_redeems_once(world, voucher, refused, code, number):
    redeem(world, order_for(world, voucher, contract="HT-1"), code="3100231130",
           number="12345678")
    again = order_for(world, voucher, contract="HT-2")
    build.delivered_and_confirmed(again, world.institution, world.enterprise,
                                  invoice_code=code, invoice=number)
    with refused("invoice_already_redeemed", again) as info:
        build.request_redemption(again, world.institution)
    assert info.value.message == "该发票已申请过兑付，同一发票只能兑付一次"


def test_a_digital_invoice_redeems_once_whatever_the_spacing(world, voucher, refused):
    redeem(world, order_for(world, voucher, contract="HT-1"), number="24312000000012345678")
    again = order_for(world, voucher, contract="HT-2")
    build.delivered_and_confirmed(again, world.institution, world.enterprise,
                                  invoice=" 2431 2000 0000 1234 5678")
    with refused("invoice_already_redeemed", again):
        build.request_redemption(again, world.institution)


@pytest.mark.parametrize(
    ("code", "number", "error_code", "message"),
    [
        ("", "FP-0001", "invoice_number_not_digits", "发票号码只能由数字组成"),
        ("", "12345678", "invoice_code_required", "8位发票号码须同时填写10位或12位发票代码"),
        ("310023113", "12345678", "invoice_code_length",
         "发票代码应为10位或12位数字，当前为9位"),
        ("3100231130", "24312000000012345678", "invoice_code_not_expected",
         "20位号码是数电票，数电票没有发票代码，请清空发票代码"),
        ("", "243120000000123456", "invoice_number_length",
         "发票号码应为20位（数电票）或8位（需同时填写10位或12位发票代码），当前为18位"),
    ],
)
def test_logging_a_delivery_with_another_shape_is_refused_and_changes_nothing(
    world, voucher, refused, code, number, error_code, message
):
    order = order_for(world, voucher)
    with refused(error_code, order) as info:
        deliveries.delivery_log(
            actor=world.institution, order=order, delivered_on=date(2024, 2, 28),
            description="检测报告一份", invoice_code=code, invoice_number=number,
            report_number="BG-1", now=NOW,
        )
    assert str(info.value.message) == message
    assert order.deliveries.count() == 0


def test_two_institutions_may_each_redeem_their_own_contract_with_one_number(world, voucher):
    zhejiang = build.institution_user("ZJ")
    shanghai_claim = redeem(world, order_for(world, voucher), number="24312000000000000001")
    zhejiang_claim = redeem(world, order_for(world, voucher, institution=zhejiang),
                            number="24332000000000000001", institution=zhejiang)
    assert [(r.institution_id, r.contract_key, r.state) for r in (shanghai_claim,
                                                                  zhejiang_claim)] == [
        (world.institution.organisation_id, "HT2024001", Redemption.State.REQUESTED),
        (zhejiang.organisation_id, "HT2024001", Redemption.State.REQUESTED),
    ]


def test_the_same_institutions_contract_redeems_once(world, voucher, refused):
    first = redeem(world, order_for(world, voucher), number="24312000000000000001")
    redemptions.redemption_approve(actor=world.reviewer, redemption=first, now=NOW)
    # The first order is closed (redeemed), so the number may be ordered again: typed otherwise.
    again = order_for(world, voucher, contract="ht 2024 001")
    build.delivered_and_confirmed(again, world.institution, world.enterprise,
                                  invoice="24312000000000000002")
    with refused("contract_already_redeemed", again) as info:
        build.request_redemption(again, world.institution)
    assert info.value.message == "本机构的该合同已申请过兑付，同一合同只能兑付一次"


def test_the_database_keeps_an_invoice_and_an_institutions_contract_unique(world, voucher):
    """The partial unique indexes hold even if the service's checks were bypassed."""
    claim = redeem(world, order_for(world, voucher), code="3100231130", number="12345678")
    zhejiang = build.institution_user("ZJ")
    other = order_for(world, voucher, institution=zhejiang)
    delivery = build.deliver(other, zhejiang, invoice="24332000000000000009")

    def copy(**fields):
        values = {
            "order": other, "delivery": delivery, "program": claim.program,
            "payee": zhejiang.organisation, "institution": claim.institution,
            "invoice_code": "", "invoice_number": "24332000000000000009",
            "invoice_key": "24332000000000000009", "contract_key": "HT2024001",
            "requested_fen": 100, "state": Redemption.State.REQUESTED,
            "requested_by": zhejiang, "requested_at": NOW, **fields,
        }
        with transaction.atomic():
            return Redemption.objects.create(**values)

    with pytest.raises(IntegrityError):
        copy(invoice_key="3100231130:12345678")  # same invoice
    with pytest.raises(IntegrityError):
        copy()  # same institution, same contract
    assert copy(institution=zhejiang.organisation).contract_key == "HT2024001"
    assert Redemption.objects.count() == 2


def test_a_delivery_logged_before_the_shapes_were_checked_still_redeems_once(
    world, voucher, refused
):
    """Old rows keep what was typed: no code, the folded old value as the key."""
    order = order_for(world, voucher)
    delivery = build.deliver(order, world.institution)
    Delivery.objects.filter(pk=delivery.pk).update(invoice_number="FP-0001", invoice_key="FP0001")
    deliveries.delivery_confirm(actor=world.enterprise, delivery=delivery, now=NOW)
    build.attach_evidence(order, world.institution)
    claim = build.request_redemption(order, world.institution)
    assert (claim.invoice_code, claim.invoice_number, claim.invoice_key) == (
        "", "FP-0001", "FP0001"
    )
    assert claim.invoice_kind_label == "旧记录（未校验格式）"
