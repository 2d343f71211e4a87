"""Sanction pages of the issuing region's reviewer: revoke a voucher, withdraw an approved
claim, decide on what a blacklisting suspended (vouchers.services.sanctions)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from accounts.selectors import audit_trail_for
from vouchers import visibility
from vouchers.forms import SuspensionDecisionForm, VoucherRevokeForm, WithdrawForm
from vouchers.models import Redemption, ServiceOrder, Voucher
from vouchers.services import sanctions
from vouchers.services import vouchers as voucher_services
from vouchers.views.common import (
    Row,
    Summary,
    confirm_page,
    int_or_none,
    is_confirmed,
    money,
    now,
    submit_once,
    wants_edit,
)
from vouchers.views.reviews import redemption_page

_R, _O = Redemption.State, ServiceOrder.State


@action_required("application.review")
@require_http_methods(["GET", "POST"])
def voucher_review(request, pk: int):
    """The voucher as its issuing region's reviewer sees it: balances, orders and claims, and
    the revocation (a sanction) with its reason and a confirmation."""
    vouchers = visibility.vouchers_visible_to(actor=request.user, action="application.review")
    voucher = get_object_or_404(
        visibility.with_voucher_balances(vouchers).select_related(
            "program__region", "enterprise", "application"), pk=pk)
    form = VoucherRevokeForm(request.POST or None)
    if voucher.state == Voucher.State.REVOKED:
        form = None
    elif request.method == "POST" and form.is_valid():
        if not is_confirmed(request):
            if not wants_edit(request):
                return confirm_page(request, _revoke_summary(voucher, form.cleaned_data["reason"]))
        else:
            def perform() -> str:
                voucher_services.voucher_revoke(actor=request.user, voucher=voucher,
                                                reason=form.cleaned_data["reason"], now=now())
                return reverse("vouchers:voucher_review", args=[voucher.pk])

            try:
                return submit_once(request, perform, success=_("创新券已作废。"))
            except ApplicationError as error:
                add_application_error(form, error)
    orders = voucher.orders.select_related("institution").order_by("pk")
    claims = Redemption.objects.filter(order__voucher=voucher).order_by("pk")
    return render(request, "vouchers/reviews/voucher_review.html", {
        "voucher": voucher, "form": form, "orders": orders, "claims": claims,
        "trail": audit_trail_for(target=voucher),
    })


def _revoke_summary(voucher: Voucher, reason: str) -> Summary:
    open_orders = voucher.orders.filter(state__in=sanctions.OPEN_ORDER_STATES).count()
    open_claims = Redemption.objects.filter(
        order__voucher=voucher, state__in=sanctions.OPEN_CLAIM_STATES).count()
    return Summary(
        title=_("确认作废创新券"), button=_("确认作废"), destructive=True,
        rows=[Row(_("创新券"), voucher.code), Row(_("企业"), voucher.enterprise.name),
              money(_("可用余额"), getattr(voucher, "available_fen", None)),
              Row(_("未完结的订单"), open_orders), Row(_("尚未支付的兑付"), open_claims),
              Row(_("作废原因"), reason)],
        consequences=[
            _("余额和全部预留退回项目预算；已下单的订单取消，已交付未兑付的订单作废终止（交付和材料保留）。"),
            _("待审核的兑付作废，已批准未支付的兑付撤回并移出支付批次；已支付的兑付不受影响，可另行追回。"),
            _("此操作不可撤销。"),
        ],
    )


@action_required("redemption.review")
@require_http_methods(["POST"])
def redemption_withdraw(request, pk: int):
    reviewable = visibility.redemptions_visible_to(actor=request.user,
                                                   action="redemption.review")
    redemption = get_object_or_404(reviewable, pk=pk, state=_R.APPROVED)
    form = WithdrawForm(request.POST)
    if form.is_valid() and not is_confirmed(request) and not wants_edit(request):
        destination = redemption.Destination(form.cleaned_data["destination"])
        consequences = [_("应付款项以冲正记录退回，原批准记录保留；兑付移出未支付的批次。")]
        if destination == redemption.Destination.HOLD:
            consequences.append(_("订单恢复为已交付，创新券支付部分重新预留；收款方可更正后以同一发票和合同再次申请兑付。"))
        else:
            consequences.append(_("订单作废终止，同一发票和合同不能再次申请兑付。"))
        return confirm_page(request, Summary(
            title=_("确认撤回已批准的兑付"), button=_("确认撤回"), destructive=True,
            rows=[Row(_("收款方"), redemption.payee.name),
                  money(_("核定金额"), redemption.approved_fen),
                  Row(_("款项去向"), destination.label),
                  Row(_("撤回原因"), form.cleaned_data["reason"])],
            consequences=consequences,
        ))
    if form.is_valid() and is_confirmed(request):
        def perform() -> str:
            sanctions.redemption_withdraw(
                actor=request.user, redemption=redemption, reason=form.cleaned_data["reason"],
                destination=form.cleaned_data["destination"], now=now(),
            )
            return reverse("vouchers:redemption_detail", args=[redemption.pk])

        try:
            return submit_once(request, perform, success=_("已撤回该兑付。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return redemption_page(request, redemption, withdraw_form=form)


@action_required("redemption.review")
@require_http_methods(["GET", "POST"])
def suspensions(request):
    """What blacklistings suspended among the region's claims and orders, each to decide."""
    region_id = request.user.organisation.region_id
    claims = Redemption.objects.filter(state=_R.SUSPENDED, program__region_id=region_id) \
        .select_related("payee", "order__enterprise").order_by("pk")
    orders = ServiceOrder.objects.filter(state=_O.SUSPENDED,
                                         voucher__program__region_id=region_id) \
        .select_related("enterprise", "institution", "voucher").order_by("pk")
    kind, item_pk = request.POST.get("kind"), int_or_none(request.POST.get("item"))
    form = SuspensionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if kind not in ("redemption", "order") or item_pk is None:
            raise Http404
        record = get_object_or_404(claims if kind == "redemption" else orders, pk=item_pk)
        if not is_confirmed(request):
            if not wants_edit(request):
                return confirm_page(request, _decision_summary(record, form.cleaned_data))
        else:
            try:
                return submit_once(request, _perform(request, record, form.cleaned_data),
                                   success=_("已处理暂停事项。"))
            except ApplicationError as error:
                add_application_error(form, error)
    failed = (kind, item_pk) if form.errors else None

    def row_form(row_kind: str, pk: int) -> SuspensionDecisionForm:
        if failed == (row_kind, pk):
            return form
        return SuspensionDecisionForm(auto_id=f"id_%s_{row_kind}_{pk}")

    return render(request, "vouchers/oversight/suspensions.html", {
        "claims": [(claim, row_form("redemption", claim.pk)) for claim in claims],
        "orders": [(order, row_form("order", order.pk)) for order in orders],
    })


