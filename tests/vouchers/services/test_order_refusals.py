"""Order placement pinned: the hold it writes, and the refusals no other test reaches."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.errors import InsufficientBalance
from vouchers.ledger.models import Account, Transfer
from vouchers.models import InstitutionService, ServiceOrder
from vouchers.services import orders


def place(world, voucher, *, fee=10_000_00, contract="HT-2024-001", institution=None):
    return orders.order_place(
        actor=world.enterprise,
        voucher=voucher,
        institution=institution or world.institution.organisation,
        category=build.category("testing"),
        contract_number=contract,
        total_fee_fen=fee,
        now=NOW,
    )


def test_the_hold_names_the_order_its_actor_and_its_contract(world, voucher, ledger_clean):
    order = place(world, voucher, contract="  HT-2024-001 ")

    hold = Transfer.objects.get(idempotency_key=f"order-hold:{order.pk}")
    assert (hold.phase, hold.amount_fen, hold.debit_account_id, hold.credit_account_id) == (
        "pending", 5_000_00, voucher.account_id, order.payable_account_id,
    )
    assert (hold.business_type, hold.business_id, hold.memo) == (
        "service_order", str(order.pk), "订单HT-2024-001创新券预留",
    )
    assert (hold.actor, hold.created_at, hold.timeout_at) == (world.enterprise, NOW, None)
    assert (order.contract_number, order.contract_key) == ("HT-2024-001", "HT2024001")
    assert (order.placed_by, order.placed_at, order.fee_justification) == (
        world.enterprise, NOW, "",
    )


def test_the_audit_line_of_a_placement(world, voucher):
    order = place(world, voucher)
    line = AuditEntry.objects.get(action="order_place")
    assert (line.actor, line.object_type, line.object_id, line.region) == (
        world.enterprise, "vouchers.serviceorder", str(order.pk), world.program.region,
    )
    assert (line.amount_fen, line.reason) == (5_000_00, "")
    assert line.after == {
        "state": "placed", "total_fee_fen": 10_000_00, "ratio_bp": 5000,
        "enterprise_paid_fen": 5_000_00,
    }


@pytest.mark.parametrize("fee", [0, -1])
def test_a_fee_of_nothing_is_refused(world, voucher, refused, fee):
    with refused("amount_not_positive", voucher) as info:
        place(world, voucher, fee=fee)
    assert info.value.extra["field"] == "total_fee_fen"


@pytest.mark.parametrize("contract", ["", "   "])
def test_a_blank_contract_number_is_refused(world, voucher, refused, contract):
    with refused("invalid", voucher) as info:
        place(world, voucher, contract=contract)
    assert info.value.message == "请填写合同编号"
    assert info.value.extra == {"field": "contract_number"}


def test_a_service_removed_from_the_catalogue_is_not_offered(world, voucher, refused):
    institution = world.institution.organisation
    InstitutionService.objects.filter(institution=institution).update(is_active=False)
    with refused("service_not_offered", voucher) as info:
        place(world, voucher)
    assert info.value.message == f"{institution.name}未登记提供「检验检测」服务"


def test_a_balance_spent_under_the_hold_is_refused_as_exhausted(
    world, voucher, refused, monkeypatch
):
    def spent_meanwhile(**_kwargs):
        raise InsufficientBalance(
            account_id=1, available_fen=0, requested_fen=5_000_00, idempotency_key="order-hold:1"
        )

    monkeypatch.setattr(orders, "ledger_post", spent_meanwhile)
    with refused("voucher_exhausted", voucher) as info:
        place(world, voucher)
    assert info.value.message == "创新券可用余额不足"
    assert isinstance(info.value.__cause__, InsufficientBalance)
    assert ServiceOrder.objects.count() == 0


def test_a_contract_closed_elsewhere_may_be_ordered_again(world, voucher):
    first = place(world, voucher)
    orders.order_cancel(actor=world.enterprise, order=first, reason="改签", now=NOW)
    again = place(world, voucher, contract="ht 2024-001")
    assert again.contract_key == first.contract_key == "HT2024001"
    assert Account.objects.get(pk=voucher.account_id).debits_pending_fen == 5_000_00


def test_a_large_fee_without_a_justification_is_refused_naming_the_threshold(
    world, voucher, refused, settings
):
    settings.LARGE_FEE_THRESHOLD_FEN = 5_000_00
    with refused("fee_justification_required", voucher) as info:
        place(world, voucher, fee=5_000_01)
    assert str(info.value.message) == (
        "服务费超过5,000.00元，须填写大额服务费说明（如合同标的和报价依据）"
    )
    assert info.value.extra == {"field": "fee_justification", "threshold_fen": 5_000_00}


def test_an_institution_of_the_same_legal_entity_is_refused_saying_so(world, voucher, refused):
    from stdnum.cn import uscc

    stem = "12310101" + world.enterprise.organisation.credit_code[8:17]
    branch = build.institution_user("SH", credit_code=stem + uscc.calc_check_digit(stem))
    with refused("same_legal_entity", voucher) as info:
        place(world, voucher, institution=branch.organisation)
    assert info.value.message == "企业与服务机构属于同一法人，不能使用创新券"
