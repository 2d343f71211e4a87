"""Program configuration and budget use, for the authority of the program's region."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import scope_for
from accounts.decorators import action_required
from accounts.downloads import csv_response
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from accounts.models import Region, User
from accounts.selectors import audit_trail_for
from vouchers import chart_selectors, material_selectors, program_selectors, selectors
from vouchers.as_of import program_as_of
from vouchers.charts import chart_context
from vouchers.forms import (
    ProgramDeadlinesForm,
    ProgramForm,
    ProgramFundForm,
    ProgramServingAreaForm,
    ProgramUpdateForm,
    deadline_fields,
    program_fields,
    program_initial,
)
from vouchers.forms.materials import ProgramMaterialsForm
from vouchers.models import Program
from vouchers.program_dates import china_date
from vouchers.services import program_changes, programs
from vouchers.views.as_of import as_of_choice
from vouchers.views.common import (
    Row,
    Summary,
    confirm_page,
    is_confirmed,
    money,
    now,
    submit_once,
    wants_csv,
    wants_edit,
    year_or_none,
    yuan_text,
)

BUDGET_AS_OF_FIELDS = ("funded_fen", "allocated_fen", "held_fen", "redeemed_fen", "paid_fen",
                       "clawed_back_fen", "returned_fen")
BUDGET_FIELDS = ["budget_fen", "funded_fen", "allocated_fen", "held_fen", "redeemed_fen",
                 "paid_fen", "clawed_back_fen", "returned_fen"]


@action_required("budget.view")
def budget_use(request):
    """Per program: budget, funded, issued, held, redeemed, paid, clawed back, unallocated."""
    user = request.user
    if user.role == User.Role.OPERATOR:
        region = get_object_or_404(Region, code=request.GET.get("region") or "31")
    else:
        region = user.organisation.region
    year = year_or_none(request.GET.get("year"))
    rows = selectors.program_budget_use(region_id=region.pk, year=year)
    if wants_csv(request):
        return csv_response(
            filename=f"budget-{region.code}.csv",
            header=["项目", "年度", "预算", "已拨付", "已发放", "预留", "已兑付", "已支付",
                    "已追回", "已退回", "未分配"],
            rows=([p.name, p.year, *(yuan_text(getattr(p, f)) for f in BUDGET_FIELDS),
                   yuan_text(p.budget_account.available_fen)] for p in rows),
        )
    rows = list(rows)  # the table and the chart share one query
    as_of = as_of_choice(request)
    for row in rows:
        row.unallocated_fen = row.budget_account.available_fen  # type: ignore[attr-defined]
        if as_of.moment is not None:  # the same figures, from the journal up to that moment
            figures = program_as_of(row, moment=as_of.moment)
            for name in (*BUDGET_AS_OF_FIELDS, "unallocated_fen"):
                setattr(row, name, getattr(figures, name))
    charts = [
        chart_context(chart_selectors.budget_per_program_chart(rows), element_id="chart-budget"),
        chart_context(chart_selectors.budget_use_by_month_chart(region_id=region.pk, year=year),
                      element_id="chart-budget-months"),
    ]
    return render(request, "vouchers/programs/budget.html", {
        "rows": rows, "charts": charts, "region": region, "year": year, "as_of": as_of,
        "regions": Region.objects.order_by("code"),
        "can_manage": scope_for(user, "program.manage") is not None,
        "can_fund": scope_for(user, "program.fund") is not None,
    })


@action_required("program.manage")
@require_http_methods(["GET", "POST"])
def program_create(request):
    form = ProgramForm(request.POST or None, initial={"required_evidence": [
        "contract", "invoice", "payment_proof", "report"]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            program = programs.program_create(
                actor=request.user, now=now(),
                categories=dict.fromkeys(data["categories"]),
                serving_cities=data["serving_cities"] or None, **program_fields(data),
            )
            return reverse("vouchers:program_fund", args=[program.pk])

        try:
            return submit_once(request, perform, success=_("项目已创建，请拨付预算。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/programs/form.html", {"form": form, "program": None})


def _own_program(request, pk: int) -> Program:
    return get_object_or_404(Program, pk=pk, region_id=request.user.organisation.region_id)


@action_required("program.manage")
@require_http_methods(["GET", "POST"])
def program_update(request, pk: int):
    program = _own_program(request, pk)
    has_vouchers = program.vouchers.exists()
    form = ProgramUpdateForm(request.POST or None, initial=program_initial(program),
                             has_vouchers=has_vouchers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = program_fields(data, program)
        fields.pop("year")

        def perform() -> str:
            programs.program_update(
                actor=request.user, program=program, now=now(), reason=data["reason"],
                categories=_keep_ratios(program, data["categories"]),
                serving_cities=data["serving_cities"] or None, **fields,
            )
            return reverse("vouchers:budget_use")

        try:
            return submit_once(request, perform, success=_("项目已更新。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/programs/form.html", {
        "form": form, "program": program, "trail": audit_trail_for(target=program),
        "has_vouchers": has_vouchers,
    })


@action_required("program.manage")
@require_http_methods(["GET", "POST"])
def program_deadlines(request, pk: int):
    """Move the use-by date and redemption deadline, choosing what issued vouchers do."""
    program = _own_program(request, pk)
    form = ProgramDeadlinesForm(request.POST or None, initial={
        "use_by_at": china_date(program.use_by_at),
        "redemption_deadline_at": china_date(program.redemption_deadline_at),
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            program_changes.program_deadlines_change(
                actor=request.user, program=program, now=now(), reason=data["reason"],
                vouchers_follow=data["vouchers_follow"], **deadline_fields(data),
            )
            return reverse("vouchers:program_update", args=[program.pk])

        try:
            return submit_once(request, perform, success=_("项目期限已调整。"))
        except ApplicationError as error:
            add_application_error(form, error)
    consequences = program_selectors.program_deadline_consequences(
        program=program, use_by_at=program.use_by_at)
    return render(request, "vouchers/programs/deadlines.html", {
        "form": form, "program": program, "consequences": consequences,
    })


@action_required("program.manage")
@require_http_methods(["GET", "POST"])
def program_serving_area(request, pk: int):
    """Change the cities whose institutions accept the program's vouchers."""
    program = _own_program(request, pk)
    form = ProgramServingAreaForm(request.POST or None, initial={
        "serving_cities": list(program.serving_cities.values_list("pk", flat=True)),
    })
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def perform() -> str:
            program_changes.program_serving_area_change(
                actor=request.user, program=program, cities=data["serving_cities"],
                reason=data["reason"], now=now(),
            )
            return reverse("vouchers:program_update", args=[program.pk])

        try:
            return submit_once(request, perform, success=_("服务区域已调整。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/programs/serving_area.html", {
        "form": form, "program": program,
        "open_orders_by_city": program_selectors.program_open_orders_by_city(program=program),
    })


@action_required("program.manage")
@require_http_methods(["GET", "POST"])
def program_materials(request, pk: int):
    """The documents an application under the program needs (材料清单)."""
    program = _own_program(request, pk)
    form = ProgramMaterialsForm(request.POST or None, materials=program.application_materials)
    if request.method == "POST" and form.is_valid():
        def perform() -> str:
            program_changes.program_materials_change(
                actor=request.user, program=program, materials=form.materials(),
                reason=form.cleaned_data["reason"], now=now(),
            )
            return reverse("vouchers:program_materials", args=[program.pk])

        try:
            return submit_once(request, perform, success=_("申领材料清单已保存。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/programs/materials.html", {
        "form": form, "program": program,
        "materials": material_selectors.program_material_list(program=program),
    })


def _keep_ratios(program: Program, categories) -> dict:
    # The page edits which categories are eligible; each one's own ratio is kept.
    ratios = dict(program.category_rules.values_list("category_id", "ratio_bp"))
    return {category: ratios.get(category.pk) for category in categories}


@action_required("program.fund")
@require_http_methods(["GET", "POST"])
def program_fund(request, pk: int):
    program = _own_program(request, pk)
    form = ProgramFundForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    if valid and not is_confirmed(request) and not wants_edit(request):
        return confirm_page(request, Summary(
            title=_("确认拨付预算"), button=_("确认拨付"),
            rows=[Row(_("项目"), str(program)),
                  money(_("已拨付"), programs.program_funded_fen(program)),
                  money(_("本次拨付"), form.cleaned_data["amount_fen"]),
                  Row(_("拨款文号"), form.cleaned_data["reference"])],
            consequences=[_("本地区财政拨款记入项目预算，可用于发放创新券；拨付记录不能删除。")],
        ))
    if valid and is_confirmed(request):
        def perform() -> str:
            programs.program_fund(
                actor=request.user, program=program, amount_fen=form.cleaned_data["amount_fen"],
                reference=form.cleaned_data["reference"], now=now(),
            )
            return reverse("vouchers:budget_use")

        try:
            return submit_once(request, perform, success=_("预算已拨付。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/programs/fund.html", {
        "form": form, "program": program, "funded_fen": programs.program_funded_fen(program),
    })
