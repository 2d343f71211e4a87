"""Two-tier review pages (the city reviewer's queue and recommendation; the program's tiers)
and bulk review (started from the region's queues; a job page that polls its progress)."""

from __future__ import annotations

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from vouchers import review_selectors, selectors
from vouchers.forms.tiers import BulkReviewForm, RecommendForm, ReviewTiersForm
from vouchers.models import Application, BulkReview, Program, Recommendation
from vouchers.program_selectors import program_awaiting_without_recommendation
from vouchers.review_selectors import bulk_review_progress, bulk_reviews_visible_to
from vouchers.services import bulk_reviews, program_changes, recommendations
from vouchers.views.common import (
    Row,
    Summary,
    confirm_page,
    is_confirmed,
    money,
    now,
    paginate,
    submit_once,
    wants_edit,
)


@action_required("application.recommend")
def city_queue(request):
    """The city reviewer's applications and redemptions awaiting its recommendation."""
    applications = paginate(request, review_selectors.city_application_queue(actor=request.user))
    redemptions = review_selectors.city_redemption_queue(actor=request.user)[:100]
    return render(request, "vouchers/reviews/city_queue.html", {
        "page": applications, "redemptions": redemptions,
        "city": request.user.review_city,
    })


@action_required("application.recommend")
@require_http_methods(["GET", "POST"])
def application_recommend(request, pk: int):
    application = get_object_or_404(
        review_selectors.city_application_queue(actor=request.user), pk=pk)
    return _recommend(request, application, rows=[
        Row(_("企业"), application.enterprise.name), Row(_("项目"), str(application.program)),
        money(_("申领金额"), application.amount_fen)],
        requested_fen=application.amount_fen,
        perform=lambda data: recommendations.application_recommend(
            actor=request.user, application=application, now=now(), **data))


@action_required("redemption.recommend")
@require_http_methods(["GET", "POST"])
def redemption_recommend(request, pk: int):
    redemption = get_object_or_404(
        review_selectors.city_redemption_queue(actor=request.user), pk=pk)
    return _recommend(request, redemption, rows=[
        Row(_("企业"), redemption.order.enterprise.name),
        Row(_("服务机构"), redemption.order.institution.name),
        money(_("申请兑付金额"), redemption.requested_fen)],
        requested_fen=redemption.requested_fen,
        perform=lambda data: recommendations.redemption_recommend(
            actor=request.user, redemption=redemption, now=now(), **data))


def _recommend(request, record, *, rows, requested_fen, perform):
    existing = review_selectors.recommendation_for(record)
    form = RecommendForm(request.POST or None) if existing is None else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("decision", "amount_fen", "reason")}
        if not is_confirmed(request) and not wants_edit(request):
            approve = data["decision"] == Recommendation.Decision.APPROVE
            return confirm_page(request, Summary(
                title=_("确认初审意见"), button=_("确认提交"),
                rows=[*rows, Row(_("初审意见"), dict(form.fields["decision"].choices)[
                    data["decision"]]),
                      *([money(_("建议金额"), data["amount_fen"] or requested_fen)]
                        if approve else []),
                      Row(_("初审说明"), data["reason"])],
                consequences=[_("初审意见提交后不能修改，由本地区审核员作出决定。")],
            ))
        if is_confirmed(request):
            def done() -> str:
                perform(data)
                return reverse("vouchers:city_queue")

            try:
                return submit_once(request, done, success=_("初审意见已提交。"))
            except ApplicationError as error:
                add_application_error(form, error)
    return render(request, "vouchers/reviews/recommend.html", {
        "record": record, "rows": rows, "form": form, "recommendation": existing,
        "is_application": isinstance(record, Application),
    })


