"""Every pair of states, against the life cycle written out here by hand (docs/lifecycle.md).

The expectations do not come from `vouchers.states`: a transition added to or dropped from a
table by mistake fails here. Each refusal names both states in the user's words.
"""

from __future__ import annotations

import pytest

from accounts.errors import IllegalTransition
from vouchers import states
from vouchers.models import (
    Application,
    Delivery,
    PaymentBatch,
    Redemption,
    ServiceOrder,
    SpotCheckItem,
    Voucher,
)

# (table, state choices, {state: its label}, the moves the life cycle allows)
LIFE_CYCLE = {
    "application": (
        states.APPLICATION_TRANSITIONS,
        Application.State,
        {"submitted": "待审核", "approved": "已批准", "rejected": "已驳回",
         "returned": "退回修改"},
        {("submitted", "approved"), ("submitted", "rejected"), ("submitted", "returned"),
         ("returned", "submitted")},
    ),
    "voucher": (
        states.VOUCHER_TRANSITIONS,
        Voucher.State,
        {"active": "有效", "expired": "已过期", "revoked": "已作废"},
        {("active", "expired"), ("active", "revoked"), ("expired", "revoked")},
    ),
    "order": (
        states.ORDER_TRANSITIONS,
        ServiceOrder.State,
        {
            "placed": "已下单",
            "delivered": "已交付",
            "redeemed": "已兑付",
            "refused": "兑付被驳回",
            "cancelled": "已取消",
            "lapsed": "逾期未兑付",
            "suspended": "暂停",
            "voided": "作废终止",
        },
        {
            ("placed", "delivered"),
            ("placed", "cancelled"),
            ("placed", "lapsed"),
            ("delivered", "placed"),  # a disputed delivery: the institution delivers again
            ("delivered", "redeemed"),
            ("delivered", "refused"),
            ("delivered", "lapsed"),
            # Sanctions: a blacklisting suspends, the authority voids (or lifts: a table of
            # its own, tests/vouchers/services/test_sanctions.py); a revoked
            # voucher voids a delivered order, a withdrawn approval its redeemed order.
            ("placed", "suspended"),
            ("placed", "voided"),
            ("delivered", "suspended"),
            ("delivered", "voided"),
            ("redeemed", "voided"),
            ("suspended", "voided"),
            # An approval withdrawn back to the hold: the order is delivered again.
            ("redeemed", "delivered"),
        },
    ),
    "delivery": (
        states.DELIVERY_TRANSITIONS,
        Delivery.State,
        {"logged": "待企业确认", "confirmed": "企业已确认", "disputed": "企业有异议"},
        {("logged", "confirmed"), ("logged", "disputed")},
    ),
    "redemption": (
        states.REDEMPTION_TRANSITIONS,
        Redemption.State,
        {
            "requested": "待审核",
            "approved": "已批准",
            "rejected": "已驳回",
            "paid": "已支付",
            "clawed_back": "已追回",
            "suspended": "暂停",
            "voided": "已作废",
            "withdrawn": "已撤回",
        },
        {
            ("requested", "approved"),
            ("requested", "rejected"),
            ("approved", "paid"),
            ("paid", "clawed_back"),
            ("requested", "suspended"),
            ("requested", "voided"),
            ("approved", "suspended"),
            ("approved", "withdrawn"),
            ("suspended", "voided"),
            ("suspended", "withdrawn"),
        },
    ),
    "batch": (
        states.BATCH_TRANSITIONS,
        PaymentBatch.State,
        {"open": "待支付", "paid": "已支付", "cancelled": "已撤销"},
        {("open", "paid"), ("open", "cancelled")},
    ),
    "spot_check_item": (
        states.SPOT_CHECK_ITEM_TRANSITIONS,
        SpotCheckItem.State,
        {"pending": "待核查", "passed": "核查通过", "failed": "发现问题"},
        {("pending", "passed"), ("pending", "failed")},
    ),
}
PAIRS = [
    pytest.param(record, current, target, id=f"{record}:{current}->{target}")
    for record, (_, _, labels, _) in LIFE_CYCLE.items()
    for current in labels
    for target in labels
]


@pytest.mark.parametrize("record", LIFE_CYCLE)
def test_the_states_are_the_life_cycles(record):
    table, choices, labels, _ = LIFE_CYCLE[record]

    assert {value: str(label) for value, label in choices.choices} == labels
    assert set(table) == set(labels)


@pytest.mark.parametrize(("record", "current", "target"), PAIRS)
def test_a_move_is_allowed_exactly_when_the_life_cycle_allows_it(record, current, target):
    table, choices, labels, allowed = LIFE_CYCLE[record]
    if (current, target) in allowed:
        states.require_transition(table, choices, current, target)
        return

    with pytest.raises(IllegalTransition) as info:
        states.require_transition(table, choices, current, target)

    assert (info.value.current, info.value.target) == (labels[current], labels[target])
    assert info.value.message == f"不能从「{labels[current]}」变为「{labels[target]}」"
    assert info.value.code == "illegal_transition"
