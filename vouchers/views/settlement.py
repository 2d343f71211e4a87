"""Payment batches: the finance officer gathers approved redemptions per payee, exports the
treasury's CSV and records the payment; reviewers and the operator read."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import action_required
from accounts.downloads import csv_response
from accounts.errors import ApplicationError
from accounts.forms import add_application_error, new_form_token
from accounts.models import Organisation, User
from accounts.selectors import audit_trail_for
from vouchers import selectors
from vouchers.forms import BatchCancelForm, BatchCreateForm, BatchPayForm
from vouchers.models import PaymentBatch
from vouchers.services import settlements
from vouchers.views.common import now, paginate, sort, submit_once, wants_csv, yuan_text

TREASURY_HEADER = ["批次号", "收款方", "收款方统一社会信用代码", "兑付编号", "券号", "企业",
                   "发票代码", "发票号码", "合同编号", "金额（元）"]


@action_required("batch.view")
def batch_list(request):
    user = request.user
    batches = selectors.batches_visible_to(actor=user)
    state = request.GET.get("state", "")
    if state:
        batches = batches.filter(state=state)
    batches, sort_key = sort(request, batches, {"created": "created_at", "total": "total_fen"},
                             "-created")
    if wants_csv(request):
        return csv_response(
            filename="payment-batches.csv",
            header=["批次号", "地区", "收款方", "合计（元）", "状态", "创建日期", "国库支付凭证号"],
            rows=((b.number, b.region.name, b.payee.name, yuan_text(b.total_fen),
                   b.get_state_display(), f"{b.created_at:%Y-%m-%d}", b.payment_reference)
                  for b in batches.iterator()),
        )
    is_finance = user.role == User.Role.AUTHORITY_FINANCE
    return render(request, "vouchers/settlement/batches.html", {
        "page": paginate(request, batches), "state": state, "sort": sort_key,
        "states": PaymentBatch.State.choices,
        "unbatched": selectors.authority_unbatched_by_payee(actor=user) if is_finance else None,
        "new_token": new_form_token,
    })


@action_required("batch.manage")
@require_POST
def batch_create(request):
    form = BatchCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择收款方。"))
        return redirect("vouchers:batch_list")
    payee = get_object_or_404(Organisation, pk=form.cleaned_data["payee"])

    def perform() -> str:
        batch = settlements.payment_batch_create(actor=request.user, payee=payee, now=now())
        return reverse("vouchers:batch_detail", args=[batch.pk])

    try:
        return submit_once(request, perform, success=_("支付批次已创建。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("vouchers:batch_list")


@action_required("batch.view")
@require_http_methods(["GET", "POST"])
def batch_detail(request, pk: int):
    batch = get_object_or_404(selectors.batches_visible_to(actor=request.user), pk=pk)
    is_finance = request.user.role == User.Role.AUTHORITY_FINANCE
    is_open = batch.state == PaymentBatch.State.OPEN
    pay_form = BatchPayForm(request.POST or None) if is_finance and is_open else None
    if pay_form is not None and request.method == "POST" and pay_form.is_valid():
        data = pay_form.cleaned_data

        def perform() -> str:
            settlements.payment_batch_pay(
                actor=request.user, batch=batch, payment_reference=data["payment_reference"],
                paid_on=data["paid_on"], now=now(),
            )
            return reverse("vouchers:batch_detail", args=[batch.pk])

        try:
            return submit_once(request, perform, success=_("已登记国库支付。"))
        except ApplicationError as error:
            add_application_error(pay_form, error)
    return render(request, "vouchers/settlement/batch_detail.html", {
        "batch": batch,
        "rows": selectors.payment_batch_export_rows(batch=batch),
        "pay_form": pay_form,
        "cancel_form": BatchCancelForm() if is_finance and is_open else None,
        "trail": audit_trail_for(target=batch),
    })


@action_required("batch.manage")
@require_POST
def batch_cancel(request, pk: int):
    batch = get_object_or_404(selectors.batches_visible_to(actor=request.user), pk=pk)
    form = BatchCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤销批次必须填写原因。"))
        return redirect("vouchers:batch_detail", pk=batch.pk)

    def perform() -> str:
        settlements.payment_batch_cancel(
            actor=request.user, batch=batch, reason=form.cleaned_data["reason"], now=now()
        )
        return reverse("vouchers:batch_detail", args=[batch.pk])

    try:
        return submit_once(request, perform, success=_("批次已撤销。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("vouchers:batch_detail", pk=batch.pk)


@action_required("batch.view")
def batch_export(request, pk: int):
    """The treasury's CSV of one batch (payment_batch_export_rows). A read, as on the API:
    whoever may view the batch (batch.view) reads the same rows on its detail page."""
    batch = get_object_or_404(selectors.batches_visible_to(actor=request.user), pk=pk)
    rows = selectors.payment_batch_export_rows(batch=batch)
    return csv_response(
        filename=f"{batch.number}.csv",
        header=TREASURY_HEADER,
        rows=((row["batch_number"], row["payee_name"], row["payee_credit_code"],
               row["redemption_id"], row["voucher_code"], row["enterprise_name"],
               row["invoice_code"], row["invoice_number"], row["contract_number"],
               yuan_text(row["amount_fen"]))
              for row in rows),
    )
