"""Applications (申领): an enterprise claims an amount; the issuing authority decides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import InvalidInput
from accounts.models import Organisation, User
from accounts.permissions import organisation_of, require_impartial, require_region
from accounts.text import clean_text
from accounts.transactions import service_transaction
from accounts.uploads import Upload
from vouchers.errors import refuse
from vouchers.ledger.models import Account
from vouchers.locks import lock_application, lock_organisations
from vouchers.models import (
    Application,
    ApplicationSubmission,
    Program,
    ServiceCategory,
    Voucher,
)
from vouchers.notifications import notify_application_decided
from vouchers.program_dates import china_date
from vouchers.selectors import claims_counted_against_cap_fen
from vouchers.services.application_materials import (
    documents_store,
    require_documents_complete,
)
from vouchers.services.oversight import require_not_blacklisted
from vouchers.services.recommendations import second_tier_check
from vouchers.services.vouchers import voucher_issue
from vouchers.states import APPLICATION_TRANSITIONS, move_state


@service_transaction
def application_submit(
    *,
    actor: User,
    program: Program,
    amount_fen: int,
    purpose: str,
    planned_categories: Iterable[ServiceCategory],
    now: datetime,
    documents: Mapping[str, Upload] | None = None,
) -> Application:
    """An approved enterprise applies under an open program of its own region, with a
    document for each material of the program's list it has (by material key).

    Refused (Refused.code) when: enterprise_not_approved, other_region, program_closed,
    application_pending (one awaits review already), over_per_claim_max, over_annual_cap,
    over_group_cap, over_budget; Blacklisted if sanctioned; InvalidInput materials_missing
    (a required material has no document) or material_unknown; InvalidEvidence for a file
    that fails the upload checks or is not of a type the material accepts.
    """
    documents = documents or {}
    require_action(actor, "application.submit", now=now)
    enterprise = organisation_of(actor)
    _require_eligible_enterprise(enterprise, program, now)
    planned = list(planned_categories)
    purpose = clean_text(purpose, field="purpose", label="申领用途", max_length=2000,
                         multiline=True)
    _require_valid_claim(program, amount_fen, purpose, planned)
    require_documents_complete(program, uploads=documents)
    # Lock the enterprise and every company of its group: their quota is read then used.
    lock_organisations(_group_members(enterprise).values_list("pk", flat=True))
    _require_none_pending(program, enterprise)
    _require_within_caps(program, enterprise, amount_fen)
    try:
        with transaction.atomic():  # the partial unique index is the last word under a race
            application = Application.objects.create(
                program=program,
                enterprise=enterprise,
                applicant=actor,
                amount_fen=amount_fen,
                purpose=purpose.strip(),
                state=Application.State.SUBMITTED,
                submitted_at=now,
            )
    except IntegrityError:
        _require_none_pending(program, enterprise)
        raise
    application.planned_categories.set(planned)
    submission = ApplicationSubmission.objects.create(
        application=application, number=1, amount_fen=amount_fen, purpose=application.purpose,
        submitted_by=actor, submitted_at=now,
    )
    stored = documents_store(application=application, submission=submission,
                             uploads=documents, actor=actor, now=now)
    audit_record(
        actor=actor,
        action="application_submit",
        target=application,
        region=program.region,
        now=now,
        after={"state": application.state,
               "documents": {d.material_key: d.sha256 for d in stored}},
        amount_fen=amount_fen,
    )
    return application


@service_transaction
def application_approve(
    *,
    actor: User,
    application: Application,
    now: datetime,
    amount_fen: int | None = None,
    reason: str = "",
) -> Voucher:
    """The issuing region's reviewer approves (possibly less) and a voucher is issued.

    The amount moves from the program budget to the voucher's account; the budget account
    cannot go below zero, so concurrent approvals never allocate more than the budget.
    Under two-tier review (recommendations.second_tier_check): same_reviewer_both_tiers,
    override_reason_required.
    """
    program = application.program
    require_action(actor, "application.review", now=now)
    require_region(actor, program.region_id)
    require_impartial(actor, application.enterprise)
    application = lock_application(application.pk)
    approved = application.amount_fen if amount_fen is None else amount_fen
    if not 0 < approved <= application.amount_fen:
        raise InvalidInput("批准金额须大于0且不超过申领金额", extra={"field": "amount_fen"})
    require_not_blacklisted(application.enterprise)
    tiers = second_tier_check(actor=actor, record=application, program=program,
                              approving=True, reason=reason)
    before = application.state
    move_state(
        application,
        target=Application.State.APPROVED,
        transitions=APPLICATION_TRANSITIONS,
        approved_fen=approved,
        reviewed_by=actor,
        reviewed_at=now,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="application_approve",
        target=application,
        region=program.region,
        now=now,
        before={"state": before, "amount_fen": application.amount_fen},
        after={"state": application.state, "approved_fen": approved, **tiers.audit_fields()},
        reason=reason,
        amount_fen=approved,
    )
    notify_application_decided(application, now=now)
    return voucher_issue(actor=actor, application=application, now=now)


@service_transaction
def application_reject(
    *, actor: User, application: Application, reason: str, now: datetime
) -> Application:
    """The issuing region's reviewer refuses the application, with a reason (and, under two
    tiers, never the person who recommended: same_reviewer_both_tiers)."""
    require_action(actor, "application.review", now=now)
    require_region(actor, application.program.region_id)
    require_impartial(actor, application.enterprise)
    if not reason.strip():
        raise InvalidInput("驳回时必须填写原因", extra={"field": "reason"})
    program = application.program
    application = lock_application(application.pk)
    tiers = second_tier_check(actor=actor, record=application, program=program,
                              approving=False, reason=reason)
    before = move_state(
        application,
        target=Application.State.REJECTED,
        transitions=APPLICATION_TRANSITIONS,
        reviewed_by=actor,
        reviewed_at=now,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="application_reject",
        target=application,
        region=application.program.region,
        now=now,
        before={"state": before},
        after={"state": application.state, **tiers.audit_fields()},
        reason=reason,
        amount_fen=application.amount_fen,
    )
    notify_application_decided(application, now=now)
    return application


def _require_eligible_enterprise(enterprise: Organisation, program: Program, now: datetime) -> None:
    if not enterprise.is_approved:
        refuse("enterprise_not_approved", "企业尚未通过审核，不能申领创新券")
    require_not_blacklisted(enterprise)
    if program.region_id != enterprise.region_id:
        refuse("other_region", "只能申领本地区的创新券项目", program_region=program.region_id)
    if not program.applications_open_at <= now < program.applications_close_at:
        refuse("program_closed", "该项目不在申领期内")


def _require_none_pending(program: Program, enterprise: Organisation) -> None:
    pending = Application.objects.filter(
        program=program, enterprise=enterprise,
        state__in=(Application.State.SUBMITTED, Application.State.RETURNED),
    ).first()
    if pending is not None and pending.state == Application.State.RETURNED:
        refuse(
            "application_returned",
            _("您有一份被退回修改的申请（申领金额%(amount)s元），请修改后重新提交，"
              "不必另行申请") % {"amount": f"{pending.amount_fen / 100:,.2f}"},
            application_id=pending.pk,
        )
    if pending is not None:
        refuse(
            "application_pending",
            _("您已有一份待审核的申请（%(day)s提交，申领金额%(amount)s元），"
              "请等待审核结果后再申请") % {
                "day": date_format(china_date(pending.submitted_at), "DATE_FORMAT"),
                "amount": f"{pending.amount_fen / 100:,.2f}",
            },
            application_id=pending.pk,
        )


def _require_valid_claim(
    program: Program, amount_fen: int, purpose: str, planned: list[ServiceCategory]
) -> None:
    if amount_fen <= 0:
        raise InvalidInput("申领金额必须大于0", extra={"field": "amount_fen"})
    if not purpose.strip():
        raise InvalidInput("请填写申领用途", extra={"field": "purpose"})
    eligible = set(program.category_rules.values_list("category_id", flat=True))
    if not planned or any(category.pk not in eligible for category in planned):
        raise InvalidInput(
            "计划服务类别不在本项目支持范围内", extra={"field": "planned_categories"}
        )
    if program.per_claim_max_fen is not None and amount_fen > program.per_claim_max_fen:
        refuse(
            "over_per_claim_max",
            f"申领金额超过单次申领上限（{program.per_claim_max_fen / 100:.2f}元）",
            per_claim_max_fen=program.per_claim_max_fen,
        )


def _require_within_caps(
    program: Program, enterprise: Organisation, amount_fen: int, *, besides: int | None = None
) -> None:
    """`besides`: an application being resubmitted, whose own earlier claim is replaced."""
    mine = ~Q(pk=besides) if besides else Q()
    used = claims_counted_against_cap_fen(program=program, whose=Q(enterprise=enterprise) & mine)
    remaining = program.enterprise_annual_cap_fen - used
    if amount_fen > remaining:
        refuse(
            "over_annual_cap",
            f"超过企业年度额度，本年度剩余可申领{max(remaining, 0) / 100:.2f}元",
            remaining_fen=max(remaining, 0),
        )
    if program.group_annual_cap_fen is not None and enterprise.actual_controller_key:
        group_used = claims_counted_against_cap_fen(
            program=program,
            whose=Q(enterprise__actual_controller_key=enterprise.actual_controller_key) & mine,
        )
        group_remaining = program.group_annual_cap_fen - group_used
        if amount_fen > group_remaining:
            refuse(
                "over_group_cap",
                f"超过同一实际控制人企业年度额度，剩余{max(group_remaining, 0) / 100:.2f}元",
                remaining_fen=max(group_remaining, 0),
            )
    if program.budget_account_id is None:  # program_create opens it before it returns
        raise ValueError(f"program {program.pk} has no budget account")
    available = Account.objects.get(pk=program.budget_account_id).available_fen
    if amount_fen > available:
        refuse(
            "over_budget",
            f"超过项目剩余预算（{available / 100:.2f}元）",
            available_fen=available,
        )


def _group_members(enterprise: Organisation) -> QuerySet[Organisation]:
    if not enterprise.actual_controller_key:
        return Organisation.objects.filter(pk=enterprise.pk)
    return Organisation.objects.filter(
        Q(pk=enterprise.pk)
        | Q(kind=Organisation.Kind.ENTERPRISE,
            actual_controller_key=enterprise.actual_controller_key)
    )
