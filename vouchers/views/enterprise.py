"""Enterprise pages: open programs, apply, my vouchers, order a service, answer a delivery."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import action_required
from accounts.downloads import csv_response
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from accounts.models import User
from accounts.selectors import audit_trail_for
from config.db_routers import streaming
from vouchers import material_selectors, selectors, visibility
from vouchers.as_of import voucher_as_of
from vouchers.forms import ApplicationForm, CancelForm, DisputeForm, OrderForm
from vouchers.forms.fields import yuan_initial
from vouchers.forms.materials import uploads_of
from vouchers.models import Application, Delivery, Program, ServiceCategory
from vouchers.services import application_returns, applications, deliveries, orders
from vouchers.views.as_of import as_of_choice
from vouchers.views.common import (
    Row,
    Summary,
    confirm_page,
    is_confirmed,
    money,
    now,
    paginate,
    sort,
    submit_once,
    wants_csv,
    yuan_text,
)

APPLICATION_FIELDS = dict.fromkeys(
    ["over_annual_cap", "over_group_cap", "over_budget", "over_per_claim_max"], "amount_fen"
)
ORDER_FIELDS = {
    "contract_in_use": "contract_number", "service_not_offered": "category",
    "category_not_eligible": "category", "voucher_exhausted": "voucher",
    "voucher_expired": "voucher", "voucher_not_active": "voucher", "not_your_voucher": "voucher",
    "voucher_share_zero": "total_fee_fen",
}


@action_required("program.view")
def program_list(request):
    """Open programs of the enterprise's region with its remaining cap; authorities see theirs."""
    user = request.user
    if user.role == User.Role.ENTERPRISE:  # presentation: only the open ones, with its cap
        programs = selectors.open_programs_for(enterprise=user.organisation, now=now())
    else:
        programs = selectors.programs_visible_to(actor=user)
    return render(request, "vouchers/enterprise/programs.html", {"programs": programs})


@action_required("application.submit")
@require_http_methods(["GET", "POST"])
def application_create(request, pk: int):
    enterprise = request.user.organisation
    # Only programs of the enterprise's own region exist for it.
    program = get_object_or_404(Program, pk=pk, region_id=enterprise.region_id)
    form = ApplicationForm(request.POST or None, request.FILES or None, program=program)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            return submit_once(request, lambda: reverse(
                "vouchers:application_detail",
                args=[applications.application_submit(
                    actor=request.user, program=program, amount_fen=data["amount_fen"],
                    purpose=data["purpose"], planned_categories=data["planned_categories"],
                    documents=uploads_of(form), now=now(),
                ).pk],
            ), success=_("申领已提交，请等待科技主管部门审核。"))
        except ApplicationError as error:
            add_application_error(form, error, fields_by_code=APPLICATION_FIELDS)
    [current] = [p for p in selectors.open_programs_for(enterprise=enterprise, now=now())
                 if p.pk == program.pk] or [None]
    return render(request, "vouchers/enterprise/apply.html", {
        "program": program, "form": form, "open_program": current,
        "materials": material_selectors.program_material_list(program=program),
    })


@action_required("application.view")
def application_list(request):
    items = selectors.applications_visible_to(actor=request.user)
    state = request.GET.get("state", "")
    if state:
        items = items.filter(state=state)
    items, sort_key = sort(request, items, {"submitted": "submitted_at", "amount": "amount_fen"},
                           "-submitted")
    if wants_csv(request):
        return csv_response(
            filename="applications.csv",
            header=["编号", "项目", "企业", "申领金额（元）", "批准金额（元）", "状态", "提交时间"],
            rows=((a.pk, str(a.program), a.enterprise.name, yuan_text(a.amount_fen),
                   yuan_text(a.approved_fen), a.get_state_display(), f"{a.submitted_at:%Y-%m-%d}")
                  for a in streaming(items.select_related("enterprise")).iterator()),
        )
    return render(request, "vouchers/enterprise/applications.html", {
        "page": paginate(request, items), "state": state, "sort": sort_key,
        "states": Application.State.choices,
    })


