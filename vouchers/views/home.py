"""The home page: what waits for this user, by role, as tiles with counts and links."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from accounts.decorators import action_required
from accounts.models import Organisation, User
from vouchers import selectors
from vouchers.models import Delivery, Redemption, ServiceOrder, SpotCheckItem, Voucher
from vouchers.views.common import now


def _tile(label, count, url_name, query=""):
    return {"label": label, "count": count, "url_name": url_name, "query": query}


def _enterprise(user):
    organisation = user.organisation
    orders = selectors.enterprise_orders(enterprise=organisation)
    return [
        _tile(_("可申领的项目"), len(selectors.open_programs_for(enterprise=organisation,
                                                             now=now())), "vouchers:programs"),
        _tile(_("有效的创新券"), selectors.enterprise_vouchers(enterprise=organisation)
              .filter(state=Voucher.State.ACTIVE).count(), "vouchers:voucher_list"),
        _tile(_("待确认的交付"), Delivery.objects.filter(
            order__enterprise=organisation, state=Delivery.State.LOGGED).count(),
            "vouchers:order_list", "?state=delivered"),
        _tile(_("进行中的订单"), orders.filter(state=ServiceOrder.State.PLACED).count(),
              "vouchers:order_list", "?state=placed"),
    ]


def _institution(user):
    organisation = user.organisation
    orders = selectors.institution_orders(institution=organisation)
    confirmed = orders.filter(state=ServiceOrder.State.DELIVERED,
                              deliveries__state=Delivery.State.CONFIRMED,
                              payee=organisation).exclude(
        redemptions__state__in=[Redemption.State.REQUESTED, Redemption.State.APPROVED])
    return [
        _tile(_("待交付的订单"), orders.filter(state=ServiceOrder.State.PLACED).count(),
              "vouchers:order_list", "?state=placed"),
        _tile(_("可申请兑付的订单"), confirmed.count(), "vouchers:order_list",
              "?state=delivered"),
        _tile(_("待审核的兑付"), selectors.payee_receivables(payee=organisation)
              .filter(state=Redemption.State.REQUESTED).count(), "vouchers:redemption_list",
              "?state=requested"),
        _tile(_("服务目录条目"), selectors.institution_catalogue(institution=organisation)
              .count(), "vouchers:catalogue"),
    ]


def _reviewer(user):
    region_id = user.organisation.region_id
    return [
        _tile(_("待审核的注册"),
              account_selectors.organisations_awaiting_review(actor=user).count(),
              "accounts:registration_queue"),
        _tile(_("待审核的申领"), selectors.authority_application_queue(actor=user).count(),
              "vouchers:application_queue"),
        _tile(_("待审核的兑付"), selectors.authority_redemption_queue(actor=user).count(),
              "vouchers:redemption_queue"),
        _tile(_("公示中的机构"), selectors.notices_running().filter(region_id=region_id)
              .count(), "accounts:notice_review"),
        _tile(_("待核查的抽查"), SpotCheckItem.objects.filter(
            spot_check__region_id=region_id, state=SpotCheckItem.State.PENDING).count(),
            "vouchers:spot_check_list"),
    ]


def _finance(user):
    return [
        _tile(_("待编入批次的收款方"),
              selectors.authority_unbatched_by_payee(actor=user).count(), "vouchers:batch_list"),
        _tile(_("待支付的批次"),
              selectors.authority_batches_awaiting_payment(actor=user).count(),
              "vouchers:batch_list", "?state=open"),
    ]


def _operator(user):
    return [
        _tile(_("公示中的机构"), selectors.notices_running().count(), "accounts:notices"),
        _tile(_("已准入的服务机构"), Organisation.objects.filter(
            kind=Organisation.Kind.INSTITUTION, status=Organisation.Status.APPROVED).count(),
            "vouchers:directory"),
        _tile(_("跨区域订单"), sum(row["cross_region_orders"]
                                   for row in selectors.region_overview()),
              "vouchers:overview"),
    ]


TILES = {
    User.Role.ENTERPRISE: _enterprise,
    User.Role.INSTITUTION: _institution,
    User.Role.AUTHORITY_REVIEWER: _reviewer,
    User.Role.AUTHORITY_FINANCE: _finance,
    User.Role.OPERATOR: _operator,
}


@action_required("home.view")
def home(request):
    """What waits for this user, by role."""
    tiles = TILES.get(request.user.role, lambda user: [])(request.user)
    return render(request, "vouchers/home.html", {"tiles": tiles})
