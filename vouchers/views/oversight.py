"""Oversight pages of the reviewer: spot checks and the blacklist."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.credit_codes import normalise_credit_code
from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from accounts.models import Organisation
from vouchers import oversight_selectors
from vouchers.forms import BlacklistForm, SpotCheckDrawForm, SpotCheckRecordForm
from vouchers.models import Blacklisting, SpotCheck, SpotCheckItem
from vouchers.services import oversight
from vouchers.todo import todo_item
from vouchers.views.common import (
    Row,
    Summary,
    confirm_page,
    is_confirmed,
    now,
    paginate,
    submit_once,
    wants_edit,
)


@action_required("spotcheck.manage")
@require_http_methods(["GET", "POST"])
def spot_check_list(request):
    region_id = request.user.organisation.region_id
    form = SpotCheckDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            spot_check = oversight.spot_check_draw(
                actor=request.user, period_start=data["period_start"],
                period_end=data["period_end"], percentage=data["percentage"], now=now(),
            )
            return reverse("vouchers:spot_check_detail", args=[spot_check.pk])

        try:
            return submit_once(request, perform, success=_("已抽取样本。"))
        except ApplicationError as error:
            add_application_error(form, error)
    checks = SpotCheck.objects.filter(region_id=region_id)
    todo = todo_item(request.user, request.GET.get("todo"), url_name="vouchers:spot_check_list")
    if todo is not None:  # exactly what the home page counted (a subquery: the counts
        # below must see every item, not only the pending ones the to-do filters on)
        checks = SpotCheck.objects.filter(pk__in=todo.items(request.user).values("pk"))
    checks = oversight_selectors.spot_checks_with_counts(checks)
    return render(request, "vouchers/oversight/spot_checks.html", {
        "form": form, "page": paginate(request, checks), "todo": todo,
        "programs": oversight_selectors.programme_settings_for(actor=request.user),
    })


@action_required("spotcheck.manage")
@require_http_methods(["GET", "POST"])
def spot_check_detail(request, pk: int):
    spot_check = get_object_or_404(
        SpotCheck, pk=pk, region_id=request.user.organisation.region_id
    )
    items = spot_check.items.select_related(
        "redemption__payee", "redemption__order__enterprise", "checked_by", "assigned_to",
        "case",
    )
    item_pk = request.POST.get("item")
    form = SpotCheckRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = get_object_or_404(items, pk=item_pk, state=SpotCheckItem.State.PENDING)

        def perform() -> str:
            oversight.spot_check_record(
                actor=request.user, item=item, passed=form.cleaned_data["passed"],
                note=form.cleaned_data["note"], now=now(),
            )
            return reverse("vouchers:spot_check_detail", args=[spot_check.pk])

        try:
            return submit_once(request, perform, success=_("核查结果已记录。"))
        except ApplicationError as error:
            add_application_error(form, error)
    failed = int(item_pk) if item_pk and item_pk.isdigit() and form.errors else None
    # One form per row; ids differ by row, the bound form (with its errors) stays on its row.
    rows = [(item, form if item.pk == failed else
             SpotCheckRecordForm(auto_id=f"id_%s_{item.pk}")) for item in items]
    return render(request, "vouchers/oversight/spot_check_detail.html",
                  {"spot_check": spot_check, "rows": rows})


@action_required("spotcheck.manage")
def spot_check_queue(request):
    """The checker's queue: sampled redemptions assigned to them, and those nobody qualified
    for that they may take (not approved by them)."""
    items = oversight_selectors.spot_check_queue(actor=request.user)
    return render(request, "vouchers/oversight/spot_check_queue.html",
                  {"page": paginate(request, items)})


@action_required("blacklist.manage")
@require_http_methods(["GET", "POST"])
def blacklist(request):
    form = BlacklistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = normalise_credit_code(form.cleaned_data["credit_code"])
        organisation = Organisation.objects.filter(credit_code=code).first()
        if organisation is None:
            form.add_error("credit_code", _("没有使用该统一社会信用代码的企业或服务机构"))
        elif not is_confirmed(request):
            if not wants_edit(request):
                return confirm_page(request, Summary(
                    title=_("确认列入黑名单"), button=_("确认列入黑名单"), destructive=True,
                    rows=[Row(_("名称"), organisation.name),
                          Row(_("统一社会信用代码"), organisation.credit_code),
                          Row(_("所在地区"), organisation.region.name),
                          Row(_("列入黑名单的原因"), form.cleaned_data["reason"])],
                    consequences=[_("该企业或服务机构在所有地区的项目中都不能再申领、下单或申请兑付。")],
                ))
        else:
            def perform() -> str:
                oversight.organisation_blacklist(
                    actor=request.user, organisation=organisation,
                    reason=form.cleaned_data["reason"], now=now(),
                )
                return reverse("vouchers:blacklist")

            try:
                return submit_once(request, perform, success=_("已列入黑名单。"))
            except ApplicationError as error:
                add_application_error(form, error)
    entries = Blacklisting.objects.select_related("organisation__region", "region", "created_by")
    return render(request, "vouchers/oversight/blacklist.html",
                  {"form": form, "page": paginate(request, entries)})
