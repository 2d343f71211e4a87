"""Service orders: the voucher portion is held in the ledger until redeemed or released."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.access import require_action
from accounts.amounts import fen_check
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import Organisation, User
from accounts.permissions import organisation_of
from accounts.templatetags.money import format_yuan
from accounts.text import clean_text
from accounts.transactions import service_transaction
from vouchers.errors import ConcurrentUpdate, Refused, refuse
from vouchers.invoices import fold
from vouchers.ledger.errors import InsufficientBalance
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_order, lock_voucher, lock_voucher_with_program
from vouchers.models import (
    Program,
    Redemption,
    ServiceCategory,
    ServiceOrder,
    Voucher,
)
from vouchers.movements import cancel_key, hold_spec, lapse_key, payable_account, release_hold
from vouchers.notifications import notify_order_cancelled, notify_order_placed
from vouchers.pricing import require_voucher_share, voucher_portion
from vouchers.services.order_checks import OPEN_STATES, OrderParties, order_facts, require_orderable
from vouchers.services.records import record_refresh_after_commit
from vouchers.states import ORDER_TRANSITIONS, move_state

__all__ = ["OPEN_STATES", "order_cancel", "order_lapse", "order_place", "orders_lapse_due"]

# A claim the authority still has to decide keeps its order's hold past the deadline.
AWAITING_DECISION = (Redemption.State.REQUESTED, Redemption.State.SUSPENDED)


@service_transaction
def order_place(
    *,
    actor: User,
    voucher: Voucher,
    institution: Organisation,
    category: ServiceCategory,
    contract_number: str,
    total_fee_fen: int,
    now: datetime,
    fee_justification: str = "",
) -> ServiceOrder:
    """The enterprise orders a service paid partly by its voucher; the portion is held.

    Portion = fee × ratio (rounded down to the fen; the whole fee under the small-order
    threshold), capped by the voucher's available balance. The fee follows the one amount
    rule (accounts.amounts); above LARGE_FEE_THRESHOLD_FEN it needs `fee_justification`,
    kept on the order and in the audit line. Refusal codes: amount_*,
    fee_justification_required, voucher_not_active, voucher_expired, institution_not_eligible,
    outside_serving_area, same_legal_entity, related_party, category_not_eligible,
    service_not_offered, contract_in_use, voucher_share_zero, voucher_exhausted.
    """
    require_action(actor, "order.place", now=now)
    enterprise = organisation_of(actor)
    if voucher.enterprise_id != enterprise.pk:
        raise AccessDenied("只能使用本企业的创新券", code="not_your_voucher")
    total_fee_fen = fen_check(total_fee_fen, field="total_fee_fen")
    if not contract_number.strip():
        raise InvalidInput("请填写合同编号", extra={"field": "contract_number"})
    fee_justification = _require_fee_justification(total_fee_fen, fee_justification)
    voucher = lock_voucher_with_program(voucher.pk)
    program = voucher.program
    contract_key = fold(contract_number)
    # 通兑: the enterprise pays its share, the voucher pays the institution the rest.
    # 通用: the enterprise pays the whole fee and the voucher reimburses it.
    by_institution = program.payee_mode == Program.PayeeMode.INSTITUTION
    payee = institution if by_institution else enterprise
    parties = OrderParties(voucher=voucher, enterprise=enterprise, institution=institution,
                           category=category, contract_key=contract_key, payee=payee)
    # Every rule's facts in one read after the lock, refused in the rules' order.
    facts = order_facts(parties)
    rule = require_orderable(parties, facts, now)
    ratio_bp, portion = voucher_portion(program, enterprise, institution, rule, total_fee_fen)
    require_voucher_share(ratio_bp, portion, total_fee_fen)
    portion = min(portion, facts["available_fen"])
    if portion <= 0:
        refuse("voucher_exhausted", "创新券可用余额不足")
    enterprise_paid_fen = total_fee_fen - portion if by_institution else total_fee_fen
    order = ServiceOrder.objects.create(
        voucher=voucher,
        enterprise=enterprise,
        institution=institution,
        payee=payee,
        category=category,
        contract_number=contract_number.strip(),
        contract_key=contract_key,
        total_fee_fen=total_fee_fen,
        ratio_bp=ratio_bp,
        voucher_fen=portion,
        enterprise_share_fen=total_fee_fen - portion,
        enterprise_paid_fen=enterprise_paid_fen,
        payable_account_id=(facts["payable_account_id"]
                            or payable_account(program, payee, now=now).pk),
        state=ServiceOrder.State.PLACED,
        placed_by=actor,
        placed_at=now,
        fee_justification=fee_justification,
    )
    _hold(order, voucher, now=now, actor=actor)
    audit_record(
        actor=actor,
        action="order_place",
        target=order,
        region=program.region,
        now=now,
        after={"state": order.state, "total_fee_fen": total_fee_fen, "ratio_bp": ratio_bp,
               "enterprise_paid_fen": enterprise_paid_fen},
        reason=fee_justification,
        amount_fen=portion,
    )
    notify_order_placed(order, now=now)
    record_refresh_after_commit(institution_id=order.institution_id, year=program.year)
    return order


def _require_fee_justification(total_fee_fen: int, justification: str) -> str:
    justification = clean_text(justification, field="fee_justification", label="大额服务费说明",
                               max_length=1000, multiline=True, required=False)
    threshold = settings.LARGE_FEE_THRESHOLD_FEN
    if total_fee_fen > threshold and not justification:
        raise InvalidInput(
            format_lazy(_("服务费超过{threshold}元，须填写大额服务费说明（如合同标的和报价依据）"),
                        threshold=format_yuan(threshold).removeprefix("¥")),
            code="fee_justification_required",
            extra={"field": "fee_justification", "threshold_fen": threshold},
        )
    return justification


@service_transaction
def order_cancel(*, actor: User, order: ServiceOrder, reason: str, now: datetime) -> ServiceOrder:
    """The enterprise cancels an order before delivery; the hold returns to the voucher."""
    require_action(actor, "order.cancel", now=now)
    if order.enterprise_id != actor.organisation_id:
        raise AccessDenied("只能取消本企业的订单", code="not_your_order")
    voucher = lock_voucher(order.voucher_id)
    order = lock_order(order.pk)
    order.voucher = voucher
    before = move_state(
        order,
        target=ServiceOrder.State.CANCELLED,
        transitions=ORDER_TRANSITIONS,
        closed_at=now,
        reason=reason.strip(),
    )
    release_hold(
        order=order, key=cancel_key(order), now=now, actor=actor, memo="订单取消，释放预留"
    )
    audit_record(
        actor=actor,
        action="order_cancel",
        target=order,
        region=voucher.program.region,
        now=now,
        before={"state": before},
        after={"state": order.state},
        reason=reason,
        amount_fen=order.voucher_fen,
    )
    notify_order_cancelled(order, reason=reason, now=now)
    record_refresh_after_commit(institution_id=order.institution_id,
                                year=voucher.program.year)
    return order


@service_transaction
def order_lapse(*, order: ServiceOrder, now: datetime) -> ServiceOrder:
    """At the redemption deadline an unredeemed hold is voided; its money returns (idempotent).

    Orders with a redemption request made in time (or suspended by a sanction) are left to
    the authority's decision.
    """
    voucher = lock_voucher(order.voucher_id)
    order = lock_order(order.pk)
    order.voucher = voucher
    program = voucher.program
    if (
        order.state not in OPEN_STATES
        or order.redemptions.filter(state__in=AWAITING_DECISION).exists()
    ):
        return order
    if now < program.redemption_deadline_at:
        refuse("before_deadline", "尚未到兑付截止时间")
    before = move_state(
        order,
        target=ServiceOrder.State.LAPSED,
        transitions=ORDER_TRANSITIONS,
        closed_at=now,
        reason="兑付截止时仍未兑付",
    )
    release_hold(
        order=order, key=lapse_key(order), now=now, actor=None, memo="兑付截止，释放预留"
    )
    audit_record(
        actor=None,
        action="order_lapse",
        target=order,
        region=program.region,
        now=now,
        before={"state": before},
        after={"state": order.state},
        amount_fen=order.voucher_fen,
    )
    return order


def orders_lapse_due(*, now: datetime) -> int:
    """Lapse every open order of programs past their redemption deadline."""
    due = (
        ServiceOrder.objects.filter(
            state__in=OPEN_STATES, voucher__program__redemption_deadline_at__lte=now
        )
        .exclude(redemptions__state__in=AWAITING_DECISION)
        .order_by("pk")
    )
    lapsed = 0
    for order in due:
        try:
            result = order_lapse(order=order, now=now)
        except ConcurrentUpdate:
            continue
        lapsed += result.state == ServiceOrder.State.LAPSED
    return lapsed


def _hold(order: ServiceOrder, voucher: Voucher, *, now: datetime, actor: User) -> None:
    try:
        ledger_post(transfers=[hold_spec(order, voucher)], now=now, actor=actor)
    except InsufficientBalance as error:
        raise Refused("创新券可用余额不足", code="voucher_exhausted") from error
