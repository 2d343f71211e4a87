"""Redemption (兑付): the payee claims the held voucher portion; the issuing region decides."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import User
from accounts.permissions import organisation_of, require_impartial, require_region
from accounts.transactions import service_transaction
from vouchers.errors import DuplicateClaim, refuse
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_order, lock_redemptions, lock_voucher
from vouchers.models import Delivery, Redemption, ServiceOrder, Voucher
from vouchers.models.redemption import CLAIMS_ITS_INVOICE
from vouchers.movements import (
    approve_key,
    capture_spec,
    reject_key,
    release_hold,
    return_key,
    return_to_budget,
)
from vouchers.notifications import notify_redemption_decided, notify_redemption_requested
from vouchers.services.oversight import require_not_blacklisted
from vouchers.services.recommendations import SecondTier, second_tier_check
from vouchers.services.records import record_refresh_after_commit
from vouchers.services.recovery import require_no_overdue_claw_back
from vouchers.states import ORDER_TRANSITIONS, REDEMPTION_TRANSITIONS, move_state


@service_transaction
def redemption_request(*, actor: User, order: ServiceOrder, now: datetime) -> Redemption:
    """The payee asks the issuing region to redeem a confirmed delivery.

    Refusal codes: payee_not_approved, claw_back_overdue, redemption_deadline_passed,
    delivery_not_confirmed, order_not_redeemable, evidence_missing; DuplicateClaim
    (invoice_already_redeemed, contract_already_redeemed).
    """
    if order.payee_id != actor.organisation_id or actor.role not in (
        User.Role.INSTITUTION,
        User.Role.ENTERPRISE,
    ):
        raise AccessDenied("只有本订单的收款方可以申请兑付", code="not_payee")
    payee = organisation_of(actor)
    if not payee.is_approved:
        refuse("payee_not_approved", "收款方尚未通过审核")
    require_not_blacklisted(payee)
    require_no_overdue_claw_back(payee, now=now)
    order = lock_order(order.pk)
    require_not_blacklisted(order.enterprise)  # after the lock: a blacklisting suspends it
    program = order.voucher.program
    if now > program.redemption_deadline_at:
        refuse("redemption_deadline_passed", "已过本项目的兑付截止时间")
    delivery = order.deliveries.filter(state=Delivery.State.CONFIRMED).first()
    if delivery is None:
        refuse("delivery_not_confirmed", "服务交付尚未经企业确认")
    if order.state != ServiceOrder.State.DELIVERED:
        refuse("order_not_redeemable", f"订单{order.get_state_display()}，不能申请兑付")
    missing = set(program.required_evidence) - set(order.evidence.values_list("kind", flat=True))
    if missing:
        refuse("evidence_missing", "兑付材料不全", missing=sorted(missing))
    _require_unclaimed(delivery=delivery, order=order)
    try:
        with transaction.atomic():  # the unique indexes are the last word under a race
            redemption = Redemption.objects.create(
                order=order,
                delivery=delivery,
                program=program,
                payee=payee,
                institution_id=order.institution_id,
                invoice_code=delivery.invoice_code,
                invoice_number=delivery.invoice_number,
                invoice_key=delivery.invoice_key,
                contract_key=order.contract_key,
                requested_fen=order.voucher_fen,
                state=Redemption.State.REQUESTED,
                requested_by=actor,
                requested_at=now,
            )
    except IntegrityError as error:
        raise DuplicateClaim("该发票或合同已申请过兑付", code="already_redeemed") from error
    audit_record(
        actor=actor,
        action="redemption_request",
        target=redemption,
        region=program.region,
        now=now,
        after={"state": redemption.state, "invoice": redemption.invoice_key},
        amount_fen=redemption.requested_fen,
    )
    notify_redemption_requested(redemption, now=now)
    return redemption


@service_transaction
def redemption_approve(
    *,
    actor: User,
    redemption: Redemption,
    now: datetime,
    amount_fen: int | None = None,
    reason: str = "",
) -> Redemption:
    """The issuing region's reviewer approves, possibly for less; the rest goes back.

    The held portion is posted to the payee's payable account; a shortfall returns to the
    voucher (or, once the voucher is no longer active, on to the program budget).
    Under two-tier review (recommendations.second_tier_check): same_reviewer_both_tiers,
    override_reason_required.
    """
    require_action(actor, "redemption.review", now=now)
    require_region(actor, redemption.program.region_id)
    require_impartial(
        actor, redemption.order.enterprise, redemption.order.institution,
        submitted_by=redemption.requested_by,
    )
    program = redemption.program
    voucher, order, redemption = _lock(redemption)
    require_not_blacklisted(redemption.payee)
    approved = redemption.requested_fen if amount_fen is None else amount_fen
    if not 0 < approved <= redemption.requested_fen:
        raise InvalidInput("核定金额须大于0且不超过申请金额", extra={"field": "amount_fen"})
    if approved < redemption.requested_fen and not reason.strip():
        raise InvalidInput("核减金额时必须填写原因", extra={"field": "reason"})
    tiers = second_tier_check(actor=actor, record=redemption, program=program,
                              approving=True, reason=reason)
    before = move_state(
        redemption,
        target=Redemption.State.APPROVED,
        transitions=REDEMPTION_TRANSITIONS,
        approved_fen=approved,
        reviewed_by=actor,
        reviewed_at=now,
        reason=reason.strip(),
    )
    move_state(
        order,
        target=ServiceOrder.State.REDEEMED,
        transitions=ORDER_TRANSITIONS,
        redeemed_fen=approved,
        closed_at=now,
    )
    ledger_post(
        transfers=[capture_spec(redemption, order, amount_fen=approved)], now=now, actor=actor
    )
    if voucher.state != Voucher.State.ACTIVE:
        return_to_budget(
            voucher=voucher,
            amount_fen=redemption.requested_fen - approved,
            key=return_key(approve_key(redemption)),
            now=now,
            actor=actor,
        )
    _audit_review(actor, redemption, before, now, reason, tiers)
    notify_redemption_decided(redemption, now=now)
    record_refresh_after_commit(institution_id=redemption.institution_id,
                                year=redemption.program.year)
    return redemption


@service_transaction
def redemption_reject(
    *, actor: User, redemption: Redemption, reason: str, now: datetime
) -> Redemption:
    """The issuing region's reviewer refuses; the hold is voided and the money goes back."""
    require_action(actor, "redemption.review", now=now)
    require_region(actor, redemption.program.region_id)
    require_impartial(
        actor, redemption.order.enterprise, redemption.order.institution,
        submitted_by=redemption.requested_by,
    )
    if not reason.strip():
        raise InvalidInput("驳回时必须填写原因", extra={"field": "reason"})
    program = redemption.program
    _voucher, order, redemption = _lock(redemption)
    tiers = second_tier_check(actor=actor, record=redemption, program=program,
                              approving=False, reason=reason)
    before = move_state(
        redemption,
        target=Redemption.State.REJECTED,
        transitions=REDEMPTION_TRANSITIONS,
        reviewed_by=actor,
        reviewed_at=now,
        reason=reason.strip(),
    )
    move_state(
        order,
        target=ServiceOrder.State.REFUSED,
        transitions=ORDER_TRANSITIONS,
        closed_at=now,
        reason=reason.strip(),
    )
    release_hold(
        order=order,
        key=reject_key(redemption),
        now=now,
        actor=actor,
        memo="兑付驳回，释放预留",
    )
    _audit_review(actor, redemption, before, now, reason, tiers)
    notify_redemption_decided(redemption, now=now)
    record_refresh_after_commit(institution_id=redemption.institution_id,
                                year=redemption.program.year)
    return redemption


