"""Authority reviewer pages: the queues of applications and redemptions of its region."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from accounts.selectors import audit_trail_for
from vouchers import material_selectors, review_selectors, selectors
from vouchers.forms import ApplicationDecisionForm, ClawBackForm, DecisionForm, WithdrawForm
from vouchers.forms.tiers import BulkReviewForm
from vouchers.models import Program, Redemption
from vouchers.record_selectors import record_of
from vouchers.review_warnings import redemption_warnings_for
from vouchers.services import application_returns, applications, oversight, redemptions
from vouchers.views.common import (
    Row,
    Summary,
    confirm_page,
    int_or_none,
    is_confirmed,
    money,
    now,
    paginate,
    submit_once,
    wants_edit,
)


@action_required("application.review")
def application_queue(request):
    queue, program_id = _filtered(request, selectors.authority_application_queue(
        actor=request.user))
    page = paginate(request, queue)
    _with_recommendations(page, "application")
    return render(request, "vouchers/reviews/application_queue.html", {
        "page": page, "programs": _region_programs(request), "program_id": program_id,
        "bulk_form": BulkReviewForm(initial={"program": program_id}),
    })


def _filtered(request, queue):
    """The queue of one program (?program=), the filter a bulk review of "all" follows."""
    program_id = int_or_none(request.GET.get("program"))
    return (queue.filter(program_id=program_id) if program_id else queue), program_id


def _region_programs(request):
    return Program.objects.filter(region_id=request.user.organisation.region_id).order_by(
        "-year", "pk").only("pk", "name", "year")


def _with_recommendations(page, field: str) -> None:
    found = review_selectors.recommendations_by_record(field, [record.pk for record in page])
    for record in page:
        record.recommendation = found.get(record.pk)


@action_required("application.review")
@require_http_methods(["GET", "POST"])
def application_review(request, pk: int):
    reviewable = selectors.applications_visible_to(actor=request.user, action="application.review")
    application = get_object_or_404(reviewable, pk=pk)
    form = ApplicationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not is_confirmed(request):
        if not wants_edit(request):
            return confirm_page(request, _application_summary(application, form.cleaned_data))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            if data["decision"] == "approve":
                applications.application_approve(
                    actor=request.user, application=application, amount_fen=data["amount_fen"],
                    reason=data["reason"], now=now(),
                )
            elif data["decision"] == "return":
                application_returns.application_return(
                    actor=request.user, application=application, reason=data["reason"],
                    now=now(),
                )
            else:
                applications.application_reject(
                    actor=request.user, application=application, reason=data["reason"],
                    now=now(),
                )
            return reverse("vouchers:application_queue")

        try:
            return submit_once(request, perform, success=_("审核结果已保存。"))
        except ApplicationError as error:
            add_application_error(form, error)
    history = selectors.enterprise_year_history(
        enterprise=application.enterprise, year=application.program.year
    )
    return render(request, "vouchers/reviews/application_review.html", {
        "application": application, "form": form, "history": history,
        "remaining_cap_fen": application.program.enterprise_annual_cap_fen
        - selectors.quota_used_fen(program=application.program,
                                   enterprise=application.enterprise),
        "trail": audit_trail_for(target=application),
        "materials": material_selectors.application_materials_status(application=application),
        "submissions": material_selectors.application_submissions(application=application),
        "recommendation": review_selectors.recommendation_for(application),
        "city_review": application.program.application_city_review,
    })


def _application_summary(application, data) -> Summary:
    rows = [Row(_("企业"), application.enterprise.name), Row(_("项目"), str(application.program)),
            money(_("申领金额"), application.amount_fen)]
    if data["decision"] == "approve":
        amount = data["amount_fen"] or application.amount_fen
        return Summary(
            title=_("确认批准申领"), button=_("确认批准"),
            rows=[*rows, money(_("批准金额（发放创新券面额）"), amount),
                  Row(_("意见或原因"), data["reason"])],
            consequences=[_("向企业发放创新券，面额从项目预算中划出。")],
        )
    if data["decision"] == "return":
        return Summary(
            title=_("确认退回修改"), button=_("确认退回"),
            rows=[*rows, Row(_("退回原因"), data["reason"])],
            consequences=[_("申领退回企业修改；企业修改后重新提交，再次进入审核。")],
        )
    return Summary(
        title=_("确认驳回申领"), button=_("确认驳回"), destructive=True,
        rows=[*rows, Row(_("驳回原因"), data["reason"])],
        consequences=[_("申领将被驳回并结束，企业可重新申领。")],
    )


def _redemption_summary(redemption, data) -> Summary:
    rows = [Row(_("收款方"), redemption.payee.name),
            Row(_("企业"), redemption.order.enterprise.name),
            money(_("申请兑付金额"), redemption.requested_fen)]
    if data["decision"] == "approve":
        amount = data["amount_fen"] or redemption.requested_fen
        return Summary(
            title=_("确认批准兑付"), button=_("确认批准"),
            rows=[*rows, money(_("核定金额"), amount), Row(_("意见或原因"), data["reason"])],
            consequences=[_("核定金额计入应付给收款方的款项，等待编入支付批次。"),
                          _("核减的部分退回创新券。")],
        )
    return Summary(
        title=_("确认驳回兑付"), button=_("确认驳回"), destructive=True,
        rows=[*rows, Row(_("驳回原因"), data["reason"])],
        consequences=[_("兑付申请将被驳回并结束，预留金额退回创新券。")],
    )


@action_required("redemption.review")
def redemption_queue(request):
    queue, program_id = _filtered(request, selectors.authority_redemption_queue(
        actor=request.user))
    page = paginate(request, queue)
    warnings = redemption_warnings_for(list(page))  # a constant number of queries a page
    for redemption in page:
        redemption.warnings = warnings[redemption.pk]
    _with_recommendations(page, "redemption")
    return render(request, "vouchers/reviews/redemption_queue.html", {
        "page": page, "programs": _region_programs(request), "program_id": program_id,
        "bulk_form": BulkReviewForm(initial={"program": program_id}),
    })


@action_required("redemption.view")
@require_http_methods(["GET", "POST"])
def redemption_detail(request, pk: int):
    """The redemption with its evidence, the enterprise's year and the warnings; the
    issuing region's reviewer decides here, or claws back a paid one."""
    user = request.user
    redemption = get_object_or_404(selectors.redemptions_visible_to(actor=user), pk=pk)
    is_reviewer = (user.role == user.Role.AUTHORITY_REVIEWER
                   and redemption.program.region_id == user.organisation.region_id)
    form = DecisionForm(request.POST or None) if is_reviewer else None
    if form is not None and request.method == "POST" and form.is_valid():
        if not is_confirmed(request):
            if wants_edit(request):
                return _page(request, redemption, form, is_reviewer)
            return confirm_page(request, _redemption_summary(redemption, form.cleaned_data))
        return _decide(request, form, redemption) or _page(request, redemption, form, is_reviewer)
    return _page(request, redemption, form, is_reviewer)


