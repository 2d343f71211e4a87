"""Sanctions that stop everything: suspended, voided and withdrawn claims and orders.

A revoked voucher (vouchers.voucher_revoke) and a blacklisting (oversight.organisation_blacklist)
call the building blocks here inside their own transaction; the authority's decisions on what a
blacklisting suspended, and the withdrawal of an approved claim before payment, are the public
services. Money only moves through the ledger: a hold is voided, an approved (posted) amount is
reversed by a compensating entry from the payee's payable account back to the voucher, and from
there, when the decision says so or the voucher is no longer active, on to the program budget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import InvalidInput
from accounts.models import Organisation, User
from accounts.permissions import require_region
from accounts.transactions import service_transaction
from vouchers.errors import Blacklisted, Refused, refuse
from vouchers.ledger.errors import InsufficientBalance
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_batches, lock_orders, lock_redemptions, lock_vouchers
from vouchers.models import Blacklisting, PaymentBatch, Redemption, ServiceOrder, Voucher
from vouchers.movements import (
    hold_spec,
    release_hold,
    return_key,
    return_to_budget,
    void_key,
    withdraw_key,
    withdraw_spec,
)
from vouchers.states import (
    BATCH_TRANSITIONS,
    ORDER_SUSPENSION_LIFTS,
    ORDER_TRANSITIONS,
    REDEMPTION_SUSPENSION_LIFTS,
    REDEMPTION_TRANSITIONS,
    move_state,
)

_O = ServiceOrder.State
_R = Redemption.State
Destination = Redemption.Destination

# Claims still open: their money is held (requested) or payable (approved) but not paid.
OPEN_CLAIM_STATES = (_R.REQUESTED, _R.APPROVED, _R.SUSPENDED)
# Orders whose hold is still the voucher's money, waiting for a claim.
OPEN_ORDER_STATES = (_O.PLACED, _O.DELIVERED, _O.SUSPENDED)


def reason_required(reason: str, message: str | Promise) -> str:
    if not reason.strip():
        raise InvalidInput(message, extra={"field": "reason"})
    return reason.strip()


def destination_of(
    destination: str, allowed: Iterable[str] = Redemption.ENDING_DESTINATIONS
) -> str:
    if destination not in allowed:
        raise InvalidInput(_("请选择款项去向"), code="invalid_destination",
                           extra={"field": "destination"})
    return destination


@dataclass
class Locked:
    """The rows a sanction moves, locked in the project's order (vouchers.locks)."""

    vouchers: dict[int, Voucher]
    orders: dict[int, ServiceOrder]
    redemptions: list[Redemption]
    batches: dict[int, PaymentBatch] = field(default_factory=dict)


def lock_sanctioned(*, orders: Iterable[int], redemptions: Iterable[int]) -> Locked:
    """Lock vouchers → orders → redemptions → open batches, each kind by ascending pk."""
    redemption_pks = set(redemptions)
    order_pks = set(orders) | set(
        Redemption.objects.filter(pk__in=redemption_pks).values_list("order_id", flat=True)
    )
    voucher_pks = ServiceOrder.objects.filter(pk__in=order_pks).values_list("voucher_id", flat=True)
    vouchers = {voucher.pk: voucher for voucher in lock_vouchers(voucher_pks)}
    locked_orders = {order.pk: order for order in lock_orders(order_pks)}
    for order in locked_orders.values():
        order.voucher = vouchers[order.voucher_id]
    locked_redemptions = lock_redemptions(redemption_pks)
    batch_pks = [r.batch_id for r in locked_redemptions if r.batch_id is not None]
    batches = {batch.pk: batch for batch in lock_batches(batch_pks)}
    return Locked(vouchers, locked_orders, locked_redemptions, batches)


def _to_budget(
    *, voucher: Voucher, amount_fen: int, key: str, destination: str, now: datetime,
    actor: User | None,
) -> None:
    """Money back on the voucher goes on to the budget if asked (release_hold and the
    withdrawal already send it there once the voucher is no longer active)."""
    if destination == Destination.BUDGET and voucher.state == Voucher.State.ACTIVE:
        return_to_budget(voucher=voucher, amount_fen=amount_fen, key=return_key(key), now=now,
                         actor=actor)


def order_void(
    *, actor: User | None, order: ServiceOrder, reason: str, destination: str, now: datetime,
    before_claim: str = "",
) -> None:
    """Building block: a placed, delivered or suspended order ends (作废终止); its hold is
    voided. Deliveries and evidence stay. `order.voucher` must be the locked voucher."""
    before = move_state(order, target=_O.VOIDED, transitions=ORDER_TRANSITIONS, closed_at=now,
                        reason=reason, suspended_from="")
    key = void_key(order)
    release_hold(order=order, key=key, now=now, actor=actor, memo="制裁止付，释放预留")
    _to_budget(voucher=order.voucher, amount_fen=order.voucher_fen, key=key,
               destination=destination, now=now, actor=actor)
    audit_record(
        actor=actor, action="order_void", target=order, region=order.voucher.program.region,
        now=now, before={"state": before, **({"claim_state": before_claim} if before_claim
                                              else {})},
        after={"state": order.state, "destination": destination}, reason=reason,
        amount_fen=order.voucher_fen,
    )


