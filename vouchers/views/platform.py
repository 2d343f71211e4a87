"""The platform operator's pages and the public directory of admitted institutions."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services as account_services
from accounts.decorators import action_required
from accounts.downloads import csv_response
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from accounts.models import City
from accounts.selectors import audit_trail_for
from vouchers import chart_selectors, program_selectors, selectors, visibility
from vouchers.charts import chart_context
from vouchers.forms import CityProgramsForm, CommonAreaForm, InstitutionSearchForm
from vouchers.models import ServiceCategory
from vouchers.program_dates import china_date
from vouchers.rating_selectors import MIN_RATINGS_SHOWN, rating_summaries
from vouchers.services import program_changes
from vouchers.views.common import (
    now,
    paginate,
    submit_once,
    wants_csv,
    year_or_none,
    yuan_text,
)


@action_required("overview.view")
def overview(request):
    rows = selectors.region_overview()
    if wants_csv(request):
        return csv_response(
            filename="overview.csv",
            header=["地区", "项目数", "预算（元）", "已发放（元）", "已兑付（元）", "已支付（元）",
                    "跨区域订单数", "跨区域创新券金额（元）"],
            rows=([r["region"].name, r["programs"], yuan_text(r["budget_fen"]),
                   yuan_text(r["issued_fen"]), yuan_text(r["redeemed_fen"]),
                   yuan_text(r["paid_fen"]), r["cross_region_orders"],
                   yuan_text(r["cross_region_voucher_fen"])] for r in rows),
        )
    year = year_or_none(request.GET.get("year")) or china_date(now()).year
    return render(request, "vouchers/platform/overview.html", {
        "rows": rows, "year": year, "charts": overview_charts(year=year),
    })


def overview_charts(*, year: int) -> list[dict]:
    """The year's cross-region flow, monthly trend and categories, as the report defines them."""
    name_field = "name_en" if get_language() == "en" else "name"
    return [
        chart_context(chart_selectors.flow_chart(year=year), element_id="chart-flow"),
        chart_context(chart_selectors.monthly_trend_chart(year=year), element_id="chart-months"),
        chart_context(chart_selectors.category_chart(year=year, name_field=name_field),
                      element_id="chart-categories"),
    ]


@action_required("reference.manage")
def reference(request):
    cities = City.objects.select_related("region").order_by("code")
    return render(request, "vouchers/platform/reference.html", {
        "cities": cities, "categories": ServiceCategory.objects.order_by("pk"),
        "form": CommonAreaForm(),
    })


@action_required("reference.manage")
@require_http_methods(["GET", "POST"])
def city_common_area(request, pk: int):
    city = get_object_or_404(City.objects.select_related("region"), pk=pk)
    form = CommonAreaForm(request.POST or None, initial={"in_common_area": city.in_common_area})
    if request.method == "POST" and form.is_valid():
        def perform() -> str:
            account_services.city_set_common_area(
                actor=request.user, city=city,
                in_common_area=form.cleaned_data["in_common_area"],
                reason=form.cleaned_data["reason"], now=now(),
            )
            offered = program_selectors.programs_serving_whole_common_area(
                city=city, year=china_date(now()).year)
            if city.in_common_area and offered.exists():  # offer the programs next
                return reverse("vouchers:city_programs", args=[city.pk])
            return reverse("vouchers:reference")

        try:
            return submit_once(request, perform, success=_("通用区域已更新。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/platform/city.html",
                  {"city": city, "form": form, "trail": audit_trail_for(target=city)})


@action_required("reference.manage")
@require_http_methods(["GET", "POST"])
def city_programs(request, pk: int):
    """Offer to add a city newly in the common-use area to this year's programs that serve
    the whole area; the operator picks which."""
    city = get_object_or_404(City.objects.select_related("region"), pk=pk)
    year = china_date(now()).year
    offered = program_selectors.programs_serving_whole_common_area(city=city, year=year)
    form = CityProgramsForm(request.POST or None, programs=offered,
                            initial={"programs": list(offered)})
    if request.method == "POST" and form.is_valid():
        def perform() -> str:
            program_changes.city_add_to_programs(
                actor=request.user, city=city, programs=form.cleaned_data["programs"],
                reason=form.cleaned_data["reason"], now=now(),
            )
            return reverse("vouchers:reference")

        try:
            return submit_once(request, perform, success=_("已将该城市加入所选项目的服务区域。"))
        except ApplicationError as error:
            add_application_error(form, error)
    return render(request, "vouchers/platform/city_programs.html",
                  {"city": city, "form": form, "year": year})


def _directory(request, template: str, action_label: bool):
    form = InstitutionSearchForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "region_id": data["region"].pk if data["region"] else None,
            "city_id": data["city"].pk if data["city"] else None,
            "category_id": data["category"].pk if data["category"] else None,
            "text": data["text"],
        }
    institutions = visibility.institutions_directory(**filters)
    if wants_csv(request):
        return csv_response(
            filename="institutions.csv",
            header=["服务机构", "统一社会信用代码", "省市", "城市", "服务类别"],
            rows=([i.name, i.credit_code, i.region.name, i.city.name,
                   "、".join(entry.category.name for entry in i.services)]
                  for i in institutions),
        )
    page = paginate(request, institutions)
    summaries = rating_summaries(institution_ids=[institution.pk for institution in page])
    for institution in page:
        institution.rating = summaries[institution.pk]
    return render(request, template, {
        "form": form, "page": page, "can_order": action_label,
        "min_ratings": MIN_RATINGS_SHOWN,
    })


@action_required("directory.view")
def directory(request):
    """Public: admitted institutions of the common-use area by region, city and category."""
    return _directory(request, "vouchers/public/directory.html", action_label=False)


@action_required("institution.search")
def institution_search(request):
    """The enterprise's search before ordering: the same directory, with an order link."""
    can_order = request.user.role == request.user.Role.ENTERPRISE
    return _directory(request, "vouchers/public/directory.html", action_label=can_order)
