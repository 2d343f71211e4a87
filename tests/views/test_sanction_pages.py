"""The reviewer's sanction pages: revoke a voucher, withdraw an approved claim, decide on what a
blacklisting suspended; in Chinese and in English, each with its confirmation step."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from devtools.factories import vouchers as f
from tests.views.conftest import confirmed_order, issue, token
from vouchers.models import Redemption, ServiceOrder, Voucher
from vouchers.services import oversight, redemptions


def english(client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})


def approved(world) -> Redemption:
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    return redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                          now=timezone.now())


def blacklisted_world(world) -> tuple[Redemption, ServiceOrder]:
    claim = f.request_redemption(confirmed_order(world), world.institution)
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    oversight.organisation_blacklist(actor=world.reviewer, reason="伪造报告", now=timezone.now(),
                                     organisation=world.institution.organisation)
    return claim, order


@pytest.mark.parametrize(("language", "texts"), [
    ("zh-hans", ["作废此创新券", "确认作废创新券", "此操作不可撤销。"]),
    ("en", ["Revoke this voucher", "Confirm revoking the voucher", "This cannot be undone."]),
])
def test_the_reviewer_revokes_a_voucher_after_confirming(client, world, language, texts):
    order = confirmed_order(world)
    voucher = order.voucher
    client.force_login(world.reviewer)
    if language == "en":
        english(client)
    url = reverse("vouchers:voucher_review", args=[voucher.pk])
    page = client.get(url)
    assert texts[0] in page.content.decode()

    summary = client.post(url, {"form_token": token(page), "reason": "骗补"})
    assert texts[1] in summary.content.decode()
    assert texts[2] in summary.content.decode()
    voucher.refresh_from_db()
    assert voucher.state == Voucher.State.ACTIVE  # not before the confirmation

    done = client.post(url, {"form_token": token(page), "reason": "骗补", "confirmed": "1"})
    assert done.status_code == 302
    voucher.refresh_from_db()
    order.refresh_from_db()
    assert (voucher.state, order.state) == (Voucher.State.REVOKED, ServiceOrder.State.VOIDED)
    again = client.get(url).content.decode()
    assert 'name="reason"' not in again  # no second revocation offered


@pytest.mark.parametrize(("language", "message"), [
    ("zh-hans", "请填写作废原因"), ("en", "Reason for revoking")])
def test_revoking_without_a_reason_is_refused_on_the_page(client, world, language, message):
    voucher = issue(world)
    client.force_login(world.reviewer)
    if language == "en":
        english(client)
    url = reverse("vouchers:voucher_review", args=[voucher.pk])
    page = client.post(url, {"form_token": token(client.get(url)), "reason": "",
                             "confirmed": "1"})
    assert page.status_code == 200
    assert message in page.content.decode()
    voucher.refresh_from_db()
    assert voucher.state == Voucher.State.ACTIVE


def test_the_voucher_page_is_the_issuing_reviewers_only(client, world):
    voucher = issue(world)
    url = reverse("vouchers:voucher_review", args=[voucher.pk])
    client.force_login(world.shanghai_reviewer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x", "confirmed": "1"}).status_code == 404
    client.force_login(world.enterprise)
    assert client.get(url).status_code == 403
    voucher.refresh_from_db()
    assert voucher.state == Voucher.State.ACTIVE


def test_the_application_review_page_links_to_its_voucher(client, world):
    voucher = issue(world)
    client.force_login(world.reviewer)
    page = client.get(reverse("vouchers:application_review", args=[voucher.application_id]))
    assert reverse("vouchers:voucher_review", args=[voucher.pk]) in page.content.decode()


@pytest.mark.parametrize(("language", "heading"), [
    ("zh-hans", "撤回已批准的兑付"), ("en", "Withdraw an approved redemption")])
def test_the_reviewer_withdraws_an_approved_redemption(client, world, language, heading):
    redemption = approved(world)
    client.force_login(world.reviewer)
    if language == "en":
        english(client)
    page = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk]))
    assert heading in page.content.decode()
    url = reverse("vouchers:redemption_withdraw", args=[redemption.pk])
    data = {"form_token": token(page), "reason": "发票作废", "destination": "voucher"}
    assert client.post(url, data).status_code == 200  # the summary
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.APPROVED
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    redemption.refresh_from_db()
    assert (redemption.state, redemption.returned_to) == (Redemption.State.WITHDRAWN, "voucher")


@pytest.mark.parametrize(("language", "texts"), [
    ("zh-hans", ["退回订单预留", "订单恢复为已交付", "申请兑付"]),
    ("en", ["Back to the order&#x27;s hold", "The order is delivered again", "Request redemption"]),
])
def test_a_withdrawal_back_to_the_hold_reopens_the_claim_for_the_payee(
    client, world, language, texts
):
    redemption = approved(world)
    client.force_login(world.reviewer)
    if language == "en":
        english(client)
    page = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk]))
    assert texts[0] in page.content.decode()
    url = reverse("vouchers:redemption_withdraw", args=[redemption.pk])
    data = {"form_token": token(page), "reason": "金额有误", "destination": "hold"}
    summary = client.post(url, data).content.decode()
    assert texts[1] in summary
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    redemption.refresh_from_db()
    assert (redemption.state, redemption.returned_to, redemption.order.state) == (
        Redemption.State.WITHDRAWN, "hold", ServiceOrder.State.DELIVERED)
    client.force_login(world.institution)
    if language == "en":
        english(client)
    order_page = client.get(reverse("vouchers:order_detail", args=[redemption.order_id]))
    assert reverse("vouchers:redemption_request", args=[redemption.order_id]) in (
        order_page.content.decode())
    assert texts[2] in order_page.content.decode()


def test_a_withdrawal_needs_a_destination(client, world):
    redemption = approved(world)
    client.force_login(world.reviewer)
    page = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk]))
    answer = client.post(reverse("vouchers:redemption_withdraw", args=[redemption.pk]),
                         {"form_token": token(page), "reason": "x", "confirmed": "1"})
    assert answer.status_code == 200
    assert 'class="error"' in answer.content.decode()
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.APPROVED


def test_finance_cannot_withdraw(client, world):
    redemption = approved(world)
    client.force_login(world.finance)
    answer = client.post(reverse("vouchers:redemption_withdraw", args=[redemption.pk]),
                         {"reason": "x", "destination": "budget", "confirmed": "1"})
    assert answer.status_code == 403


@pytest.mark.parametrize(("language", "texts"), [
    ("zh-hans", ["暂停的兑付", "暂停的订单", "待审核", "已下单"]),
    ("en", ["Suspended redemptions", "Suspended orders", "Pending review", "Placed"]),
])
def test_the_suspensions_page_lists_what_a_blacklisting_stopped(client, world, language, texts):
    claim, order = blacklisted_world(world)
    client.force_login(world.reviewer)
    if language == "en":
        english(client)
    body = client.get(reverse("vouchers:suspensions")).content.decode()
    for text in texts:
        assert text in body
    assert reverse("vouchers:redemption_detail", args=[claim.pk]) in body
    assert reverse("vouchers:order_detail", args=[order.pk]) in body


def test_lifting_and_rejecting_from_the_suspensions_page(client, world):
    claim, order = blacklisted_world(world)
    client.force_login(world.reviewer)
    url = reverse("vouchers:suspensions")
    page = client.get(url)
    reject = {"form_token": token(page), "kind": "order", "item": order.pk,
              "decision": "reject", "reason": "伪造报告", "destination": "voucher"}
    assert "确认驳回并终止" in client.post(url, reject).content.decode()
    assert client.post(url, {**reject, "confirmed": "1"}).status_code == 302
    order.refresh_from_db()
    assert order.state == ServiceOrder.State.VOIDED
    # The payee is blacklisted: lifting its claim is refused, on the page, with the reason.
    lift = {"form_token": token(client.get(url)), "kind": "redemption", "item": claim.pk,
            "decision": "lift", "confirmed": "1"}
    answer = client.post(url, lift)
    assert answer.status_code == 200
    assert "收款方已被列入黑名单" in answer.content.decode()
    claim.refresh_from_db()
    assert claim.state == Redemption.State.SUSPENDED


def test_a_rejection_on_the_suspensions_page_needs_a_reason(client, world):
    claim, _order = blacklisted_world(world)
    client.force_login(world.reviewer)
    url = reverse("vouchers:suspensions")
    answer = client.post(url, {"form_token": token(client.get(url)), "kind": "redemption",
                               "item": claim.pk, "decision": "reject", "confirmed": "1"})
    assert answer.status_code == 200
    assert "驳回时必须填写原因" in answer.content.decode()
    claim.refresh_from_db()
    assert claim.state == Redemption.State.SUSPENDED


def test_another_regions_reviewer_sees_none_of_jiangsus_suspensions(client, world):
    claim, _order = blacklisted_world(world)
    client.force_login(world.shanghai_reviewer)
    url = reverse("vouchers:suspensions")
    assert reverse("vouchers:redemption_detail", args=[claim.pk]) not in (
        client.get(url).content.decode())
    answer = client.post(url, {"kind": "redemption", "item": claim.pk, "decision": "lift",
                               "confirmed": "1"})
    assert answer.status_code == 404
