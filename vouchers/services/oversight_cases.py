"""Cases (核查问题) that failed spot checks open, closed with an outcome.

A case is opened by spot_check_record. The sanctions themselves are the existing services
(redemption_claw_back, organisation_blacklist in oversight.py); closing a case with such an
outcome requires that the sanction has been taken, so the outcome recorded is a fact.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import InvalidInput
from accounts.models import User
from accounts.permissions import require_region
from accounts.transactions import service_transaction
from vouchers.errors import refuse
from vouchers.models import Blacklisting, ClawBack, OversightCase
from vouchers.states import OVERSIGHT_CASE_TRANSITIONS, move_state

Outcome = OversightCase.Outcome


@service_transaction
def oversight_case_close(
    *, actor: User, case: OversightCase, outcome: str, reason: str, now: datetime
) -> OversightCase:
    """Close an open case with its outcome (no action, claw-back, blacklisting) and a reason.

    Refused: claw_back_missing (outcome claw-back, but the redemption has not been clawed
    back), blacklisting_missing (outcome blacklisting, but neither its payee nor its
    institution is blacklisted), illegal_transition (closed already)."""
    require_action(actor, "spotcheck.manage", now=now)
    require_region(actor, case.region_id)
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择处理结果"), code="outcome_invalid", extra={"field": "outcome"})
    if not reason.strip():
        raise InvalidInput(_("请填写结案说明"), code="required", extra={"field": "reason"})
    case.refresh_from_db()
    redemption = case.redemption
    if outcome == Outcome.CLAW_BACK and not ClawBack.objects.filter(
        redemption=redemption
    ).exists():
        refuse("claw_back_missing", _("该兑付尚未追回，请先在兑付页面执行追回"))
    if outcome == Outcome.BLACKLISTING and not Blacklisting.objects.filter(
        Q(organisation_id=redemption.payee_id) | Q(organisation_id=redemption.institution_id)
    ).exists():
        refuse("blacklisting_missing", _("收款方或服务机构尚未列入黑名单，请先在黑名单页面办理"))
    before = move_state(case, target=OversightCase.State.CLOSED,
                        transitions=OVERSIGHT_CASE_TRANSITIONS, outcome=outcome,
                        reason=reason.strip(), closed_by=actor, closed_at=now)
    audit_record(actor=actor, action="oversight_case_close", target=case, region=case.region,
                 now=now, before={"state": before},
                 after={"state": case.state, "outcome": outcome,
                        "redemption": case.redemption_id}, reason=reason)
    return case
