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
from config.db_routers import streaming
from vouchers import selectors
from vouchers.forms import BatchCancelForm, BatchCreateForm, BatchPayForm
from vouchers.models import PaymentBatch
from vouchers.services import settlements
from vouchers.todo import todo_item
from vouchers.views.common import (
    Row,
    Summary,
    confirm_page,
    int_or_none,
    is_confirmed,
    money,
    now,
    paginate,
    sort,
    submit_once,
    wants_csv,
    wants_edit,
    yuan_text,
)

TREASURY_HEADER = ["批次号", "收款方", "收款方统一社会信用代码", "兑付编号", "券号", "企业",
                   "发票代码", "发票号码", "合同编号", "金额（元）"]


@action_required("batch.view")
def batch_list(request):
    user = request.user
    batches = selectors.batches_visible_to(actor=user)
    state = request.GET.get("state", "")
    todo = todo_item(user, request.GET.get("todo"), url_name="vouchers:batch_list")
    if todo is not None:  # exactly what the home page counted
        batches, state = todo.items(user), ""
    elif state:
        batches = batches.filter(state=state)
    batches, sort_key = sort(request, batches, {"created": "created_at", "total": "total_fen"},
                             "-created")
    if wants_csv(request):
        return csv_response(
            filename="payment-batches.csv",
            header=["批次号", "地区", "收款方", "合计（元）", "状态", "创建日期", "国库支付凭证号"],
            rows=((b.number, b.region.name, b.payee.name, yuan_text(b.total_fen),
                   b.get_state_display(), f"{b.created_at:%Y-%m-%d}", b.payment_reference)
                  for b in streaming(batches).iterator()),
        )
    is_finance = user.role == User.Role.AUTHORITY_FINANCE
    return render(request, "vouchers/settlement/batches.html", {
        "page": paginate(request, batches), "state": state, "sort": sort_key,
        "states": PaymentBatch.State.choices,
        "unbatched": selectors.authority_unbatched_by_payee(actor=user) if is_finance else None,
        "new_token": new_form_token, "todo": todo,
    })


@action_required("batch.manage")
@require_http_methods(["GET", "POST"])
def batch_create(request):
    """The payee's approved, unbatched redemptions as a checklist (all ticked); the officer
    picks, sees the summary, confirms; only then is the batch made."""
    payee_id = int_or_none(request.POST.get("payee") or request.GET.get("payee"))
    waiting = selectors.authority_unbatched_of_payee(actor=request.user, payee_id=payee_id or 0)
    items = list(waiting)
    if not items and request.method == "GET":
        messages.error(request, _("该收款方没有待编入批次的已批准兑付。"))
        return redirect("vouchers:batch_list")
    payee = items[0].payee if items else get_object_or_404(Organisation, pk=payee_id)
    form = BatchCreateForm(request.POST or None, initial={
        "payee": payee.pk, "redemptions": [item.pk for item in items]})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["redemptions"]
        if is_confirmed(request):
            def perform() -> str:
                batch = settlements.payment_batch_create(
                    actor=request.user, payee=payee, redemption_ids=chosen, now=now())
                return reverse("vouchers:batch_detail", args=[batch.pk])

            try:
                return submit_once(request, perform, success=_("支付批次已创建。"))
            except ApplicationError as error:
                add_application_error(form, error)
        elif not wants_edit(request):
            return confirm_page(request, _batch_summary(payee, items, chosen))
    ticked = set(form.cleaned_data["redemptions"]) if form.is_bound and form.is_valid() else (
        {item.pk for item in items})
    return render(request, "vouchers/settlement/batch_create.html", {
        "payee": payee, "form": form, "items": items, "ticked": ticked,
        "total_fen": sum(item.approved_fen for item in items),
    })


def _batch_summary(payee, items, chosen) -> Summary:
    picked = [item for item in items if item.pk in set(chosen)]
    return Summary(
        title=_("确认创建支付批次"), button=_("确认创建批次"),
        rows=[Row(_("收款方"), payee.name), Row(_("统一社会信用代码"), payee.credit_code),
              Row(_("兑付笔数"), len(chosen)),
              money(_("批次合计"), sum(item.approved_fen for item in picked))],
        consequences=[_("所选兑付编入同一支付批次，获得批次号；未选的兑付留待下一批次。"),
                      _("批次创建后可导出国库支付清单；支付前可以撤销批次。")],
        table=([_("兑付"), _("企业"), _("发票号码"), _("核定金额")],
               [[f"#{item.pk}", item.order.enterprise.name, item.invoice_number,
                 item.approved_fen] for item in picked], {3}),
    )


@action_required("batch.view")
@require_http_methods(["GET", "POST"])
def batch_detail(request, pk: int):
    batch = get_object_or_404(selectors.batches_visible_to(actor=request.user), pk=pk)
    is_finance = request.user.role == User.Role.AUTHORITY_FINANCE
    is_open = batch.state == PaymentBatch.State.OPEN
    pay_form = BatchPayForm(request.POST or None) if is_finance and is_open else None
    if (pay_form is not None and request.method == "POST" and pay_form.is_valid()
            and not is_confirmed(request) and not wants_edit(request)):
        return confirm_page(request, _pay_summary(batch, pay_form.cleaned_data))
    if pay_form is not None and is_confirmed(request) and pay_form.is_valid():
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


def _pay_summary(batch, data) -> Summary:
    return Summary(
        title=_("确认登记国库支付"), button=_("确认已支付"),
        rows=[Row(_("批次号"), batch.number), Row(_("收款方"), batch.payee.name),
              Row(_("兑付笔数"), batch.redemptions.count()), money(_("合计"), batch.total_fen),
              Row(_("国库支付凭证号"), data["payment_reference"]),
              Row(_("国库支付日期"), data["paid_on"])],
        consequences=[_("批次及其中的兑付标记为已支付，款项从应付转为已支付，并通知收款方。")],
    )


@action_required("batch.manage")
@require_POST
def batch_cancel(request, pk: int):
    batch = get_object_or_404(selectors.batches_visible_to(actor=request.user), pk=pk)
    form = BatchCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤销批次必须填写原因。"))
        return redirect("vouchers:batch_detail", pk=batch.pk)
    if not is_confirmed(request):
        return confirm_page(request, Summary(
            title=_("确认撤销批次"), button=_("确认撤销批次"), destructive=True,
            back_url=reverse("vouchers:batch_detail", args=[batch.pk]),
            rows=[Row(_("批次号"), batch.number), Row(_("收款方"), batch.payee.name),
                  money(_("合计"), batch.total_fen),
                  Row(_("撤销原因"), form.cleaned_data["reason"])],
            consequences=[_("批次撤销后不能恢复；其中的兑付回到待编入批次，可编入新的批次。")],
        ))

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
