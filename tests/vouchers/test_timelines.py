"""The progress timeline (办件进度): done steps from the audit trail in words, the current state,
and what comes next with who acts, for every state of applications, orders and redemptions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools.factories import vouchers as build
from vouchers.models import Application, Redemption, ServiceOrder
from vouchers.services import (
    applications,
    deliveries,
    orders,
    oversight,
    redemptions,
    settlements,
    vouchers,
)
from vouchers.states import APPLICATION_TRANSITIONS, ORDER_TRANSITIONS, REDEMPTION_TRANSITIONS
from vouchers.timelines import application_timeline, order_timeline, redemption_timeline

NOW = build.NOW
JIANGSU = "江苏省科学技术厅"


def done(timeline) -> list[str]:
    return [step.label for step in timeline.steps if step.done]


def upcoming(timeline) -> list[str]:
    return [step.label for step in timeline.steps if not step.done]


def current(timeline) -> list[str]:
    return [step.label for step in timeline.steps if step.current]


def submitted(world) -> Application:
    return applications.application_submit(
        actor=world.enterprise, program=world.program, amount_fen=50_000_00, purpose="检测",
        planned_categories=[build.category()], now=NOW,
    )


def placed(world, voucher) -> ServiceOrder:
    return build.place_order(voucher, world.enterprise, world.institution.organisation)


def requested(world, voucher) -> Redemption:
    order = placed(world, voucher)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    return build.request_redemption(order, world.institution)


def paid(world, redemption: Redemption) -> Redemption:
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)
    batch = settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW)
    settlements.payment_batch_pay(actor=world.finance, batch=batch, payment_reference="GK-1",
                                  paid_on=date(2024, 3, 1), now=NOW)
    redemption.refresh_from_db()
    return redemption


# Applications ------------------------------------------------------------------------------

def test_a_submitted_application_waits_for_the_regions_authority(world):
    application = submitted(world)

    timeline = application_timeline(application=application, viewer=world.enterprise)

    assert timeline.state_label == "待审核"
    assert timeline.tone == "info"
    assert done(timeline) == ["企业提交申领"]
    assert upcoming(timeline) == [f"等待{JIANGSU}审核", "审核通过后发放创新券"]
    assert current(timeline) == [f"等待{JIANGSU}审核"]
    assert timeline.steps[0].actor == world.enterprise.organisation.name
    assert not timeline.finished


def test_an_approved_application_shows_the_decision_and_the_voucher_and_ends(world):
    application = submitted(world)
    applications.application_approve(actor=world.reviewer, application=application,
                                      amount_fen=40_000_00, reason="核减", now=NOW)
    application.refresh_from_db()

    timeline = application_timeline(application=application, viewer=world.enterprise)

    assert timeline.state_label == "已批准"
    assert timeline.tone == "success"
    assert done(timeline) == ["企业提交申领", "申领审核通过", "发放创新券"]
    assert upcoming(timeline) == []
    assert current(timeline) == ["发放创新券"]
    assert timeline.finished
    approval = timeline.steps[1]
    assert approval.reason == "核减"
    # An enterprise sees the department that decided, not the reviewer's name.
    assert approval.actor == world.reviewer.organisation.name
    assert world.reviewer.username not in approval.actor


def test_authority_viewers_also_see_who_of_their_staff_acted(world):
    application = submitted(world)
    applications.application_approve(actor=world.reviewer, application=application, now=NOW)
    application.refresh_from_db()

    timeline = application_timeline(application=application, viewer=world.finance)

    assert timeline.steps[1].actor == (
        f"{world.reviewer.organisation.name} · {world.reviewer.username}")


def test_a_rejected_application_ends_with_the_rejection_and_its_reason(world):
    application = submitted(world)
    applications.application_reject(actor=world.reviewer, application=application,
                                     reason="材料不全", now=NOW)
    application.refresh_from_db()

    timeline = application_timeline(application=application, viewer=world.enterprise)

    assert (timeline.state_label, timeline.tone) == ("已驳回", "danger")
    assert done(timeline) == ["企业提交申领", "申领被驳回"]
    assert upcoming(timeline) == []
    assert timeline.steps[-1].reason == "材料不全"
    assert current(timeline) == ["申领被驳回"]


def test_a_returned_application_waits_for_the_enterprise_then_the_authority(world):
    from vouchers.services import application_returns

    application = submitted(world)
    application_returns.application_return(actor=world.reviewer, application=application,
                                           reason="请补充财务报表", now=NOW)
    application.refresh_from_db()

    timeline = application_timeline(application=application, viewer=world.enterprise)

    assert (timeline.state_label, timeline.tone) == ("退回修改", "warning")
    assert done(timeline) == ["企业提交申领", "申领退回修改"]
    assert timeline.steps[1].reason == "请补充财务报表"
    assert upcoming(timeline) == ["等待企业修改后重新提交", f"等待{JIANGSU}审核"]
    assert current(timeline) == ["等待企业修改后重新提交"]


# Orders -------------------------------------------------------------------------------------

REQUEST_REVIEW_PAY = [
    "等待服务机构申请兑付", f"等待{JIANGSU}审核兑付", f"等待{JIANGSU}通过国库支付",
]


def test_a_placed_order_waits_for_the_institutions_delivery(world, voucher):
    order = placed(world, voucher)

    timeline = order_timeline(order=order, viewer=world.enterprise)

    assert timeline.state_label == "已下单"
    assert done(timeline) == ["企业下单"]
    assert upcoming(timeline) == ["等待服务机构提交交付材料", "等待企业确认交付",
                                  *REQUEST_REVIEW_PAY]
    assert current(timeline) == ["等待服务机构提交交付材料"]


def test_a_logged_delivery_waits_for_the_enterprises_confirmation(world, voucher):
    order = placed(world, voucher)
    build.deliver(order, world.institution)
    build.attach_evidence(order, world.institution)
    order.refresh_from_db()

    timeline = order_timeline(order=order, viewer=world.institution)

    assert timeline.state_label == "已交付"
    # Evidence uploads stay in the audit trail; they are not steps.
    assert done(timeline) == ["企业下单", "服务机构登记交付"]
    assert upcoming(timeline) == ["等待企业确认交付", *REQUEST_REVIEW_PAY]


def test_a_confirmed_delivery_waits_for_the_payees_request(world, voucher):
    order = placed(world, voucher)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    order.refresh_from_db()

    timeline = order_timeline(order=order, viewer=world.institution)

    assert done(timeline) == ["企业下单", "服务机构登记交付", "企业确认交付"]
    assert upcoming(timeline) == REQUEST_REVIEW_PAY


def test_a_disputed_delivery_sends_the_order_back_to_the_institution(world, voucher):
    order = placed(world, voucher)
    delivery = build.deliver(order, world.institution)
    deliveries.delivery_dispute(actor=world.enterprise, delivery=delivery, reason="报告缺页",
                                now=NOW)
    order.refresh_from_db()

    timeline = order_timeline(order=order, viewer=world.enterprise)

    assert timeline.state_label == "已下单"
    assert done(timeline) == ["企业下单", "服务机构登记交付", "企业对交付提出异议"]
    assert timeline.steps[2].reason == "报告缺页"
    assert upcoming(timeline)[0] == "等待服务机构提交交付材料"


def test_a_requested_redemption_waits_for_the_issuing_regions_review(world, voucher):
    redemption = requested(world, voucher)
    order = redemption.order

    timeline = order_timeline(order=order, viewer=world.enterprise)

    assert done(timeline)[-1] == "申请兑付"
    assert upcoming(timeline) == [f"等待{JIANGSU}审核兑付", f"等待{JIANGSU}通过国库支付"]


def test_a_redeemed_order_waits_for_payment_then_ends_when_paid(world, voucher):
    redemption = requested(world, voucher)
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)
    order = ServiceOrder.objects.get(pk=redemption.order_id)

    timeline = order_timeline(order=order, viewer=world.institution)
    assert (timeline.state_label, timeline.tone) == ("已兑付", "success")
    assert done(timeline)[-1] == "兑付审核通过"
    assert upcoming(timeline) == [f"等待{JIANGSU}通过国库支付"]

    batch = settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW)
    settlements.payment_batch_pay(actor=world.finance, batch=batch, payment_reference="GK-1",
                                  paid_on=date(2024, 3, 1), now=NOW)
    timeline = order_timeline(order=order, viewer=world.institution)
    assert done(timeline)[-2:] == ["兑付审核通过", "支付批次已支付"]
    assert upcoming(timeline) == []
    assert timeline.finished


def test_a_refused_order_ends_with_the_rejection(world, voucher):
    redemption = requested(world, voucher)
    redemptions.redemption_reject(actor=world.reviewer, redemption=redemption,
                                  reason="发票不符", now=NOW)
    order = ServiceOrder.objects.get(pk=redemption.order_id)

    timeline = order_timeline(order=order, viewer=world.institution)

    assert (timeline.state_label, timeline.tone) == ("兑付被驳回", "danger")
    assert done(timeline)[-1] == "兑付被驳回"
    assert timeline.steps[-1].reason == "发票不符"
    assert upcoming(timeline) == []


def test_a_cancelled_order_ends_with_the_cancellation(world, voucher):
    order = placed(world, voucher)
    orders.order_cancel(actor=world.enterprise, order=order, reason="需求变更", now=NOW)
    order.refresh_from_db()

    timeline = order_timeline(order=order, viewer=world.enterprise)

    assert (timeline.state_label, timeline.tone) == ("已取消", "neutral")
    assert done(timeline) == ["企业下单", "订单取消"]
    assert upcoming(timeline) == []


def test_an_order_cancelled_by_its_vouchers_revocation_shows_the_revocation(world, voucher):
    order = placed(world, voucher)
    from vouchers.services import vouchers as voucher_services

    voucher_services.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="虚假申报",
                                    now=NOW)
    order.refresh_from_db()

    timeline = order_timeline(order=order, viewer=world.enterprise)

    assert timeline.state_label == "已取消"
    assert done(timeline) == ["企业下单", "创新券作废"]
    assert timeline.steps[-1].reason == "虚假申报"


def test_a_lapsed_order_ends_with_the_lapse_by_the_system(world, voucher):
    order = placed(world, voucher)
    orders.order_lapse(order=order, now=world.program.redemption_deadline_at + timedelta(1))
    order.refresh_from_db()

    timeline = order_timeline(order=order, viewer=world.enterprise)

    assert (timeline.state_label, timeline.tone) == ("逾期未兑付", "warning")
    assert done(timeline) == ["企业下单", "订单逾期未兑付"]
    assert timeline.steps[-1].actor == "系统"
    assert upcoming(timeline) == []


# Redemptions -------------------------------------------------------------------------------

def test_a_redemption_through_every_state(world, voucher):
    redemption = requested(world, voucher)
    timeline = redemption_timeline(redemption=redemption, viewer=world.institution)
    assert (timeline.state_label, done(timeline)) == ("待审核", ["申请兑付"])
    assert upcoming(timeline) == [f"等待{JIANGSU}审核兑付", f"等待{JIANGSU}通过国库支付"]

    redemption = paid(world, redemption)
    timeline = redemption_timeline(redemption=redemption, viewer=world.institution)
    assert timeline.state_label == "已支付"
    assert done(timeline) == ["申请兑付", "兑付审核通过", "支付批次已支付"]
    assert upcoming(timeline) == []
    assert timeline.steps[-1].amount == "¥5,000.00"

    oversight.redemption_claw_back(actor=world.reviewer, redemption=redemption,
                                   reason="虚假交易", now=NOW)
    redemption.refresh_from_db()
    timeline = redemption_timeline(redemption=redemption, viewer=world.institution)
    assert (timeline.state_label, timeline.tone) == ("已追回", "danger")
    assert done(timeline)[-1] == "追回已支付款项"
    assert upcoming(timeline) == []


def test_an_approved_redemption_waits_for_payment(world, voucher):
    redemption = requested(world, voucher)
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)
    redemption.refresh_from_db()

    timeline = redemption_timeline(redemption=redemption, viewer=world.institution)

    assert timeline.state_label == "已批准"
    assert upcoming(timeline) == [f"等待{JIANGSU}通过国库支付"]
    assert current(timeline) == [f"等待{JIANGSU}通过国库支付"]


def test_a_rejected_redemption_ends(world, voucher):
    redemption = requested(world, voucher)
    redemptions.redemption_reject(actor=world.reviewer, redemption=redemption, reason="不符",
                                  now=NOW)
    redemption.refresh_from_db()

    timeline = redemption_timeline(redemption=redemption, viewer=world.institution)

    assert (timeline.state_label, done(timeline)) == ("已驳回", ["申请兑付", "兑付被驳回"])
    assert upcoming(timeline) == []


def test_a_suspended_redemption_and_order_wait_for_the_issuing_regions_decision(world, voucher):
    redemption = requested(world, voucher)
    order = placed(world, voucher)
    oversight.organisation_blacklist(actor=world.reviewer, reason="伪造报告", now=NOW,
                                     organisation=world.institution.organisation)
    redemption.refresh_from_db()
    order.refresh_from_db()

    for timeline in (redemption_timeline(redemption=redemption, viewer=world.institution),
                     order_timeline(order=order, viewer=world.enterprise)):
        assert (timeline.state_label, timeline.tone) == ("暂停", "warning")
        assert upcoming(timeline) == [f"等待{JIANGSU}对暂停事项作出决定"]
    assert done(redemption_timeline(redemption=redemption, viewer=world.institution))[-1] == (
        "兑付暂停")


def test_an_order_of_a_revoked_voucher_ends_voided(world, voucher):
    redemption = requested(world, voucher)
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)
    order = ServiceOrder.objects.get(pk=redemption.order_id)

    timeline = order_timeline(order=order, viewer=world.enterprise)

    assert (timeline.state_label, timeline.tone, upcoming(timeline)) == ("作废终止", "danger", [])
    assert {"创新券作废", "兑付申请作废", "订单作废终止"} <= set(done(timeline))


def test_every_state_of_the_machines_is_covered_by_these_tests():
    # A new state in vouchers/states.py needs its timeline (and a test above).
    assert set(APPLICATION_TRANSITIONS) == {"submitted", "approved", "rejected", "returned"}
    assert set(ORDER_TRANSITIONS) == {"placed", "delivered", "redeemed", "refused", "cancelled",
                                      "lapsed", "suspended", "voided"}
    assert set(REDEMPTION_TRANSITIONS) == {"requested", "approved", "rejected", "paid",
                                           "clawed_back", "suspended", "voided", "withdrawn"}


# Queries and pages -------------------------------------------------------------------------

def _order_queries(order, viewer) -> int:
    with CaptureQueriesContext(connection) as queries:
        order_timeline(order=ServiceOrder.objects.select_related(
            "voucher__program__region").get(pk=order.pk), viewer=viewer)
    return len(queries)


def test_the_order_timeline_takes_the_same_queries_whatever_its_length(world, voucher):
    short = placed(world, voucher)
    long = placed(world, voucher)
    for _ in range(3):
        delivery = build.deliver(long, world.institution, invoice=f"2432{_:016d}")
        deliveries.delivery_dispute(actor=world.enterprise, delivery=delivery, reason="x",
                                    now=NOW)

    assert _order_queries(short, world.enterprise) == _order_queries(long, world.enterprise)


@pytest.mark.parametrize("page", ["order_detail", "delivery_log"])
def test_the_order_pages_show_the_timeline_in_words(client, world, voucher, page):
    order = placed(world, voucher)
    client.force_login(world.institution)

    body = client.get(reverse(f"vouchers:{page}", args=[order.pk])).content.decode()

    assert '<ol class="timeline-steps">' in body
    assert "企业下单" in body
    assert 'aria-current="step"' in body
    assert "等待服务机构提交交付材料" in body
    assert "css/timeline.css" in body
    assert "order_place" not in body


def test_the_application_pages_show_the_timeline(client, world):
    application = submitted(world)
    client.force_login(world.enterprise)
    body = client.get(reverse("vouchers:application_detail", args=[application.pk])).content
    assert f"等待{JIANGSU}审核".encode() in body

    client.force_login(world.reviewer)
    body = client.get(reverse("vouchers:application_review", args=[application.pk])).content
    assert "企业提交申领".encode() in body
    assert b"application_submit" not in body


def test_the_redemption_page_shows_the_timeline_to_the_institution(client, world, voucher):
    redemption = requested(world, voucher)
    client.force_login(world.institution)

    body = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk])).content

    assert f"等待{JIANGSU}审核兑付".encode() in body
    assert b"redemption_request" not in body


def _page_queries(client, url: str) -> int:
    client.get(url)  # the first request after signing in also touches the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_order_page_takes_the_same_queries_however_long_its_history(client, world, voucher):
    # The same kinds of record (one link query per kind), one delivery or three.
    short = placed(world, voucher)
    long = placed(world, voucher)
    for order, times in ((short, 1), (long, 3)):
        for number in range(times):
            delivery = build.deliver(order, world.institution,
                                     invoice=f"2432{order.pk:08d}{number:08d}")
            deliveries.delivery_dispute(actor=world.enterprise, delivery=delivery, reason="x",
                                        now=NOW)
    client.force_login(world.enterprise)

    few = _page_queries(client, reverse("vouchers:order_detail", args=[short.pk]))
    many = _page_queries(client, reverse("vouchers:order_detail", args=[long.pk]))

    assert few == many


def test_the_timeline_reads_in_english(client, world, voucher):
    order = placed(world, voucher)
    client.force_login(world.enterprise)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    body = client.get(reverse("vouchers:order_detail", args=[order.pk])).content.decode()

    assert "Order placed" in body
    assert "Waiting for the institution to log the delivery" in body
    assert "order_place" not in body
