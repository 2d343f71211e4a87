"""What waits for an organisation to act, by role: the home page's to-do list.

Each item names the records waiting as one queryset, and its link opens a list page that
shows exactly that queryset (`?todo=<key>`, or a queue page built on the same selector), so
a count can never disagree with the list behind it. Every queryset starts from the records
the actor may see (vouchers.visibility through the page selectors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from accounts.models import User
from accounts.permissions import organisation_of
from vouchers import selectors
from vouchers.models import (
    Delivery,
    PaymentBatch,
    Redemption,
    ServiceOrder,
    SpotCheck,
    SpotCheckItem,
)

# A redemption in one of these states ends the order's claim (a rejected one refuses the order).
CLAIMED = [Redemption.State.REQUESTED, Redemption.State.APPROVED, Redemption.State.PAID,
           Redemption.State.CLAWED_BACK, Redemption.State.SUSPENDED]


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str | Promise
    url_name: str
    items: Callable[[User], QuerySet]
    filtered: bool = True  # the list page narrows to `items` by ?todo=<key>

    def url(self) -> str:
        return reverse(self.url_name) + (f"?todo={self.key}" if self.filtered else "")


def deliveries_to_confirm(actor: User) -> QuerySet[ServiceOrder]:
    """The enterprise's orders with a delivery logged and not yet answered."""
    return selectors.orders_visible_to(actor=actor).filter(
        enterprise_id=actor.organisation_id, state=ServiceOrder.State.DELIVERED,
        deliveries__state=Delivery.State.LOGGED,
    ).distinct()


def orders_to_deliver(actor: User) -> QuerySet[ServiceOrder]:
    """Orders placed with the institution (or reopened by a dispute), not yet delivered."""
    return selectors.orders_visible_to(actor=actor).filter(
        institution_id=actor.organisation_id, state=ServiceOrder.State.PLACED)


def redemptions_to_request(actor: User) -> QuerySet[ServiceOrder]:
    """Confirmed deliveries whose payee is the actor's organisation and not claimed yet (the
    order page's 申请兑付 button shows on exactly these)."""
    return selectors.orders_visible_to(actor=actor).filter(
        payee_id=actor.organisation_id, state=ServiceOrder.State.DELIVERED,
        deliveries__state=Delivery.State.CONFIRMED,
    ).exclude(redemptions__state__in=CLAIMED).distinct()


def registrations_to_review(actor: User) -> QuerySet:
    return account_selectors.organisations_awaiting_review(actor=actor)


def notices_to_conclude(actor: User) -> QuerySet:
    return account_selectors.notices_to_conclude(actor=actor)


def applications_to_review(actor: User) -> QuerySet:
    return selectors.authority_application_queue(actor=actor)


def redemptions_to_review(actor: User) -> QuerySet:
    return selectors.authority_redemption_queue(actor=actor)


def spot_checks_open(actor: User) -> QuerySet[SpotCheck]:
    """The region's spot checks with at least one sampled redemption not yet checked."""
    return SpotCheck.objects.filter(
        region_id=organisation_of(actor).region_id, items__state=SpotCheckItem.State.PENDING,
    ).distinct().select_related("drawn_by").order_by("-pk")


def payees_to_batch(actor: User) -> QuerySet:
    return selectors.authority_unbatched_by_payee(actor=actor)


def batches_to_pay(actor: User) -> QuerySet[PaymentBatch]:
    return selectors.authority_batches_awaiting_payment(actor=actor)


def suspended_claims(actor: User) -> QuerySet[Redemption]:
    """Claims a blacklisting suspended on the region's vouchers, for its reviewer to decide."""
    return Redemption.objects.filter(state=Redemption.State.SUSPENDED,
                                     program__region_id=organisation_of(actor).region_id)


def suspended_orders(actor: User) -> QuerySet[ServiceOrder]:
    return ServiceOrder.objects.filter(
        state=ServiceOrder.State.SUSPENDED,
        voucher__program__region_id=organisation_of(actor).region_id)


TODO: dict[str, list[TodoItem]] = {
    User.Role.ENTERPRISE: [
        TodoItem("deliveries_to_confirm", _("待确认的交付"), "vouchers:order_list",
                 deliveries_to_confirm),
        TodoItem("redemptions_to_request", _("可申请兑付的订单"), "vouchers:order_list",
                 redemptions_to_request),
    ],
    User.Role.INSTITUTION: [
        TodoItem("orders_to_deliver", _("待交付的订单"), "vouchers:order_list", orders_to_deliver),
        TodoItem("redemptions_to_request", _("可申请兑付的订单"), "vouchers:order_list",
                 redemptions_to_request),
    ],
    User.Role.AUTHORITY_REVIEWER: [
        TodoItem("registrations", _("待审核的注册"), "accounts:registration_queue",
                 registrations_to_review, filtered=False),
        TodoItem("applications", _("待审核的申领"), "vouchers:application_queue",
                 applications_to_review, filtered=False),
        TodoItem("redemptions", _("待审核的兑付"), "vouchers:redemption_queue",
                 redemptions_to_review, filtered=False),
        TodoItem("notices", _("待办结的公示和异议"), "accounts:notice_review",
                 notices_to_conclude, filtered=False),
        TodoItem("spot_checks_open", _("未完成的抽样核查"), "vouchers:spot_check_list",
                 spot_checks_open),
        TodoItem("suspended_claims", _("暂停待决定的兑付"), "vouchers:suspensions",
                 suspended_claims, filtered=False),
        TodoItem("suspended_orders", _("暂停待决定的订单"), "vouchers:suspensions",
                 suspended_orders, filtered=False),
    ],
    User.Role.AUTHORITY_FINANCE: [
        TodoItem("payees_to_batch", _("待编入批次的收款方"), "vouchers:batch_list",
                 payees_to_batch, filtered=False),
        TodoItem("batches_to_pay", _("待支付的批次"), "vouchers:batch_list", batches_to_pay),
    ],
}


def todo_items(actor: User) -> list[dict]:
    """The actor's to-do list: label, count and link of each item."""
    return [{"key": item.key, "label": item.label, "count": item.items(actor).count(),
             "url": item.url()} for item in TODO.get(actor.role, [])]


def todo_item(actor: User, key: str | None, *, url_name: str) -> TodoItem | None:
    """The actor's to-do item `key` if this list page is the one it links to."""
    for item in TODO.get(actor.role, []):
        if item.key == key and item.url_name == url_name and item.filtered:
            return item
    return None
