"""Institution pages: its service catalogue, and its redemptions and payments per region."""

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
from accounts.models import Region, User
from vouchers import selectors
from vouchers.forms import CatalogueEntryForm
from vouchers.models import Redemption
from vouchers.services import catalogue
from vouchers.views.common import now, paginate, sort, submit_once, wants_csv, yuan_text


@action_required("catalogue.manage")
@require_http_methods(["GET", "POST"])
def catalogue_page(request):
    institution = request.user.organisation
    form = CatalogueEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        def perform() -> str:
            catalogue.catalogue_entry_add(
                actor=request.user, category=form.cleaned_data["category"],
                price_note=form.cleaned_data["price_note"], now=now(),
            )
            return reverse("vouchers:catalogue")

        try:
            return submit_once(request, perform, success=_("已加入服务目录。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/institution/catalogue.html", {
        "form": form, "entries": selectors.institution_catalogue(institution=institution),
        "new_token": new_form_token,
    })


@action_required("catalogue.manage")
@require_POST
def catalogue_remove(request, pk: int):
    entry = get_object_or_404(
        selectors.institution_catalogue(institution=request.user.organisation), pk=pk
    )

    def perform() -> str:
        catalogue.catalogue_entry_remove(actor=request.user, entry=entry, now=now())
        return reverse("vouchers:catalogue")

    try:
        return submit_once(request, perform, success=_("已从服务目录中移除。"))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("vouchers:catalogue")


@action_required("redemption.view")
def redemption_list(request):
    """Redemptions the user may see; a payee also sees its totals per issuing region."""
    user = request.user
    items = selectors.redemption_list_rows(actor=user)
    state, region = request.GET.get("state", ""), request.GET.get("region", "")
    if state:
        items = items.filter(state=state)
    if region:
        items = items.filter(program__region__code=region)
    items, sort_key = sort(request, items, {"requested": "requested_at",
                                            "amount": "requested_fen"}, "-requested")
    if wants_csv(request):
        return csv_response(
            filename="redemptions.csv",
            header=["兑付", "发券地区", "收款方", "企业", "发票代码", "发票号码", "申请（元）",
                    "核定（元）", "状态", "支付批次", "申请日期"],
            rows=((r.pk, r.program.region.name, r.payee.name, r.order.enterprise.name,
                   r.invoice_code, r.invoice_number, yuan_text(r.requested_fen),
                   yuan_text(r.approved_fen),
                   r.get_state_display(), r.batch.number if r.batch else "",
                   f"{r.requested_at:%Y-%m-%d}") for r in items.iterator()),
        )
    totals = None
    if user.role in (User.Role.ENTERPRISE, User.Role.INSTITUTION):
        totals = selectors.payee_receivables_by_region(payee=user.organisation)
    return render(request, "vouchers/institution/redemptions.html", {
        "page": paginate(request, items), "totals": totals, "state": state, "region": region,
        "sort": sort_key, "states": Redemption.State.choices,
        "regions": Region.objects.order_by("code"),
    })
