"""Vouchers: issued on approval, expired at the use-by date, revoked as a sanction."""

from __future__ import annotations

from datetime import datetime

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.models import User
from accounts.permissions import require_region
from accounts.transactions import service_transaction
from vouchers.errors import ConcurrentUpdate, Refused, refuse
from vouchers.ledger.errors import InsufficientBalance
from vouchers.ledger.models import Account
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_voucher
from vouchers.models import Application, Redemption, ServiceOrder, Voucher
from vouchers.movements import (
    expire_key,
    issue_spec,
    release_hold,
    return_to_budget,
    revoke_key,
    revoke_order_key,
    voucher_account_open,
)
from vouchers.services import sanctions
from vouchers.states import ORDER_TRANSITIONS, VOUCHER_TRANSITIONS, move_state


def voucher_code(application: Application) -> str:
    """Unique and readable: region, year, application number (JS-2024-000123)."""
    program = application.program
    return f"{program.region.short_code}-{program.year}-{application.pk:06d}"


def voucher_issue(*, actor: User, application: Application, now: datetime) -> Voucher:
    """Building block of application_approve (joins its transaction; checks no permission).

    Moves the approved amount from the program budget to a new voucher account.
    """
    program = application.program
    code = voucher_code(application)
    account = voucher_account_open(code=code, now=now)
    try:
        ledger_post(
            transfers=[issue_spec(application, account=account, code=code)], now=now, actor=actor
        )
    except InsufficientBalance as error:
        raise Refused(
            "项目预算已用完，无法按此金额发放创新券",
            code="budget_exhausted",
            extra={"available_fen": error.extra.get("available_fen")},
        ) from error
    amount_fen = application.approved_fen
    if amount_fen is None:  # unreachable: ledger_post has refused a transfer without amount
        raise ValueError(f"application {application.pk} has no approved amount")
    voucher = Voucher.objects.create(
        code=code,
        application=application,
        program=program,
        enterprise=application.enterprise,
        amount_fen=amount_fen,
        account=account,
        state=Voucher.State.ACTIVE,
        issued_at=now,
        expires_at=program.use_by_at,
    )
    audit_record(
        actor=actor,
        action="voucher_issue",
        target=voucher,
        region=program.region,
        now=now,
        after={"state": voucher.state, "code": code},
        amount_fen=voucher.amount_fen,
    )
    return voucher


@service_transaction
def voucher_expire(*, voucher: Voucher, now: datetime, actor: User | None = None) -> Voucher:
    """At the use-by date the unused balance returns to the program budget (idempotent).

    Money held for orders stays held: those orders may still be redeemed until the
    redemption deadline; whatever they release later goes straight back to the budget.
    """
    voucher = lock_voucher(voucher.pk)
    if voucher.state != Voucher.State.ACTIVE:
        return voucher
    if now < voucher.expires_at:
        refuse("not_yet_expired", "创新券尚未到使用截止时间")
    available = Account.objects.get(pk=voucher.account_id).available_fen
    before = move_state(
        voucher, target=Voucher.State.EXPIRED, transitions=VOUCHER_TRANSITIONS, closed_at=now
    )
    return_to_budget(
        voucher=voucher,
        amount_fen=available,
        key=expire_key(voucher),
        now=now,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="voucher_expire",
        target=voucher,
        region=voucher.program.region,
        now=now,
        before={"state": before},
        after={"state": voucher.state},
        amount_fen=available,
    )
    return voucher


def vouchers_expire_due(*, now: datetime) -> int:
    """Expire every active voucher past its use-by date, each in its own transaction."""
    due = Voucher.objects.filter(state=Voucher.State.ACTIVE, expires_at__lte=now).order_by("pk")
    expired = 0
    for voucher in due.select_related("program__region"):
        try:
            voucher_expire(voucher=voucher, now=now)
        except ConcurrentUpdate:
            continue  # expired or revoked meanwhile
        expired += 1
    return expired