@action_required("application.view")
def application_detail(request, pk: int):
    application = get_object_or_404(selectors.applications_visible_to(actor=request.user), pk=pk)
    return render(request, "vouchers/enterprise/application_detail.html", {
        "application": application, "trail": audit_trail_for(target=application),
        "submissions": material_selectors.application_submissions(application=application),
        "materials": material_selectors.application_materials_status(application=application),
        "can_resubmit": application.state == Application.State.RETURNED
        and application.enterprise_id == request.user.organisation_id,
    })


@action_required("application.submit")
@require_http_methods(["GET", "POST"])
def application_resubmit(request, pk: int):
    """Correct a returned application (amount, purpose, categories, documents) and resubmit."""
    mine = selectors.applications_visible_to(actor=request.user, action="application.submit")
    application = get_object_or_404(mine, pk=pk)
    if application.state != Application.State.RETURNED:
        messages.info(request, _("该申领不在退回修改状态，无需重新提交。"))
        return redirect("vouchers:application_detail", pk=application.pk)
    status = material_selectors.application_materials_status(application=application)
    kept = {m.key: m.document.original_name for m in status if m.document}
    form = ApplicationForm(
        request.POST or None, request.FILES or None, program=application.program, kept=kept,
        initial={"amount_fen": yuan_initial(application.amount_fen),
                 "purpose": application.purpose,
                 "planned_categories": list(application.planned_categories.all())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            application_returns.application_resubmit(
                actor=request.user, application=application, amount_fen=data["amount_fen"],
                purpose=data["purpose"], planned_categories=data["planned_categories"],
                documents=uploads_of(form), now=now(),
            )
            return reverse("vouchers:application_detail", args=[application.pk])

        try:
            return submit_once(request, perform,
                               success=_("申领已重新提交，请等待科技主管部门审核。"))
        except ApplicationError as error:
            add_application_error(form, error, fields_by_code=APPLICATION_FIELDS)
    return render(request, "vouchers/enterprise/resubmit.html", {
        "application": application, "program": application.program, "form": form,
        "materials": material_selectors.program_material_list(program=application.program),
    })


@action_required("voucher.view")
def voucher_list(request):
    vouchers = selectors.vouchers_visible_to(actor=request.user)
    if wants_csv(request):
        return csv_response(
            filename="vouchers.csv",
            header=["券号", "项目", "面额（元）", "可用（元）", "预留（元）", "已使用（元）",
                    "状态", "使用截止"],
            rows=((v.code, str(v.program), yuan_text(v.amount_fen), yuan_text(v.available_fen),
                   yuan_text(v.held_fen), yuan_text(v.spent_fen), v.get_state_display(),
                   f"{v.expires_at:%Y-%m-%d}") for v in vouchers),
        )
    page, as_of = paginate(request, vouchers), as_of_choice(request)
    if as_of.moment is not None:  # the page's vouchers, from the journal up to that moment
        for voucher in page.object_list:
            figures = voucher_as_of(voucher, moment=as_of.moment)
            voucher.available_fen, voucher.held_fen, voucher.spent_fen = (
                figures.available_fen, figures.held_fen, figures.spent_fen)
    return render(request, "vouchers/enterprise/vouchers.html", {"page": page, "as_of": as_of})


@action_required("order.place")
@require_http_methods(["GET", "POST"])
def order_create(request, institution_pk: int):
    """Fill in the order, preview the voucher portion and own share, then confirm."""
    enterprise = request.user.organisation
    institution = get_object_or_404(visibility.institutions_directory(), pk=institution_pk)
    vouchers = selectors.vouchers_to_order_with(enterprise=enterprise)
    categories = ServiceCategory.objects.filter(
        pk__in=selectors.institution_catalogue(institution=institution).values("category_id"))
    form = OrderForm(request.POST or None, vouchers=vouchers, categories=categories)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        preview = _order_preview(form, institution)
        if preview is not None and "confirm" in request.POST:
            try:
                return submit_once(request, lambda: reverse("vouchers:order_detail", args=[
                    orders.order_place(
                        actor=request.user, voucher=data["voucher"], institution=institution,
                        category=data["category"], contract_number=data["contract_number"],
                        total_fee_fen=data["total_fee_fen"], now=now(),
                        fee_justification=data["fee_justification"],
                    ).pk]), success=_("订单已提交，创新券支付部分已预留。"))
            except ApplicationError as error:
                add_application_error(form, error, fields_by_code=ORDER_FIELDS)
                preview = None
    return render(request, "vouchers/enterprise/order_form.html", {
        "institution": institution, "form": form, "preview": preview,
        "catalogue": selectors.institution_catalogue(institution=institution),
    })


def _order_preview(form: OrderForm, institution) -> dict | None:
    """The preview of a valid order form, or None with the reason added to the form."""
    data = form.cleaned_data
    try:
        preview = selectors.order_preview(
            voucher=data["voucher"], institution=institution, category=data["category"],
            total_fee_fen=data["total_fee_fen"],
        )
    except ApplicationError as error:
        add_application_error(form, error, fields_by_code=ORDER_FIELDS)
        return None
    if preview is None:
        form.add_error("category", _("该服务类别不在所选创新券项目的支持范围内"))
    return preview


@action_required("order.cancel")
@require_POST
def order_cancel(request, pk: int):
    order = get_object_or_404(selectors.orders_visible_to(actor=request.user), pk=pk)
    form = CancelForm(request.POST)
    form.is_valid()
    if not is_confirmed(request):
        return confirm_page(request, Summary(
            title=_("确认取消订单"), button=_("确认取消订单"), destructive=True,
            back_url=reverse("vouchers:order_detail", args=[order.pk]),
            rows=[Row(_("订单"), f"#{order.pk} · {order.contract_number}"),
                  Row(_("服务机构"), order.institution.name),
                  money(_("服务费"), order.total_fee_fen),
                  money(_("退回创新券的预留金额"), order.voucher_fen)],
            consequences=[_("订单将被取消，服务机构不能再登记交付或申请兑付。"),
                          _("创新券为该订单预留的金额退回创新券，可用于其他订单。")],
        ))

    def perform() -> str:
        orders.order_cancel(actor=request.user, order=order,
                            reason=form.cleaned_data.get("reason", ""), now=now())
        return reverse("vouchers:order_detail", args=[order.pk])

    try:
        return submit_once(request, perform, success=_("订单已取消，预留金额已退回创新券。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("vouchers:order_detail", pk=order.pk)


def _delivery_for(request, pk: int) -> Delivery:
    visible = selectors.orders_visible_to(actor=request.user)
    return get_object_or_404(Delivery.objects.select_related("order"), pk=pk, order__in=visible)


@action_required("delivery.confirm")
@require_POST
def delivery_confirm(request, pk: int):
    delivery = _delivery_for(request, pk)
    if not is_confirmed(request):
        order = delivery.order
        return confirm_page(request, Summary(
            title=_("确认交付"), button=_("确认交付"),
            back_url=reverse("vouchers:order_detail", args=[order.pk]),
            rows=[Row(_("订单"), f"#{order.pk} · {order.contract_number}"),
                  Row(_("服务机构"), order.institution.name),
                  Row(_("交付日期"), delivery.delivered_on),
                  Row(_("服务内容"), delivery.description),
                  money(_("创新券支付"), order.voucher_fen)],
            consequences=[_("您确认已收到所登记的服务；确认后不能再提出异议。"),
                          _("收款方随后可以向发券地区申请兑付创新券支付部分。")],
        ))

    def perform() -> str:
        deliveries.delivery_confirm(actor=request.user, delivery=delivery, now=now())
        return reverse("vouchers:order_detail", args=[delivery.order_id])

    try:
        return submit_once(request, perform, success=_("已确认交付。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("vouchers:order_detail", pk=delivery.order_id)


@action_required("delivery.dispute")
@require_http_methods(["GET", "POST"])
def delivery_dispute(request, pk: int):
    delivery = _delivery_for(request, pk)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def perform() -> str:
            deliveries.delivery_dispute(actor=request.user, delivery=delivery,
                                        reason=form.cleaned_data["reason"], now=now())
            return reverse("vouchers:order_detail", args=[delivery.order_id])

        try:
            return submit_once(request, perform,
                               success=_("已提出异议，服务机构可重新登记交付。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/enterprise/dispute.html",
                  {"delivery": delivery, "form": form})
