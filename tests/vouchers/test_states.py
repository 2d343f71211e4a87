"""Every pair of states: the table's transitions pass, every other one names both states."""

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

TABLES = [
    (states.APPLICATION_TRANSITIONS, Application.State),
    (states.VOUCHER_TRANSITIONS, Voucher.State),
    (states.ORDER_TRANSITIONS, ServiceOrder.State),
    (states.DELIVERY_TRANSITIONS, Delivery.State),
    (states.REDEMPTION_TRANSITIONS, Redemption.State),
    (states.BATCH_TRANSITIONS, PaymentBatch.State),
    (states.SPOT_CHECK_ITEM_TRANSITIONS, SpotCheckItem.State),
]
PAIRS = [
    pytest.param(table, choices, current, target, id=f"{choices.__qualname__}:{current}->{target}")
    for table, choices in TABLES
    for current in choices.values
    for target in choices.values
]


@pytest.mark.parametrize(("table", "choices"), TABLES)
def test_every_state_has_a_row(table, choices):
    assert set(table) == set(choices.values)
    assert all(targets <= set(choices.values) for targets in table.values())


@pytest.mark.parametrize(("table", "choices", "current", "target"), PAIRS)
def test_transition_is_allowed_exactly_when_the_table_says_so(table, choices, current, target):
    if target in table[current]:
        states.require_transition(table, choices, current, target)
        return
    with pytest.raises(IllegalTransition) as info:
        states.require_transition(table, choices, current, target)
    labels = {value: str(label) for value, label in choices.choices}
    assert (info.value.current, info.value.target) == (labels[current], labels[target])
    assert labels[current] in info.value.message
    assert labels[target] in info.value.message
