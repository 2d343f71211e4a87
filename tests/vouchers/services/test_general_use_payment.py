"""Under 通用 (payee = enterprise) the enterprise pays the whole fee and is reimbursed the
voucher portion; under 通兑 it pays only its own share (service paths)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from vouchers.models import EvidenceKind, Program, ServiceOrder
from vouchers.models.reference import evidence_kind_choices, evidence_kind_label


@pytest.fixture
def general_use(world) -> Program:
    return build.make_program(name="通用", payee_mode=Program.PayeeMode.ENTERPRISE,
                              actor=world.reviewer)


def test_under_general_use_the_order_records_the_whole_fee_paid(world, general_use):
    voucher = build.issue_voucher(general_use, world.enterprise, reviewer=world.reviewer)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              12_345_67)
    assert (order.payee_id, order.total_fee_fen, order.voucher_fen, order.enterprise_share_fen,
            order.enterprise_paid_fen) == (
        world.enterprise.organisation_id, 12_345_67, 6_172_83, 6_172_84, 12_345_67
    )
    assert AuditEntry.objects.get(action="order_place").after["enterprise_paid_fen"] == 12_345_67


def test_under_exchange_the_enterprise_pays_its_own_share(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              12_345_67)
    assert (order.payee_id, order.voucher_fen, order.enterprise_paid_fen) == (
        world.institution.organisation_id, 6_172_83, 6_172_84
    )


def test_the_database_refuses_an_order_whose_payment_does_not_fit_its_payee(world, general_use):
    voucher = build.issue_voucher(general_use, world.enterprise, reviewer=world.reviewer)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              10_000_00)
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceOrder.objects.filter(pk=order.pk).update(enterprise_paid_fen=5_000_00)
    order.refresh_from_db()
    assert order.enterprise_paid_fen == 10_000_00


def test_the_payment_proof_asks_for_the_full_payment_under_general_use():
    assert evidence_kind_label("payment_proof", payee_mode="enterprise") == (
        "企业支付全部服务费用的凭证"
    )
    assert evidence_kind_label("payment_proof", payee_mode="institution") == (
        "企业自付部分付款凭证"
    )
    assert dict(evidence_kind_choices(payee_mode="enterprise")) == {
        "contract": "合同或委托单", "invoice": "发票",
        "payment_proof": "企业支付全部服务费用的凭证", "report": "服务报告或成果",
    }
    assert [kind for kind, _label in evidence_kind_choices(payee_mode="enterprise")] == (
        EvidenceKind.values
    )
