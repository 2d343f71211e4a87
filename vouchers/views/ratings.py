"""Service ratings on the pages: the enterprise rates on the order page; everyone entitled
sees the ratings they may (the institution its own, authorities their region's institutions',
by institution and category); and the institutions' records (信用与绩效) for authorities."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.models import User
from vouchers import rating_selectors, record_selectors, selectors
from vouchers.forms import RatingForm
from vouchers.models import Delivery, InstitutionRecord, ServiceOrder, ServiceRating
from vouchers.models.rating import RATING_EDIT_DAYS
from vouchers.program_dates import china_date
from vouchers.services import ratings
from vouchers.views.common import now, paginate


def rating_form_for(order: ServiceOrder, *, user: User, live: Delivery | None,
                    rating: ServiceRating | None) -> RatingForm | None:
    """The order page's rating form: for the enterprise, once the delivery is confirmed, until
    RATING_EDIT_DAYS after it first rated."""
    if user.role != User.Role.ENTERPRISE or order.enterprise_id != user.organisation_id:
        return None
    if live is None or live.state != Delivery.State.CONFIRMED:
        return None
    if rating is None:
        return RatingForm()
    if now() > rating.rated_at + timedelta(days=RATING_EDIT_DAYS):
        return None
    return RatingForm(initial={"quality": rating.quality, "timeliness": rating.timeliness,
                               "price": rating.price, "communication": rating.communication,
                               "comment": rating.comment})


@action_required("delivery.rate")
@require_http_methods(["POST"])
def delivery_rate(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_object_or_404(selectors.orders_visible_to(actor=request.user), pk=pk)
    delivery = order.deliveries.filter(state=Delivery.State.CONFIRMED).first()
    form = RatingForm(request.POST)
    if delivery is None or not form.is_valid():
        messages.error(request, _("请为四项各选择1至5分后再提交评价。"))
        return redirect("vouchers:order_detail", pk=order.pk)
    try:
        ratings.delivery_rate(actor=request.user, delivery=delivery, now=now(),
                              **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("感谢您的评价。提交后30天内可以修改。"))
    return redirect("vouchers:order_detail", pk=order.pk)


@action_required("rating.view")
@require_http_methods(["GET"])
def rating_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    visible = rating_selectors.ratings_visible_to(actor=user)
    is_authority = user.is_authority or user.role == User.Role.OPERATOR
    return render(request, "vouchers/ratings/list.html", {
        "page": paginate(request, visible),
        "table": (rating_selectors.ratings_by_institution_and_category(actor=user)
                  if is_authority else None),
        "awaiting": (rating_selectors.deliveries_awaiting_rating(
            enterprise_id=user.organisation_id) if user.role == User.Role.ENTERPRISE else None),
        "summary": (rating_selectors.rating_summaries(
            institution_ids=[user.organisation_id])[user.organisation_id]
            if user.role == User.Role.INSTITUTION else None),
        "min_ratings": rating_selectors.MIN_RATINGS_SHOWN,
    })


@action_required("record.view")
@require_http_methods(["GET"])
def record_list(request: HttpRequest) -> HttpResponse:
    """Every institution's record of a year, sortable, worst first (信用与绩效)."""
    today_year = china_date(now()).year  # the year in Beijing, not the server's zone
    try:
        year = int(request.GET.get("year", today_year))
    except ValueError:
        year = today_year
    sort = request.GET.get("sort", "score")
    grade = request.GET.get("grade", "")
    grade = grade if grade in InstitutionRecord.Grade.values else ""
    records = record_selectors.institution_records(year=year, sort=sort, grade=grade)
    return render(request, "vouchers/ratings/records.html", {
        "page": paginate(request, records), "year": year, "sort": sort, "grade": grade,
        "grades": InstitutionRecord.Grade.choices,
        "years": range(today_year, today_year - 4, -1),
    })
