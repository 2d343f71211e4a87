"""What notifies whom (issue 20): each change of the voucher flow writes its message to the
right users in its own transaction, in words and figures a person reads, and a refused change
writes none."""

from __future__ import annotations

import pytest

from accounts.models import Notification, User
from accounts.notifications import render
from devtools.factories import vouchers as build
from devtools.factories.accounts import UserFactory
from vouchers.errors import Refused
from vouchers.services import applications, deliveries, orders, redemptions, settlements

pytestmark = pytest.mark.django_db


def _messages(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


def _recipients(kind: str) -> set[int]:
    return {message.recipient_id for message in _messages(kind)}


def _words(message: Notification, language: str = "zh-hans") -> str:
    return " ".join(render(message.kind, message.params, language=language))


def test_an_approval_tells_every_user_of_the_enterprise_with_the_amounts(world):
    colleague = UserFactory(organisation=world.enterprise.organisation, role=User.Role.ENTERPRISE)
    application = applications.application_submit(
        actor=world.enterprise, program=world.program, amount_fen=50_000_00, purpose="检测",
        planned_categories=[build.category()], now=build.NOW,
    )

    applications.application_approve(actor=world.reviewer, application=application,
                                     amount_fen=40_000_00, reason="按八成核定", now=build.NOW)

    assert _recipients("application_decided") == {world.enterprise.pk, colleague.pk}
    message = _messages("application_decided")[0]
    assert _words(message) == (
        f"申领审核结果：通过 您对「{world.program.name}」的申领（申请 ¥50,000.00）审核结果：通过，"
        "批准 ¥40,000.00。原因：按八成核定")
    assert _words(message, "en").startswith("Application decision: approved")
    assert message.link == f"/applications/{application.pk}/"


def test_a_rejection_tells_the_enterprise_and_says_why(world):
    application = applications.application_submit(
        actor=world.enterprise, program=world.program, amount_fen=50_000_00, purpose="检测",
        planned_categories=[build.category()], now=build.NOW,
    )
    applications.application_reject(actor=world.reviewer, application=application,
                                    reason="材料不全", now=build.NOW)

    (message,) = _messages("application_decided")
    assert "驳回" in _words(message)
    assert "原因：材料不全" in _words(message)
    assert "批准 —" in _words(message)


def test_an_order_tells_the_institution_and_its_cancellation_too(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              contract_number="HT-2024-007")
    assert _recipients("order_placed") == {world.institution.pk}
    assert "HT-2024-007" in _words(_messages("order_placed")[0])

    orders.order_cancel(actor=world.enterprise, order=order, reason="需求变更", now=build.NOW)
    (cancelled,) = _messages("order_cancelled")
    assert cancelled.recipient_id == world.institution.pk
    assert "原因：需求变更" in _words(cancelled)


def test_a_logged_delivery_asks_the_enterprise_and_a_dispute_tells_institution_and_reviewers(
    world, voucher
):
    other_reviewer = build.authority("JS")
    shanghai_reviewer = build.authority("SH")
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    delivery = build.deliver(order, world.institution)
    assert _recipients("delivery_logged") == {world.enterprise.pk}

    deliveries.delivery_dispute(actor=world.enterprise, delivery=delivery,
                                reason="报告页数不符", now=build.NOW)

    # the issuing region's reviewers, not those of the institution's region
    assert _recipients("delivery_disputed") == {
        world.institution.pk, world.reviewer.pk, other_reviewer.pk}
    assert shanghai_reviewer.pk not in _recipients("delivery_disputed")


def test_a_redemption_request_tells_the_issuing_reviewers_and_its_decision_the_payee(
    world, voucher
):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    assert _recipients("redemption_requested") == {world.reviewer.pk}

    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                   now=build.NOW)

    (decided,) = _messages("redemption_decided")
    assert decided.recipient_id == world.institution.pk
    assert "通过" in _words(decided)
    assert decided.params["approved_fen"] == redemption.requested_fen


def test_a_paid_batch_tells_the_payee_with_the_treasury_reference(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=build.NOW)
    batch = settlements.payment_batch_create(actor=world.finance,
                                             payee=world.institution.organisation, now=build.NOW)

    settlements.payment_batch_pay(actor=world.finance, batch=batch, payment_reference="GK-001",
                                  paid_on=build.NOW.date(), now=build.NOW)

    (paid,) = _messages("batch_paid")
    assert paid.recipient_id == world.institution.pk
    words = _words(paid)
    assert "GK-001" in words
    assert batch.number in words
    assert "2024年3月1日" in words
    assert "1 Mar 2024" in _words(paid, "en")


def test_a_refused_change_notifies_nobody(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.deliver(order, world.institution)  # logged, not confirmed by the enterprise
    before = Notification.objects.count()

    with pytest.raises(Refused):
        redemptions.redemption_request(actor=world.institution, order=order, now=build.NOW)

    assert Notification.objects.count() == before
    assert _messages("redemption_requested") == []


def test_no_message_text_shows_a_code_or_a_python_value(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    delivery = build.deliver(order, world.institution)
    deliveries.delivery_dispute(actor=world.enterprise, delivery=delivery, reason="不符",
                                now=build.NOW)
    for message in Notification.objects.all():
        for language in ("zh-hans", "en"):
            words = _words(message, language)
            leaks = ["None", "{", "%(", "_fen", "delivery_", "order_"]
            if language == "zh-hans":  # the codes are English words: in English they are text
                leaks += ["approved", "rejected", "disputed"]
            for leak in leaks:
                assert leak not in words, (message.kind, language, words)
