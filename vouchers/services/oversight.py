"""Oversight: reproducible spot checks, claw-backs and blacklisting.

The programme's sweep (one draw per program and period) is in spot_check_programme.py, the
cases a failed check opens in oversight_cases.py; the draw's building blocks (exact rate,
sample, checkers) in spot_check_sampling.py.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import NoReturn

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import Organisation, User
from accounts.permissions import organisation_of, require_region
from accounts.transactions import service_transaction
from vouchers.errors import Blacklisted, refuse
from vouchers.ledger.services import ledger_post
from vouchers.locks import lock_redemptions
from vouchers.models import (
    Blacklisting,
    ClawBack,
    OversightCase,
    Redemption,
    SpotCheck,
    SpotCheckItem,
)
from vouchers.movements import claw_back_spec
from vouchers.program_dates import china_date
from vouchers.services.records import record_refresh_after_commit
from vouchers.services.sanctions import suspend_for_blacklisting
from vouchers.services.spot_check_sampling import (
    items_create,
    rate_bp_from_percent,
    spot_check_sample,
)
from vouchers.states import (
    REDEEMED_STATES,
    REDEMPTION_TRANSITIONS,
    SPOT_CHECK_ITEM_TRANSITIONS,
    move_state,
)

__all__ = ["spot_check_sample"]
SAMPLED_STATES = REDEEMED_STATES


@service_transaction
def spot_check_draw(
    *,
    actor: User,
    period_start: date,
    period_end: date,
    percentage: Decimal | int | str,
    now: datetime,
    seed: int | None = None,
) -> SpotCheck:
    """Draw `percentage` % (two decimals at most: 2.5) of the region's redemptions approved
    in the period; record the seed; give each sampled redemption a checker."""
    require_action(actor, "spotcheck.manage", now=now)
    rate_bp = rate_bp_from_percent(percentage)
    if period_end < period_start:
        raise InvalidInput("期间结束不能早于期间开始", extra={"field": "period_end"})
    region = organisation_of(actor).region
    seed = secrets.randbits(62) if seed is None else seed
    population = list(
        Redemption.objects.filter(
            program__region=region,
            state__in=SAMPLED_STATES,
            reviewed_at__date__gte=period_start,
            reviewed_at__date__lte=period_end,
        ).values_list("pk", flat=True)
    )
    spot_check = SpotCheck.objects.create(
        region=region,
        period_start=period_start,
        period_end=period_end,
        rate_bp=rate_bp,
        seed=seed,
        population_count=len(population),
        drawn_by=actor,
        drawn_at=now,
    )
    chosen = spot_check_sample(population=population, rate_bp=rate_bp, seed=seed)
    items = items_create(spot_check, chosen)
    audit_record(
        actor=actor,
        action="spot_check_draw",
        target=spot_check,
        region=region,
        now=now,
        after={"seed": seed, "rate_bp": rate_bp, "population": len(population),
               "sample": chosen, "without_checker": [
                   item.redemption_id for item in items if item.needs_checker]},
    )
    return spot_check


@service_transaction
def spot_check_record(
    *, actor: User, item: SpotCheckItem, passed: bool, note: str, now: datetime
) -> SpotCheckItem:
    """Record the result of re-checking one sampled redemption. The reviewer who approved
    the redemption may not check it (approver_cannot_check). A failed check opens a case
    (OversightCase, 核查问题) in the same transaction."""
    require_action(actor, "spotcheck.manage", now=now)
    require_region(actor, item.spot_check.region_id)
    if not note.strip():
        raise InvalidInput("请填写核查结果", extra={"field": "note"})
    item.refresh_from_db()
    if item.redemption.reviewed_by_id == actor.pk:
        raise AccessDenied(_("审核批准该兑付的人员不能核查该兑付，请由其他审核员核查"),
                           code="approver_cannot_check", extra={"item": item.pk})
    target = SpotCheckItem.State.PASSED if passed else SpotCheckItem.State.FAILED
    before = move_state(
        item,
        target=target,
        transitions=SPOT_CHECK_ITEM_TRANSITIONS,
        note=note.strip(),
        checked_by=actor,
        checked_at=now,
    )
    region = item.spot_check.region
    audit_record(
        actor=actor,
        action="spot_check_record",
        target=item,
        region=region,
        now=now,
        before={"state": before},
        after={"state": item.state, "redemption": item.redemption_id},
        reason=note,
    )
    if not passed:
        case = OversightCase.objects.create(
            item=item, redemption=item.redemption, region=region,
            state=OversightCase.State.OPEN, opened_at=now,
        )
        audit_record(actor=actor, action="oversight_case_open", target=case, region=region,
                     now=now, after={"state": case.state, "redemption": item.redemption_id},
                     reason=note)
    record_refresh_after_commit(institution_id=item.redemption.institution_id,
                                year=item.redemption.program.year)
    return item


@service_transaction
def redemption_claw_back(
    *, actor: User, redemption: Redemption, reason: str, now: datetime
) -> ClawBack:
    """Fraud found: a paid redemption is reversed by a compensating entry, never an edit.

    The paid amount moves from the program's paid account to a claw-back account of the
    payee: what the payee owes back. Recovering it is the treasury's business.
    """
    require_action(actor, "clawback.perform", now=now)
    require_region(actor, redemption.program.region_id)
    if not reason.strip():
        raise InvalidInput("追回必须填写原因", extra={"field": "reason"})
    (locked,) = lock_redemptions([redemption.pk])
    before = move_state(
        locked, target=Redemption.State.CLAWED_BACK, transitions=REDEMPTION_TRANSITIONS
    )
    program = locked.program
    ledger_post(transfers=[claw_back_spec(locked, now=now)], now=now, actor=actor)
    amount_fen = locked.approved_fen
    if amount_fen is None:  # unreachable: ledger_post has refused a transfer without amount
        raise ValueError(f"redemption {locked.pk} has no approved amount")
    claw_back = ClawBack.objects.create(
        redemption=locked,
        amount_fen=amount_fen,
        reason=reason.strip(),
        created_by=actor,
        created_at=now,
        due_on=china_date(now) + timedelta(days=program.claw_back_due_days),
    )
    audit_record(
        actor=actor,
        action="redemption_claw_back",
        target=locked,
        region=program.region,
        now=now,
        before={"state": before},
        after={"state": locked.state, "due_on": claw_back.due_on.isoformat()},
        reason=reason,
        amount_fen=claw_back.amount_fen,
    )
    record_refresh_after_commit(institution_id=locked.institution_id, year=program.year)
    return claw_back


def require_not_blacklisted(organisation: Organisation) -> None:
    """A blacklisted organisation (by any region) can no longer apply, order or redeem."""
    if Blacklisting.objects.filter(organisation=organisation).exists():
        refuse_blacklisted(organisation)


def refuse_blacklisted(organisation: Organisation) -> NoReturn:
    raise Blacklisted(
        f"{organisation.name}已被列入黑名单，不能申领、使用或兑付创新券",
        extra={"organisation": organisation.pk},
    )


@service_transaction
def organisation_blacklist(
    *, actor: User, organisation: Organisation, reason: str, now: datetime
) -> Blacklisting:
    """A region's reviewer blacklists an enterprise or institution anywhere in the area.

    From then on it can no longer apply, order or redeem, under any region's program; what
    is already in the pipeline (its open claims as payee or as the ordering enterprise, its
    open orders) is suspended until each issuing region decides (vouchers.services.sanctions).
    """
    require_action(actor, "blacklist.manage", now=now)
    if organisation.kind not in (Organisation.Kind.ENTERPRISE, Organisation.Kind.INSTITUTION):
        raise InvalidInput("只能将企业或服务机构列入黑名单", extra={"field": "organisation"})
    if not reason.strip():
        raise InvalidInput("列入黑名单必须填写原因", extra={"field": "reason"})
    region = organisation_of(actor).region
    if Blacklisting.objects.filter(organisation=organisation, region=region).exists():
        refuse("already_blacklisted", f"{organisation.name}已被本地区列入黑名单")
    blacklisting = Blacklisting.objects.create(
        organisation=organisation,
        region=region,
        reason=reason.strip(),
        created_by=actor,
        created_at=now,
    )
    claims, orders = suspend_for_blacklisting(
        actor=actor, organisation=organisation, reason=reason.strip(), now=now
    )
    audit_record(
        actor=actor,
        action="organisation_blacklist",
        target=organisation,
        region=region,
        now=now,
        after={"blacklisted": True, "suspended_claims": claims, "suspended_orders": orders},
        reason=reason,
    )
    if organisation.kind == Organisation.Kind.INSTITUTION:
        record_refresh_after_commit(institution_id=organisation.pk,
                                    year=timezone.localdate(now).year)
    return blacklisting