def _decide(request, form, redemption):
    data = form.cleaned_data

    def perform() -> str:
        if data["decision"] == "approve":
            redemptions.redemption_approve(
                actor=request.user, redemption=redemption, amount_fen=data["amount_fen"],
                reason=data["reason"], now=now(),
            )
        else:
            redemptions.redemption_reject(
                actor=request.user, redemption=redemption, reason=data["reason"], now=now()
            )
        return reverse("vouchers:redemption_queue")

    try:
        return submit_once(request, perform, success=_("审核结果已保存。"))
    except ApplicationError as error:
        add_application_error(form, error)
    return None


def redemption_page(request, redemption, *, withdraw_form):
    """The page again, for the reviewer, with the withdrawal form and its errors."""
    return _page(request, redemption, None, True, withdraw_form=withdraw_form)


def _page(request, redemption, form, is_reviewer, claw_back_form=None, withdraw_form=None):
    order = redemption.order
    if claw_back_form is None and is_reviewer and redemption.state == Redemption.State.PAID:
        claw_back_form = ClawBackForm()
    if withdraw_form is None and is_reviewer and redemption.state == Redemption.State.APPROVED:
        withdraw_form = WithdrawForm(auto_id="id_withdraw_%s")
    return render(request, "vouchers/reviews/redemption_detail.html", {
        "redemption": redemption,
        "order": order,
        "form": form if redemption.state == Redemption.State.REQUESTED else None,
        "claw_back_form": claw_back_form,
        "withdraw_form": withdraw_form,
        "evidence": selectors.evidence_visible_to(actor=request.user).filter(order=order)
        .order_by("kind", "pk"),
        "payee_mode": redemption.program.payee_mode,
        "warnings": selectors.redemption_warnings(redemption=redemption),
        "institution_record": record_of(institution_id=redemption.institution_id,
                                        year=redemption.program.year),
        "history": selectors.enterprise_year_history(
            enterprise=order.enterprise, year=redemption.program.year
        ),
        "trail": selectors.order_audit_trail(order=order),
        "recommendation": review_selectors.recommendation_for(redemption),
        "city_review": redemption.program.redemption_city_review,
    })


@action_required("clawback.perform")
@require_http_methods(["POST"])
def redemption_claw_back(request, pk: int):
    redemption = get_object_or_404(
        selectors.redemptions_visible_to(actor=request.user), pk=pk, state=Redemption.State.PAID
    )
    form = ClawBackForm(request.POST)
    if form.is_valid() and not is_confirmed(request) and not wants_edit(request):
        return confirm_page(request, Summary(
            title=_("确认登记追回"), button=_("确认追回"), destructive=True,
            rows=[Row(_("收款方"), redemption.payee.name),
                  money(_("追回金额"), redemption.approved_fen),
                  Row(_("追回原因"), form.cleaned_data["reason"])],
            consequences=[_("已支付的款项记为收款方应退回的金额（冲正记录，原支付记录保留）。")],
        ))
    if form.is_valid() and is_confirmed(request):
        def perform() -> str:
            oversight.redemption_claw_back(
                actor=request.user, redemption=redemption, reason=form.cleaned_data["reason"],
                now=now(),
            )
            return reverse("vouchers:redemption_detail", args=[redemption.pk])

        try:
            return submit_once(request, perform, success=_("已登记追回。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return _page(request, redemption, None, True, claw_back_form=form)