@action_required("program.manage")
@require_http_methods(["GET", "POST"])
def program_review_tiers(request, pk: int):
    """Require (or not) a city's first review of the program's applications and redemptions."""
    program = get_object_or_404(Program, pk=pk, region_id=request.user.organisation.region_id)
    form = ReviewTiersForm(request.POST or None, initial={
        "application_city_review": program.application_city_review,
        "redemption_city_review": program.redemption_city_review,
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            program_changes.program_review_tiers_change(
                actor=request.user, program=program, now=now(), reason=data["reason"],
                application_city_review=data["application_city_review"],
                redemption_city_review=data["redemption_city_review"])
            return reverse("vouchers:program_update", args=[program.pk])

        try:
            return submit_once(request, perform, success=_("审核层级已调整。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/programs/review_tiers.html", {
        "form": form, "program": program,
        "awaiting": program_awaiting_without_recommendation(program=program),
    })


@action_required("application.review")
@require_POST
def application_bulk_review(request):
    return _bulk_start(request, BulkReview.Kind.APPLICATION, "vouchers:application_queue")


@action_required("redemption.review")
@require_POST
def redemption_bulk_review(request):
    return _bulk_start(request, BulkReview.Kind.REDEMPTION, "vouchers:redemption_queue")


def _bulk_start(request, kind: str, queue_url: str):
    form = BulkReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        record_ids = data["record_ids"] if data["scope"] == "selected" else None
        if not is_confirmed(request):
            count = len(record_ids) if record_ids is not None else _queue(request, kind, data)
            approve = data["decision"] == BulkReview.Decision.APPROVE
            return confirm_page(request, Summary(
                title=_("确认批量审核"), button=_("确认提交"), destructive=not approve,
                back_url=reverse(queue_url),
                rows=[Row(_("事项数"), count),
                      Row(_("批量审核结果"), dict(form.fields["decision"].choices)[
                          data["decision"]]),
                      Row(_("意见或原因"), data["reason"])],
                consequences=[
                    _("在后台逐项审核，每一项与单独审核相同：同样的检查、风险提示和审计记录。"),
                    _("未能通过检查的事项（如预算不足、须回避、须经市级初审、有风险提示）"
                      "将被跳过并注明原因，其余事项照常处理。"),
                ],
            ))

        def perform() -> str:
            job = bulk_reviews.bulk_review_start(
                actor=request.user, kind=kind, decision=data["decision"],
                reason=data["reason"], record_ids=record_ids, program_id=data["program"],
                now=now())
            return reverse("vouchers:bulk_review_detail", args=[job.pk])

        try:
            return submit_once(request, perform, success=_("批量审核已提交，正在后台处理。"))
        except ApplicationError as error:
            add_application_error(form, error)
    for errors in form.errors.values():  # the queue page shows what was wrong
        for error in errors:
            messages.error(request, error)
    return redirect(queue_url)


def _queue(request, kind: str, data) -> int:
    queue = (selectors.authority_application_queue(actor=request.user)
             if kind == BulkReview.Kind.APPLICATION
             else selectors.authority_redemption_queue(actor=request.user))
    if data["program"]:
        queue = queue.filter(program_id=data["program"])
    return queue.count()


@action_required("application.review")
def bulk_review_detail(request, pk: int):
    job = get_object_or_404(bulk_reviews_visible_to(actor=request.user), pk=pk)
    skipped = job.items.filter(outcome="skipped").select_related(
        "application__enterprise", "redemption__order__enterprise").order_by("position")
    return render(request, "vouchers/reviews/bulk_review.html", {
        "job": job, "progress": bulk_review_progress(job), "skipped": paginate(request, skipped),
    })


@action_required("application.review")
def bulk_review_progress_json(request, pk: int):
    job = get_object_or_404(bulk_reviews_visible_to(actor=request.user), pk=pk)
    progress = bulk_review_progress(job)
    return JsonResponse({"id": job.pk, "status": job.status, "progress": progress.percent,
                         "done_count": progress.done, "skipped_count": progress.skipped,
                         "pending_count": progress.pending, "done": progress.finished})