def redemption_void(
    *, actor: User | None, order: ServiceOrder, redemption: Redemption, reason: str,
    destination: str, now: datetime,
) -> None:
    """Building block: a requested (or suspended requested) claim is voided with its order."""
    before = move_state(
        redemption, target=_R.VOIDED, transitions=REDEMPTION_TRANSITIONS, stopped_by=actor,
        stopped_at=now, stopped_reason=reason, returned_to=destination, suspended_from="",
    )
    _audit_claim(actor, redemption, before, action="redemption_voided", reason=reason, now=now,
                 amount_fen=redemption.requested_fen)
    order_void(actor=actor, order=order, reason=reason, destination=destination, now=now,
               before_claim=before)


def redemption_withdraw_locked(
    *, actor: User | None, order: ServiceOrder, redemption: Redemption, reason: str,
    destination: str, batches: dict[int, PaymentBatch], now: datetime,
) -> None:
    """Building block: an approved (or suspended approved) claim is withdrawn before payment.

    The posted amount comes back from the payee's payable account to the voucher by a
    compensating entry; the order ends (作废终止), or, with `destination` hold, is delivered
    again under a new hold of its voucher portion, to be claimed anew (the withdrawn claim
    frees its invoice and contract). The claim leaves its open batch.
    """
    amount_fen = redemption.approved_fen
    if amount_fen is None:  # unreachable: an approved claim has its approved amount
        raise ValueError(f"redemption {redemption.pk} has no approved amount")
    batch = batches.get(redemption.batch_id) if redemption.batch_id else None
    before = move_state(
        redemption, target=_R.WITHDRAWN, transitions=REDEMPTION_TRANSITIONS, stopped_by=actor,
        stopped_at=now, stopped_reason=reason, returned_to=destination, suspended_from="",
        batch=None,
    )
    if batch is not None:
        leave_batch(batch=batch, amount_fen=amount_fen, actor=actor, now=now)
    voucher = order.voucher
    ledger_post(transfers=[withdraw_spec(redemption, voucher)], now=now, actor=actor)
    if destination == Destination.HOLD:
        order_before = _hold_again(order, actor=actor, now=now)
    else:
        order_before = move_state(order, target=_O.VOIDED, transitions=ORDER_TRANSITIONS,
                                  closed_at=now, reason=reason, redeemed_fen=None)
        key = withdraw_key(redemption)
        if voucher.state != Voucher.State.ACTIVE:
            return_to_budget(voucher=voucher, amount_fen=amount_fen, key=return_key(key),
                             now=now, actor=actor)
        else:
            _to_budget(voucher=voucher, amount_fen=amount_fen, key=key, destination=destination,
                       now=now, actor=actor)
    _audit_claim(actor, redemption, before, action="redemption_withdrawn", reason=reason, now=now,
                 amount_fen=amount_fen, batch=batch, order_state=order_before,
                 order_after=order.state)


def _hold_again(order: ServiceOrder, *, actor: User | None, now: datetime) -> str:
    """The withdrawn claim's order is delivered again, its voucher portion held anew under the
    next round's key. Refused if the voucher cannot hold it: no longer active, or what an
    approval below the requested amount released has been spent since."""
    voucher = order.voucher
    if voucher.state != Voucher.State.ACTIVE:
        refuse("voucher_not_active",
               format_lazy(_("创新券{state}，款项不能退回订单预留，请选择退回项目预算"),
                           state=voucher.get_state_display()),
               field="destination")
    before = move_state(order, target=_O.DELIVERED, transitions=ORDER_TRANSITIONS,
                        redeemed_fen=None, closed_at=None, hold_round=order.hold_round + 1)
    try:
        ledger_post(transfers=[hold_spec(order, voucher)], now=now, actor=actor)
    except InsufficientBalance as error:
        raise Refused(_("创新券可用余额不足以重新预留该订单，请选择退回创新券或项目预算"),
                      code="voucher_exhausted", extra={"field": "destination"}) from error
    return before