@service_transaction
def voucher_revoke(*, actor: User, voucher: Voucher, reason: str, now: datetime) -> Voucher:
    """A sanction: the issuing reviewer voids the voucher and every open hold on it.

    Its available balance returns to the budget; a placed order is cancelled; a delivered
    (or suspended) order without a claim ends 作废终止 with its deliveries and evidence kept; a
    requested claim is voided and an approved, unpaid one withdrawn (leaving its open batch);
    each hold or payable amount returns to the budget. Paid claims are left to a claw-back.
    Refusal codes: already_revoked.
    """
    require_action(actor, "application.review", now=now)
    require_region(actor, voucher.program.region_id)
    reason = sanctions.reason_required(reason, _("作废创新券必须填写原因"))
    voucher = lock_voucher(voucher.pk)  # first: no order is placed on it meanwhile
    if voucher.state == Voucher.State.REVOKED:
        refuse("already_revoked", format_lazy(_("创新券{code}已作废"), code=voucher.code))
    orders = voucher.orders.filter(state__in=sanctions.OPEN_ORDER_STATES)
    claims = Redemption.objects.filter(order__voucher=voucher,
                                       state__in=sanctions.OPEN_CLAIM_STATES)
    locked = sanctions.lock_sanctioned(orders=orders.values_list("pk", flat=True),
                                       redemptions=claims.values_list("pk", flat=True))
    voucher = locked.vouchers.get(voucher.pk, voucher)
    available = Account.objects.get(pk=voucher.account_id).available_fen
    before = move_state(
        voucher, target=Voucher.State.REVOKED, transitions=VOUCHER_TRANSITIONS, closed_at=now
    )
    return_to_budget(
        voucher=voucher, amount_fen=available, key=revoke_key(voucher), now=now, actor=actor
    )
    note = f"创新券作废：{reason}"
    stopped = _stop_claims(actor, locked, note, now)
    for order in locked.orders.values():
        if order.pk not in stopped:
            _stop_order(actor, voucher, order, note, now)
    audit_record(
        actor=actor,
        action="voucher_revoke",
        target=voucher,
        region=voucher.program.region,
        now=now,
        before={"state": before},
        after={"state": voucher.state, "open_orders": len(locked.orders),
               "redemptions": sorted(r.pk for r in locked.redemptions)},
        reason=reason,
        amount_fen=available,
    )
    return voucher


def _stop_claims(actor: User, locked: sanctions.Locked, note: str, now: datetime) -> set[int]:
    """Void requested claims, withdraw approved ones; returns the orders they ended."""
    stopped = set()
    for redemption in locked.redemptions:
        was = redemption.suspended_from or redemption.state
        if redemption.state not in sanctions.OPEN_CLAIM_STATES:
            continue  # paid meanwhile: a claw-back's business
        order = locked.orders[redemption.order_id]
        if was == Redemption.State.APPROVED:
            sanctions.redemption_withdraw_locked(
                actor=actor, order=order, redemption=redemption, reason=note,
                destination=Redemption.Destination.BUDGET, batches=locked.batches, now=now)
        else:
            sanctions.redemption_void(actor=actor, order=order, redemption=redemption,
                                      reason=note, destination=Redemption.Destination.BUDGET,
                                      now=now)
        stopped.add(order.pk)
    return stopped


def _stop_order(
    actor: User, voucher: Voucher, order: ServiceOrder, note: str, now: datetime
) -> None:
    """A placed order is cancelled as by the enterprise; a delivered or suspended one ends."""
    if order.state == ServiceOrder.State.PLACED:
        move_state(order, target=ServiceOrder.State.CANCELLED, transitions=ORDER_TRANSITIONS,
                   closed_at=now, reason=note)
        release_hold(order=order, key=revoke_order_key(voucher, order), now=now, actor=actor,
                     memo="创新券作废，释放预留")
    elif order.state in sanctions.OPEN_ORDER_STATES:
        sanctions.order_void(actor=actor, order=order, reason=note,
                             destination=Redemption.Destination.BUDGET, now=now)
