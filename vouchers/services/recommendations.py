"""Two-tier review: the city's reviewer recommends, the region's reviewer decides.

A program may require a first review by a city authority before the region's decision, for
applications and, separately, for redemptions (Program.application_city_review,
redemption_city_review; program_changes.program_review_tiers_change). The city reviewer
(User.Role.CITY_REVIEWER, scoped to one prefecture-level city of its region) sees the records
of the enterprises of its city and recommends once: approve with an amount, or return with a
reason. The region still decides with application_approve / redemption_approve and their
rejections; `second_tier_check` is what those services ask: the same person never reviews
both tiers, and a decision without a recommendation, or against it, needs a reason (the
override is audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, Conflict, InvalidInput
from accounts.models import Organisation, User
from accounts.permissions import require_impartial, require_region
from accounts.text import clean_text
from accounts.transactions import service_transaction
from vouchers.errors import refuse
from vouchers.locks import lock_application, lock_redemptions
from vouchers.models import Application, Program, Recommendation, Redemption

Decision = Recommendation.Decision


@service_transaction
def application_recommend(
    *, actor: User, application: Application, decision: str, now: datetime,
    amount_fen: int | None = None, reason: str = "",
) -> Recommendation:
    """The city reviewer recommends on an application of an enterprise of its city.

    Refused: city_review_not_required (the program has one tier), other_city,
    not_awaiting_review, already_recommended, invalid (amount, missing reason);
    conflict_of_interest / own_submission as any review.
    """
    require_action(actor, "application.recommend", now=now)
    program = application.program
    require_region(actor, program.region_id)
    city_id = _require_own_city(actor, application.enterprise)
    require_impartial(actor, application.enterprise, submitted_by=application.applicant)
    if not program.application_city_review:
        refuse("city_review_not_required", _("本项目的申领不设市级初审"))
    application = lock_application(application.pk)
    if application.state != Application.State.SUBMITTED:
        raise Conflict(_("该申领已审核完毕，不能再提出初审意见"), code="not_awaiting_review")
    terms = _terms(decision, amount_fen, reason, requested_fen=application.amount_fen)
    _require_first(Recommendation.objects.current().filter(application=application))
    recommendation = Recommendation.objects.create(
        application=application, city_id=city_id, recommended_by=actor,
        recommended_at=now, **terms,
    )
    _audit(actor=actor, action="application_recommend", record=application,
           recommendation=recommendation, region=program.region, now=now)
    return recommendation


@service_transaction
def redemption_recommend(
    *, actor: User, redemption: Redemption, decision: str, now: datetime,
    amount_fen: int | None = None, reason: str = "",
) -> Recommendation:
    """The city reviewer recommends on a redemption of an order of an enterprise of its city.

    Refusals as application_recommend (the program's redemption_city_review decides).
    """
    require_action(actor, "redemption.recommend", now=now)
    program = redemption.program
    order = redemption.order
    require_region(actor, program.region_id)
    city_id = _require_own_city(actor, order.enterprise)
    require_impartial(actor, order.enterprise, order.institution,
                      submitted_by=redemption.requested_by)
    if not program.redemption_city_review:
        refuse("city_review_not_required", _("本项目的兑付不设市级初审"))
    (redemption,) = lock_redemptions([redemption.pk])
    if redemption.state != Redemption.State.REQUESTED:
        raise Conflict(_("该兑付已审核完毕，不能再提出初审意见"), code="not_awaiting_review")
    terms = _terms(decision, amount_fen, reason, requested_fen=redemption.requested_fen)
    _require_first(Recommendation.objects.filter(redemption=redemption))
    recommendation = Recommendation.objects.create(
        redemption=redemption, city_id=city_id, recommended_by=actor,
        recommended_at=now, **terms,
    )
    _audit(actor=actor, action="redemption_recommend", record=redemption,
           recommendation=recommendation, region=program.region, now=now)
    return recommendation


@dataclass(frozen=True)
class SecondTier:
    """What the region's decision did with the first tier, for its audit line."""

    required: bool
    recommendation: Recommendation | None
    against: bool

    def audit_fields(self) -> dict[str, Any]:
        if not self.required and self.recommendation is None:
            return {}
        if self.recommendation is None:
            return {"without_recommendation": True}
        return {"recommend_approval": self.recommendation.decision == Decision.APPROVE,
                "recommended_fen": self.recommendation.amount_fen,
                "against_recommendation": self.against}


def second_tier_check(
    *, actor: User, record: Application | Redemption, program: Program, approving: bool,
    reason: str,
) -> SecondTier:
    """The region's decision on `record` (locked) against its city's recommendation.

    Refused: same_reviewer_both_tiers (the recommender decides), override_reason_required
    (two tiers required and no recommendation, or a decision against the recommendation,
    without a reason).
    """
    recommendation = record.recommendations.current().first()
    # Any round: whoever recommended on the record never decides it.
    if record.recommendations.filter(recommended_by=actor).exists():
        raise AccessDenied(_("同一人不能既作市级初审又作地区审核"),
                           code="same_reviewer_both_tiers")
    required = (program.application_city_review if isinstance(record, Application)
                else program.redemption_city_review)
    against = recommendation is not None and (
        approving != (recommendation.decision == Decision.APPROVE))
    if (against or (required and recommendation is None)) and not reason.strip():
        message = (_("审核结果与市级初审意见不同，请填写原因") if against
                   else _("本项目须经市级初审，未经初审直接审核请填写原因"))
        raise InvalidInput(message, code="override_reason_required", extra={"field": "reason"})
    return SecondTier(required=required, recommendation=recommendation, against=against)


def _require_own_city(actor: User, enterprise: Organisation) -> int:
    """The city reviewer's city, which must be the enterprise's."""
    city_id = actor.review_city_id
    if city_id is None or enterprise.city_id != city_id:
        raise AccessDenied(_("只能对本市企业的事项提出初审意见"), code="other_city")
    return city_id


def _terms(decision: str, amount_fen: int | None, reason: str, *, requested_fen: int
           ) -> dict[str, Any]:
    reason = clean_text(reason, field="reason", label="初审说明", max_length=2000, required=False,
                        multiline=True).strip()
    if decision == Decision.APPROVE:
        amount = requested_fen if amount_fen is None else amount_fen
        if not 0 < amount <= requested_fen:
            raise InvalidInput(_("建议金额须大于0且不超过申请金额"),
                               extra={"field": "amount_fen"})
        return {"decision": decision, "amount_fen": amount, "reason": reason}
    if decision == Decision.RETURN:
        if not reason:
            raise InvalidInput(_("建议退回时必须填写原因"), code="required",
                               extra={"field": "reason"})
        return {"decision": decision, "amount_fen": None, "reason": reason}
    raise InvalidInput(_("请选择初审意见"), extra={"field": "decision"})


def _require_first(existing: Any) -> None:
    if existing.exists():
        raise Conflict(_("该事项已有市级初审意见"), code="already_recommended")


def _audit(*, actor: User, action: str, record: Application | Redemption,
           recommendation: Recommendation, region: Any, now: datetime) -> None:
    audit_record(
        actor=actor, action=action, target=record, region=region, now=now,
        reason=recommendation.reason,
        after={"recommend_approval": recommendation.decision == Decision.APPROVE,
               "recommended_fen": recommendation.amount_fen, "city": recommendation.city.code},
        amount_fen=recommendation.amount_fen,
    )
