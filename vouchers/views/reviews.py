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
from vouchers import selectors
from vouchers.forms import ClawBackForm, DecisionForm
from vouchers.models import Redemption
from vouchers.record_selectors import record_of
from vouchers.review_warnings import redemption_warnings_for
from vouchers.services import applications, oversight, redemptions
from vouchers.views.common import now, paginate, submit_once


@action_required("application.review")
def application_queue(request):
    queue = selectors.authority_application_queue(actor=request.user)
    return render(request, "vouchers/reviews/application_queue.html",
                  {"page": paginate(request, queue)})


@action_required("application.review")
@require_http_methods(["GET", "POST"])
def application_review(request, pk: int):
    reviewable = selectors.applications_visible_to(actor=request.user, action="application.review")
    application = get_object_or_404(reviewable, pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            if data["decision"] == "approve":
                applications.application_approve(
                    actor=request.user, application=application, amount_fen=data["amount_fen"],
                    reason=data["reason"], now=now(),
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
    })


@action_required("redemption.review")
def redemption_queue(request):
    page = paginate(request, selectors.authority_redemption_queue(actor=request.user))
    warnings = redemption_warnings_for(list(page))  # a constant number of queries a page
    for redemption in page:
        redemption.warnings = warnings[redemption.pk]
    return render(request, "vouchers/reviews/redemption_queue.html", {"page": page})


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


def _page(request, redemption, form, is_reviewer, claw_back_form=None):
    order = redemption.order
    if claw_back_form is None and is_reviewer and redemption.state == Redemption.State.PAID:
        claw_back_form = ClawBackForm()
    return render(request, "vouchers/reviews/redemption_detail.html", {
        "redemption": redemption,
        "order": order,
        "form": form if redemption.state == Redemption.State.REQUESTED else None,
        "claw_back_form": claw_back_form,
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
    })


@action_required("clawback.perform")
@require_http_methods(["POST"])
def redemption_claw_back(request, pk: int):
    redemption = get_object_or_404(
        selectors.redemptions_visible_to(actor=request.user), pk=pk, state=Redemption.State.PAID
    )
    form = ClawBackForm(request.POST)
    if form.is_valid():
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