def _perform(request, record, data):
    def perform() -> str:
        common = {"actor": request.user, "now": now()}
        stop = {"reason": data["reason"], "destination": data["destination"]}
        if isinstance(record, Redemption):
            if data["decision"] == "lift":
                sanctions.redemption_suspension_lift(redemption=record, **common)
            else:
                sanctions.redemption_suspension_reject(redemption=record, **common, **stop)
        elif data["decision"] == "lift":
            sanctions.order_suspension_lift(order=record, **common)
        else:
            sanctions.order_suspension_reject(order=record, **common, **stop)
        return reverse("vouchers:suspensions")

    return perform


def _decision_summary(record: Redemption | ServiceOrder, data: dict) -> Summary:
    lift = data["decision"] == "lift"
    back_to = record.get_suspended_from_display()
    if isinstance(record, Redemption):
        rows = [Row(_("兑付"), f"#{record.pk}"), Row(_("收款方"), record.payee.name),
                money(_("金额"), record.approved_fen or record.requested_fen)]
    else:
        rows = [Row(_("订单"), f"#{record.pk} {record.contract_number}"),
                Row(_("企业"), record.enterprise.name), money(_("创新券支付"), record.voucher_fen)]
    if lift:
        return Summary(title=_("确认解除暂停"), button=_("确认解除暂停"), rows=rows,
                       consequences=[_("恢复为暂停前的状态：%(state)s。") % {"state": back_to}])
    rows += [Row(_("款项去向"), Redemption.Destination(data["destination"]).label),
             Row(_("原因"), data["reason"])]
    return Summary(title=_("确认驳回并终止"), button=_("确认驳回"), rows=rows, destructive=True,
                   consequences=[_("该事项终止，不能再恢复；款项按所选去向退回。")])