def leave_batch(
    *, batch: PaymentBatch, amount_fen: int, actor: User | None, now: datetime
) -> None:
    """A stopped claim leaves its open (locked) batch: the total follows; an emptied batch is
    cancelled, so that no batch is ever paid for a claim it no longer holds."""
    if batch.state != PaymentBatch.State.OPEN:
        return
    if batch.redemptions.exists():
        batch.total_fen -= amount_fen
        PaymentBatch.objects.filter(pk=batch.pk).update(total_fen=batch.total_fen)
        return
    before = move_state(batch, target=PaymentBatch.State.CANCELLED,
                        transitions=BATCH_TRANSITIONS, reason="批次内兑付均已止付")
    audit_record(actor=actor, action="payment_batch_cancel", target=batch, region=batch.region,
                 now=now, before={"state": before}, after={"state": batch.state},
                 reason="批次内兑付均已止付", amount_fen=batch.total_fen)


def _audit_claim(
    actor: User | None, redemption: Redemption, before: str, *, action: str, reason: str,
    now: datetime, amount_fen: int, batch: PaymentBatch | None = None, order_state: str = "",
    order_after: str = "",
) -> None:
    after: dict[str, object] = {"state": redemption.state}
    if order_after:
        after["order_state"] = order_after
    if redemption.returned_to:
        after["destination"] = redemption.returned_to
    if batch is not None:
        after["left_batch"] = batch.number
    audit_record(
        actor=actor, action=action, target=redemption, region=redemption.program.region,
        now=now, before={"state": before, **({"order_state": order_state} if order_state
                                              else {})},
        after=after, reason=reason, amount_fen=amount_fen,
    )


# Blacklisting: what is already in the pipeline stops until the issuing authority decides.


def suspend_for_blacklisting(
    *, actor: User, organisation: Organisation, reason: str, now: datetime
) -> tuple[int, int]:
    """Building block of organisation_blacklist: suspend the open claims of which the
    organisation is the payee or the ordering enterprise, and its open orders without a
    claim; approved claims leave their open batch. Returns (claims, orders) suspended."""
    claims = Redemption.objects.filter(state__in=(_R.REQUESTED, _R.APPROVED)).filter(
        Q(payee=organisation) | Q(order__enterprise=organisation)
    )
    orders = ServiceOrder.objects.filter(state__in=(_O.PLACED, _O.DELIVERED)).filter(
        Q(enterprise=organisation) | Q(institution=organisation) | Q(payee=organisation)
    ).exclude(redemptions__state__in=OPEN_CLAIM_STATES)
    locked = lock_sanctioned(orders=orders.values_list("pk", flat=True),
                             redemptions=claims.values_list("pk", flat=True))
    note = f"{organisation.name}被列入黑名单：{reason}"
    suspended_claims = 0
    for redemption in locked.redemptions:
        if redemption.state not in (_R.REQUESTED, _R.APPROVED):
            continue  # decided meanwhile
        batch = locked.batches.get(redemption.batch_id) if redemption.batch_id else None
        before = move_state(redemption, target=_R.SUSPENDED, transitions=REDEMPTION_TRANSITIONS,
                            suspended_from=redemption.state, stopped_reason=note, batch=None)
        if batch is not None and redemption.approved_fen is not None:
            leave_batch(batch=batch, amount_fen=redemption.approved_fen, actor=actor, now=now)
        _audit_claim(actor, redemption, before, action="redemption_suspended", reason=note, now=now,
                     amount_fen=redemption.approved_fen or redemption.requested_fen, batch=batch)
        suspended_claims += 1
    claimed = {r.order_id for r in locked.redemptions}
    suspended_orders = 0
    for order in locked.orders.values():
        if order.pk in claimed or order.state not in (_O.PLACED, _O.DELIVERED):
            continue
        before = move_state(order, target=_O.SUSPENDED, transitions=ORDER_TRANSITIONS,
                            suspended_from=order.state)
        audit_record(actor=actor, action="order_suspend", target=order,
                     region=order.voucher.program.region, now=now, before={"state": before},
                     after={"state": order.state}, reason=note, amount_fen=order.voucher_fen)
        suspended_orders += 1
    return suspended_claims, suspended_orders


# The authority's decisions.


def _require_decider(actor: User, program_region_id: int, *, now: datetime) -> None:
    require_action(actor, "redemption.review", now=now)
    require_region(actor, program_region_id)


def _require_suspended(record: Redemption | ServiceOrder) -> None:
    if record.state != type(record).State.SUSPENDED:
        refuse("not_suspended", format_lazy(_("{record}未处于暂停状态，无需处理"), record=record))


