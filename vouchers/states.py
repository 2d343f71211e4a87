"""State machines of the voucher records: one TRANSITIONS table each.

Services move a record with `move_state`: the table's check (`require_transition`), then a
compare-and-set update; nothing else writes a state field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.states import require_transition
from vouchers.errors import ConcurrentUpdate
from vouchers.models import (
    Application,
    Delivery,
    OversightCase,
    PaymentBatch,
    Redemption,
    ServiceOrder,
    SpotCheckItem,
    Voucher,
)

__all__ = ["move_state", "require_transition"]

# The records with a state machine, each moved only by move_state.
StatefulRecord = (
    Application | Voucher | ServiceOrder | Delivery | Redemption | PaymentBatch | SpotCheckItem
    | OversightCase
)


def move_state(
    record: StatefulRecord,
    *,
    target: str,
    transitions: Mapping[str, frozenset[str]],
    **fields: Any,
) -> str:
    """Check the transition table, then compare-and-set; returns the previous state.

    `record` must have been read under its lock (or be fresh): its state is the expected one.
    """
    current = record.state
    model = type(record)
    require_transition(transitions, model.State, current, target, record=str(record))
    updated = model.objects.filter(pk=record.pk, state=current).update(state=target, **fields)
    if updated != 1:
        raise ConcurrentUpdate("该记录已被他人处理，请刷新后查看", extra={"record": str(record)})
    record.state = target
    for name, value in fields.items():
        setattr(record, name, value)
    return current


_A = Application.State
# A returned application goes back to SUBMITTED when the enterprise resubmits it corrected.
APPLICATION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _A.SUBMITTED: frozenset({_A.APPROVED, _A.REJECTED, _A.RETURNED}),
    _A.RETURNED: frozenset({_A.SUBMITTED}),
    _A.APPROVED: frozenset(),
    _A.REJECTED: frozenset(),
}

_V = Voucher.State
# A voucher expires at its use-by date or is revoked as a sanction; either way for good.
VOUCHER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _V.ACTIVE: frozenset({_V.EXPIRED, _V.REVOKED}),
    _V.EXPIRED: frozenset({_V.REVOKED}),
    _V.REVOKED: frozenset(),
}

_O = ServiceOrder.State
# A disputed delivery sends the order back to PLACED: the institution may deliver again.
# Sanctions: a blacklisting suspends an open order until the authority lifts the suspension
# (back to the state it came from: ORDER_SUSPENSION_LIFTS) or voids it; a revoked voucher
# voids its delivered orders, and a withdrawn approval its (redeemed) order. VOIDED keeps
# deliveries and evidence.
ORDER_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _O.PLACED: frozenset({_O.DELIVERED, _O.CANCELLED, _O.LAPSED, _O.SUSPENDED, _O.VOIDED}),
    _O.DELIVERED: frozenset(
        {_O.PLACED, _O.REDEEMED, _O.REFUSED, _O.LAPSED, _O.SUSPENDED, _O.VOIDED}
    ),
    # Back to delivered: the approved claim was withdrawn back to the order's hold.
    _O.REDEEMED: frozenset({_O.DELIVERED, _O.VOIDED}),
    _O.REFUSED: frozenset(),
    _O.CANCELLED: frozenset(),
    _O.LAPSED: frozenset(),
    _O.SUSPENDED: frozenset({_O.VOIDED}),
    _O.VOIDED: frozenset(),
}
# Lifting a suspension is the authority's alone: its edges are kept out of ORDER_TRANSITIONS so
# that no ordinary service (a delivery, a dispute) can move a suspended order.
ORDER_SUSPENSION_LIFTS: Mapping[str, frozenset[str]] = {
    _O.SUSPENDED: frozenset({_O.PLACED, _O.DELIVERED}),
}

_D = Delivery.State
DELIVERY_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _D.LOGGED: frozenset({_D.CONFIRMED, _D.DISPUTED}),
    _D.CONFIRMED: frozenset(),
    _D.DISPUTED: frozenset(),
}

_R = Redemption.State
# Sanctions: a blacklisting suspends a requested or approved claim; lifting it returns to
# the state it came from (`suspended_from`, REDEMPTION_SUSPENSION_LIFTS), rejecting it voids
# a requested claim or withdraws an approved one. A revoked voucher voids or withdraws
# directly; an approved claim may also be withdrawn on its own before payment. Paid money is
# only ever clawed back.
REDEMPTION_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _R.REQUESTED: frozenset({_R.APPROVED, _R.REJECTED, _R.SUSPENDED, _R.VOIDED}),
    _R.APPROVED: frozenset({_R.PAID, _R.SUSPENDED, _R.WITHDRAWN}),
    _R.REJECTED: frozenset(),
    _R.PAID: frozenset({_R.CLAWED_BACK}),
    _R.CLAWED_BACK: frozenset(),
    _R.SUSPENDED: frozenset({_R.VOIDED, _R.WITHDRAWN}),
    _R.VOIDED: frozenset(),
    _R.WITHDRAWN: frozenset(),
}
# As for orders: only the authority's lift returns a suspended claim (never an approval).
REDEMPTION_SUSPENSION_LIFTS: Mapping[str, frozenset[str]] = {
    _R.SUSPENDED: frozenset({_R.REQUESTED, _R.APPROVED}),
}

# Redemptions whose money is the payee's: approved, and every state after it. Paid: handed over.
REDEEMED_STATES = (_R.APPROVED, _R.PAID, _R.CLAWED_BACK)
PAID_STATES = (_R.PAID, _R.CLAWED_BACK)

_B = PaymentBatch.State
BATCH_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _B.OPEN: frozenset({_B.PAID, _B.CANCELLED}),
    _B.PAID: frozenset(),
    _B.CANCELLED: frozenset(),
}

_S = SpotCheckItem.State
SPOT_CHECK_ITEM_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _S.PENDING: frozenset({_S.PASSED, _S.FAILED}),
    _S.PASSED: frozenset(),
    _S.FAILED: frozenset(),
}

_C = OversightCase.State
# A failed spot check opens a case; it is closed once, with an outcome and a reason.
OVERSIGHT_CASE_TRANSITIONS: Mapping[str, frozenset[str]] = {
    _C.OPEN: frozenset({_C.CLOSED}),
    _C.CLOSED: frozenset(),
}