def _lock(redemption: Redemption) -> tuple[Voucher, ServiceOrder, Redemption]:
    voucher = lock_voucher(redemption.order.voucher_id)
    order = lock_order(redemption.order_id)
    order.voucher = voucher
    (locked,) = lock_redemptions([redemption.pk])
    return voucher, order, locked


def _audit_review(
    actor: User, redemption: Redemption, before: str, now: datetime, reason: str,
    tiers: SecondTier,
) -> None:
    audit_record(
        actor=actor,
        action=f"redemption_{redemption.state}",
        target=redemption,
        region=redemption.program.region,
        now=now,
        before={"state": before, "requested_fen": redemption.requested_fen},
        after={"state": redemption.state, "approved_fen": redemption.approved_fen,
               **tiers.audit_fields()},
        reason=reason,
        amount_fen=redemption.approved_fen or redemption.requested_fen,
    )


def _require_unclaimed(*, delivery: Delivery, order: ServiceOrder) -> None:
    """An invoice is one invoice by its code and number (a 数电票 by its number); a contract
    number is one contract within its institution: another institution's "HT-2024-001" is not
    this one."""
    live = Redemption.objects.filter(CLAIMS_ITS_INVOICE)
    if live.filter(invoice_key=delivery.invoice_key).exists():
        raise DuplicateClaim(
            "该发票已申请过兑付，同一发票只能兑付一次", code="invoice_already_redeemed"
        )
    if live.filter(institution_id=order.institution_id, contract_key=order.contract_key).exists():
        raise DuplicateClaim(
            "本机构的该合同已申请过兑付，同一合同只能兑付一次", code="contract_already_redeemed"
        )
