"""Service ratings (issue 20): the enterprise rates a confirmed delivery once, on four criteria
1–5 with a comment, and may change it for 30 days; the institution's average is public from
three ratings; a low rating or a dispute joins the review warnings of its next redemptions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.errors import AccessDenied, InvalidInput
from accounts.models import AuditEntry, Notification
from devtools.factories import vouchers as build
from vouchers import rating_selectors
from vouchers.errors import Refused
from vouchers.models import ServiceRating
from vouchers.selectors import redemption_warnings
from vouchers.services import deliveries
from vouchers.services.ratings import delivery_rate
from vouchers.services.reminders import reminders_send_due

pytestmark = pytest.mark.django_db
SCORES = {"quality": 5, "timeliness": 4, "price": 3, "communication": 5}


@pytest.fixture
def confirmed(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    return build.delivered_and_confirmed(order, world.institution, world.enterprise)


def test_the_enterprise_rates_a_confirmed_delivery_and_the_mean_is_kept(world, confirmed):
    rating = delivery_rate(actor=world.enterprise, delivery=confirmed, comment="报告详实",
                           now=build.NOW, **SCORES)

    assert (rating.score_centi, rating.score) == (425, 4.25)
    assert rating.institution_id == world.institution.organisation_id
    entry = AuditEntry.objects.get(action="delivery_rate")
    assert entry.after == {**SCORES, "comment": "报告详实"}
    assert Notification.objects.filter(kind="rating_requested",
                                       recipient=world.enterprise).count() == 1


def test_a_rating_can_be_changed_for_30_days_then_no_more(world, confirmed):
    delivery_rate(actor=world.enterprise, delivery=confirmed, now=build.NOW, **SCORES)
    changed = delivery_rate(actor=world.enterprise, delivery=confirmed,
                            now=build.NOW + timedelta(days=30),
                            **(SCORES | {"price": 1}))
    assert changed.score_centi == 375
    assert ServiceRating.objects.count() == 1
    change = AuditEntry.objects.get(action="delivery_rate_change")
    assert (change.before["price"], change.after["price"]) == (3, 1)

    with pytest.raises(Refused) as refusal:
        delivery_rate(actor=world.enterprise, delivery=confirmed,
                      now=build.NOW + timedelta(days=30, seconds=1), **SCORES)
    assert refusal.value.code == "rating_edit_closed"
    assert ServiceRating.objects.get().score_centi == 375


def test_only_the_ordering_enterprise_rates_and_only_a_confirmed_delivery(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    logged = build.deliver(order, world.institution)
    with pytest.raises(Refused, match="只能评价已确认的交付"):
        delivery_rate(actor=world.enterprise, delivery=logged, now=build.NOW, **SCORES)
    deliveries.delivery_confirm(actor=world.enterprise, delivery=logged, now=build.NOW)
    stranger = build.enterprise_user("JS")
    with pytest.raises(AccessDenied):
        delivery_rate(actor=stranger, delivery=logged, now=build.NOW, **SCORES)
    with pytest.raises(AccessDenied):  # the institution may not rate itself
        delivery_rate(actor=world.institution, delivery=logged, now=build.NOW, **SCORES)
    with pytest.raises(InvalidInput):
        delivery_rate(actor=world.enterprise, delivery=logged, now=build.NOW,
                      **(SCORES | {"quality": 6}))
    assert not ServiceRating.objects.exists()


def _rated(world, voucher, score: int) -> None:
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              total_fee_fen=1_000_00)
    delivery = build.delivered_and_confirmed(order, world.institution, world.enterprise)
    delivery_rate(actor=world.enterprise, delivery=delivery, now=build.NOW,
                  **dict.fromkeys(SCORES, score))


def test_the_average_is_shown_from_three_ratings(world, voucher):
    institution_id = world.institution.organisation_id
    _rated(world, voucher, 5)
    _rated(world, voucher, 4)
    summary = rating_selectors.rating_summaries(institution_ids=[institution_id])[institution_id]
    assert (summary.count, summary.average, summary.shown) == (2, None, False)

    _rated(world, voucher, 3)
    summary = rating_selectors.rating_summaries(institution_ids=[institution_id])[institution_id]
    assert (summary.count, summary.average) == (3, 4.0)


def test_a_low_rating_and_a_dispute_warn_the_reviewer_of_the_next_redemption(world, voucher):
    _rated(world, voucher, 2)
    disputed_order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                                       total_fee_fen=1_000_00)
    deliveries.delivery_dispute(actor=world.enterprise,
                                delivery=build.deliver(disputed_order, world.institution),
                                reason="报告不全", now=build.NOW)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              total_fee_fen=1_000_00)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)

    warnings = [str(warning) for warning in redemption_warnings(redemption=redemption)]

    assert "该服务机构近一年有1条低分服务评价（2.5分及以下）" in warnings
    assert "该服务机构近一年有1次交付被企业提出异议" in warnings


def test_an_unrated_delivery_is_reminded_once_a_week_after_it_was_confirmed(world, confirmed):
    asked = Notification.objects.filter(kind="rating_requested").count()
    reminders_send_due(now=build.NOW + timedelta(days=6))
    assert Notification.objects.filter(kind="rating_requested").count() == asked
    reminders_send_due(now=build.NOW + timedelta(days=8))
    reminders_send_due(now=build.NOW + timedelta(days=9))
    assert Notification.objects.filter(kind="rating_requested").count() == asked + 1
    delivery_rate(actor=world.enterprise, delivery=confirmed, now=build.NOW, **SCORES)
    assert rating_selectors.deliveries_awaiting_rating(
        enterprise_id=world.enterprise.organisation_id).count() == 0
