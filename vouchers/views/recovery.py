"""Claw-backs owed back (追回款): the list with ageing, one claw-back and its repayments."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import scope_for
from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from vouchers.ageing import BUCKETS, age_in_days, bucket_for
from vouchers.forms.recovery import RepaymentForm
from vouchers.models import ClawBack
from vouchers.recovery_selectors import claw_back_repayments, claw_backs_visible
from vouchers.services import recovery
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


def _with_age(claw_back: ClawBack, today) -> ClawBack:
    days = age_in_days(claw_back.created_at, on=today)
    claw_back.age_days = days  # type: ignore[attr-defined]
    claw_back.age_label = bucket_for(days).label  # type: ignore[attr-defined]
    claw_back.is_overdue = (  # type: ignore[attr-defined]
        claw_back.outstanding_fen > 0 and claw_back.due_on < today)
    return claw_back


@action_required("clawback.view")
def claw_back_list(request):
    today = timezone.localdate()
    claw_backs = claw_backs_visible(actor=request.user)
    if request.GET.get("state") == "outstanding":
        claw_backs = claw_backs.filter(outstanding__gt=0)
    page = paginate(request, claw_backs)
    page.object_list = [_with_age(claw_back, today) for claw_back in page.object_list]
    return render(request, "vouchers/recovery/claw_backs.html", {
        "page": page, "buckets": BUCKETS, "state": request.GET.get("state", ""),
    })


@action_required("clawback.view")
@require_http_methods(["GET", "POST"])
def claw_back_detail(request, pk: int):
    claw_back = get_object_or_404(claw_backs_visible(actor=request.user), pk=pk)
    can_repay = scope_for(request.user, "clawback.repay") is not None and (
        claw_back.outstanding_fen > 0)
    form = RepaymentForm(request.POST or None) if can_repay else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not is_confirmed(request) and not wants_edit(request):
            return confirm_page(request, Summary(
                title=_("确认登记追回款退回"), button=_("确认登记"),
                rows=[Row(_("追回编号"), claw_back.reference),
                      Row(_("付款方"), claw_back.redemption.payee.name),
                      money(_("退回金额"), data["amount_fen"]),
                      money(_("尚欠金额"), claw_back.outstanding_fen),
                      Row(_("到账日期"), data["received_on"]),
                      Row(_("银行流水号"), data["bank_reference"])],
                consequences=[_("应追回款减少，款项记入本地区财政资金；登记后不能修改。")],
                back_url=reverse("vouchers:claw_back_detail", args=[claw_back.pk]),
            ))
        if is_confirmed(request):
            def perform() -> str:
                recovery.claw_back_repay(
                    actor=request.user, claw_back=claw_back, amount_fen=data["amount_fen"],
                    received_on=data["received_on"], bank_reference=data["bank_reference"],
                    note=data["note"], now=now(),
                )
                return reverse("vouchers:claw_back_detail", args=[claw_back.pk])

            try:
                return submit_once(request, perform, success=_("已登记追回款退回。"))
            except ApplicationError as error:
                add_application_error(form, error)
    return render(request, "vouchers/recovery/claw_back_detail.html", {
        "claw_back": _with_age(claw_back, timezone.localdate()), "form": form,
        "repayments": claw_back_repayments(claw_back=claw_back),
    })