@service_transaction
def redemption_suspension_lift(
    *, actor: User, redemption: Redemption, now: datetime
) -> Redemption:
    """The issuing reviewer lets a suspended claim go on from where it was.

    Refused while its payee is blacklisted (approval and payment would refuse it anyway).
    """
    _require_decider(actor, redemption.program.region_id, now=now)
    locked = lock_sanctioned(orders=[], redemptions=[redemption.pk])
    (redemption,) = locked.redemptions
    _require_suspended(redemption)
    if Blacklisting.objects.filter(organisation_id=redemption.payee_id).exists():
        raise Blacklisted(_("收款方已被列入黑名单，不能恢复该兑付，请作出驳回决定"),
                          extra={"organisation": redemption.payee_id})
    target = redemption.suspended_from
    before = move_state(redemption, target=target, transitions=REDEMPTION_SUSPENSION_LIFTS,
                        suspended_from="", stopped_reason="")
    audit_record(actor=actor, action="redemption_suspension_lift", target=redemption,
                 region=redemption.program.region, now=now, before={"state": before},
                 after={"state": redemption.state},
                 amount_fen=redemption.approved_fen or redemption.requested_fen)
    return redemption


@service_transaction
def redemption_suspension_reject(
    *, actor: User, redemption: Redemption, reason: str, destination: str, now: datetime
) -> Redemption:
    """The issuing reviewer stops a suspended claim for good: a requested one is voided (its
    hold released), an approved one withdrawn (its payable reversed); the money goes to
    `destination` (the voucher, or on to the program budget), and the order ends."""
    _require_decider(actor, redemption.program.region_id, now=now)
    reason = reason_required(reason, _("驳回暂停的兑付必须填写原因"))
    destination = destination_of(destination)
    locked = lock_sanctioned(orders=[], redemptions=[redemption.pk])
    (redemption,) = locked.redemptions
    _require_suspended(redemption)
    order = locked.orders[redemption.order_id]
    if redemption.suspended_from == _R.APPROVED:
        redemption_withdraw_locked(actor=actor, order=order, redemption=redemption,
                                   reason=reason, destination=destination,
                                   batches=locked.batches, now=now)
    else:
        redemption_void(actor=actor, order=order, redemption=redemption, reason=reason,
                        destination=destination, now=now)
    return redemption


@service_transaction
def order_suspension_lift(*, actor: User, order: ServiceOrder, now: datetime) -> ServiceOrder:
    """The issuing reviewer lets a suspended order go on from where it was."""
    _require_decider(actor, order.voucher.program.region_id, now=now)
    locked = lock_sanctioned(orders=[order.pk], redemptions=[])
    order = locked.orders[order.pk]
    _require_suspended(order)
    before = move_state(order, target=order.suspended_from,
                        transitions=ORDER_SUSPENSION_LIFTS, suspended_from="")
    audit_record(actor=actor, action="order_suspension_lift", target=order,
                 region=order.voucher.program.region, now=now, before={"state": before},
                 after={"state": order.state}, amount_fen=order.voucher_fen)
    return order


@service_transaction
def order_suspension_reject(
    *, actor: User, order: ServiceOrder, reason: str, destination: str, now: datetime
) -> ServiceOrder:
    """The issuing reviewer ends a suspended order (作废终止): its hold is released to the
    voucher, or on to the program budget, as `destination` says."""
    _require_decider(actor, order.voucher.program.region_id, now=now)
    reason = reason_required(reason, _("终止暂停的订单必须填写原因"))
    destination = destination_of(destination)
    locked = lock_sanctioned(orders=[order.pk], redemptions=[])
    order = locked.orders[order.pk]
    _require_suspended(order)
    order_void(actor=actor, order=order, reason=reason, destination=destination, now=now)
    return order


@service_transaction
def redemption_withdraw(
    *, actor: User, redemption: Redemption, reason: str, destination: str, now: datetime
) -> Redemption:
    """The issuing reviewer withdraws an approved claim before it is paid (state withdrawn).

    The payable amount is reversed by a compensating entry to the voucher and then, as
    `destination` says: hold (the order is delivered again and held anew, and a corrected
    claim may be made, even with the same invoice and contract), voucher (the order ends,
    作废终止, and the invoice and contract stay claimed), or budget (as voucher, and on to the
    program budget; so too when the voucher is no longer active). A claim in an open batch
    leaves it. Refusal codes: not_withdrawable (not approved, e.g. already paid: claw it back
    instead), voucher_not_active and voucher_exhausted (back to the hold only).
    """
    _require_decider(actor, redemption.program.region_id, now=now)
    reason = reason_required(reason, _("撤回已批准的兑付必须填写原因"))
    destination = destination_of(destination, allowed=Destination.values)
    locked = lock_sanctioned(orders=[], redemptions=[redemption.pk])
    (redemption,) = locked.redemptions
    if redemption.state != _R.APPROVED:
        refuse("not_withdrawable",
               format_lazy(_("{record}{state}，只有已批准且尚未支付的兑付可以撤回"),
                           record=redemption, state=redemption.get_state_display()),
               state=redemption.state)
    redemption_withdraw_locked(actor=actor, order=locked.orders[redemption.order_id],
                               redemption=redemption, reason=reason, destination=destination,
                               batches=locked.batches, now=now)
    return redemption
