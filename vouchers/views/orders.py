"""Order pages shared by both parties (and readable by authorities): list, detail with its
deliveries, evidence, redemptions and audit trail; logging a delivery; evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts.audit_display import actor_label, object_reference
from accounts.audit_labels import action_label
from accounts.decorators import action_required
from accounts.downloads import csv_response
from accounts.errors import ApplicationError
from accounts.forms import add_application_error, new_form_token
from accounts.models import AuditEntry, User
from config.db_routers import streaming
from vouchers import selectors
from vouchers.forms import CancelForm, DeliveryForm, EvidenceForm
from vouchers.models import Delivery, ServiceOrder
from vouchers.rating_selectors import order_rating
from vouchers.services import deliveries, redemptions
from vouchers.todo import CLAIMED, todo_item
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
from vouchers.views.ratings import rating_form_for

ORDER_SORTS = {"placed": "placed_at", "fee": "total_fee_fen", "voucher": "voucher_fen"}


@action_required("order.view")
def order_list(request):
    orders = selectors.order_list_rows(actor=request.user)
    state = request.GET.get("state", "")
    todo = todo_item(request.user, request.GET.get("todo"), url_name="vouchers:order_list")
    if todo is not None:  # exactly what the home page counted
        orders, state = todo.items(request.user), ""
    elif state:
        orders = orders.filter(state=state)
    orders, sort_key = sort(request, orders, ORDER_SORTS, "-placed")
    if wants_csv(request):
        return csv_response(
            filename="orders.csv",
            header=["订单", "合同编号", "企业", "服务机构", "服务类别", "服务费（元）",
                    "创新券支付（元）", "企业自付（元）", "状态", "下单日期"],
            rows=((o.pk, o.contract_number, o.enterprise.name, o.institution.name,
                   o.category.name, yuan_text(o.total_fee_fen), yuan_text(o.voucher_fen),
                   yuan_text(o.enterprise_share_fen), o.get_state_display(),
                   f"{o.placed_at:%Y-%m-%d}") for o in streaming(orders).iterator()),
        )
    return render(request, "vouchers/orders/list.html", {
        "page": paginate(request, orders), "state": state, "sort": sort_key,
        "states": ServiceOrder.State.choices, "todo": todo,
    })


@action_required("order.view")
def order_detail(request, pk: int):
    user = request.user
    order = get_object_or_404(selectors.orders_visible_to(actor=user), pk=pk)
    order_deliveries = order.deliveries.select_related("logged_by").order_by("-logged_at", "-pk")
    live = order_deliveries.exclude(state=Delivery.State.DISPUTED).first()
    # The files listed are those the user may open (evidence.view: not finance); what is
    # missing is a fact about the order, whoever looks.
    evidence = selectors.evidence_visible_to(actor=user).filter(order=order).select_related(
        "uploaded_by").order_by("kind", "pk")
    missing = sorted(set(order.voucher.program.required_evidence)
                     - set(order.evidence.values_list("kind", flat=True)))
    payee_mode = order.voucher.program.payee_mode
    own = user.organisation_id
    is_enterprise = user.role == User.Role.ENTERPRISE and order.enterprise_id == own
    is_institution = user.role == User.Role.INSTITUTION and order.institution_id == own
    requested = order.redemptions.filter(state__in=CLAIMED).exists()
    rating = order_rating(order=order)
    return render(request, "vouchers/orders/detail.html", {
        "order": order,
        "deliveries": order_deliveries,
        "live_delivery": live,
        "evidence": evidence,
        "missing_evidence": missing,
        "redemptions": order.redemptions.select_related("batch").order_by("-requested_at"),
        "trail": selectors.order_audit_trail(order=order),
        "is_enterprise": is_enterprise,
        "is_institution": is_institution,
        "can_request_redemption": (
            order.payee_id == own and user.role in (User.Role.ENTERPRISE, User.Role.INSTITUTION)
            and order.state == ServiceOrder.State.DELIVERED and live is not None
            and live.state == Delivery.State.CONFIRMED and not requested
        ),
        "evidence_form": (EvidenceForm(payee_mode=payee_mode)
                          if (is_enterprise or is_institution) else None),
        "payee_mode": payee_mode,
        "cancel_form": CancelForm() if is_enterprise else None,
        "rating": rating,
        "rating_form": rating_form_for(order, user=user, live=live, rating=rating),
        "new_token": new_form_token,
    })


@action_required("delivery.log")
@require_http_methods(["GET", "POST"])
def delivery_log(request, pk: int):
    order = get_object_or_404(selectors.orders_visible_to(actor=request.user), pk=pk)
    form = DeliveryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            deliveries.delivery_log(
                actor=request.user, order=order, delivered_on=data["delivered_on"],
                description=data["description"], invoice_code=data["invoice_code"],
                invoice_number=data["invoice_number"], report_number=data["report_number"],
                now=now(),
            )
            return reverse("vouchers:order_detail", args=[order.pk])

        try:
            return submit_once(request, perform,
                               success=_("交付已登记，请上传证明材料并等待企业确认。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/orders/deliver.html", {"order": order, "form": form})


@action_required("evidence.upload")
@require_POST
def evidence_upload(request, pk: int):
    order = get_object_or_404(selectors.orders_visible_to(actor=request.user), pk=pk)
    form = EvidenceForm(request.POST, request.FILES, payee_mode=order.voucher.program.payee_mode)
    if form.is_valid():
        upload = form.cleaned_data["file"]

        def perform() -> str:
            deliveries.evidence_attach(
                actor=request.user, order=order, kind=form.cleaned_data["kind"],
                name=upload.name, content=upload.read(), now=now(),
            )
            return reverse("vouchers:order_detail", args=[order.pk]) + "#evidence"

        try:
            return submit_once(request, perform, success=_("材料已上传。"))
        except ApplicationError as error:
            form.add_error("file", error.message)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, _("上传失败：%(error)s") % {"error": error})
    return redirect(reverse("vouchers:order_detail", args=[order.pk]) + "#evidence")


@action_required("redemption.request")
@require_POST
def redemption_request(request, pk: int):
    order = get_object_or_404(selectors.orders_visible_to(actor=request.user), pk=pk)
    if not is_confirmed(request):
        return confirm_page(request, Summary(
            title=_("确认申请兑付"), button=_("确认申请兑付"),
            back_url=reverse("vouchers:order_detail", args=[order.pk]),
            rows=[Row(_("订单"), f"#{order.pk} · {order.contract_number}"),
                  Row(_("企业"), order.enterprise.name),
                  Row(_("收款方"), order.payee.name),
                  Row(_("发券地区"), order.voucher.program.region.name),
                  money(_("申请兑付金额"), order.voucher_fen)],
            consequences=[_("兑付申请提交给发券地区科技主管部门审核，审核通过后支付给收款方。"),
                          _("同一发票和合同只能兑付一次，提交后不能撤回。")],
        ))

    def perform() -> str:
        redemptions.redemption_request(actor=request.user, order=order, now=now())
        return reverse("vouchers:order_detail", args=[order.pk])

    try:
        return submit_once(request, perform,
                           success=_("兑付申请已提交，等待发券地区科技主管部门审核。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("vouchers:order_detail", pk=order.pk)


@action_required("history.view")
def history(request):
    """The audit lines of the user's organisation's records (authorities: of their region)."""
    user = request.user
    entries = AuditEntry.objects.select_related("actor").order_by("-created_at", "-pk")
    if user.role in (User.Role.ENTERPRISE, User.Role.INSTITUTION):
        entries = selectors.organisation_history(organisation=user.organisation)
    elif user.role != User.Role.OPERATOR:
        entries = account_selectors.audit_entries_of_region(
            entries, region_id=user.organisation.region_id
        )
    if wants_csv(request):
        return csv_response(
            filename="history.csv",
            header=["时间", "操作", "对象", "操作人", "金额（元）", "原因"],
            rows=((f"{e.created_at:%Y-%m-%d %H:%M}", action_label(e.action), _object_text(e),
                   actor_label(e), yuan_text(e.amount_fen), e.reason)
                  for e in streaming(entries).iterator()),
        )
    return render(request, "vouchers/orders/history.html", {"page": paginate(request, entries)})


def _object_text(entry: AuditEntry) -> str:
    reference = object_reference(entry)
    return reference.label if reference else ""
