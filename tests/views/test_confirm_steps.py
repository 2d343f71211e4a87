"""A summary-and-confirm step before every action that moves money or ends a record: the
first submit shows what will happen and changes nothing (no state, no audit line); the
confirmed submit, sending back the values the summary carried, calls the service."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, Organisation
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory
from tests.views.conftest import confirmed_order, issue, token
from vouchers.models import Blacklisting, PaymentBatch, Redemption
from vouchers.services import applications, redemptions, settlements

CONFIRM_FORM = re.compile(r'<form method="post" action="[^"]*" class="confirm">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def summary_then_confirm(client, url, data, *, shows, record, state, changed_to):
    """POST `data`: the summary page, nothing changed; then POST what it carried + confirm."""
    audit_lines = AuditEntry.objects.count()
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "此操作确认后无法撤销。" in body
    for text in shows:
        assert text in body, text
    record.refresh_from_db()
    assert getattr(record, state) != changed_to
    assert AuditEntry.objects.count() == audit_lines
    carried: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(CONFIRM_FORM.search(body)[1]):
        if name != "csrfmiddlewaretoken":
            carried.setdefault(name, []).append(html.unescape(value))
    confirmed = client.post(url, {**carried, "confirmed": "1"})
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    record.refresh_from_db()
    assert getattr(record, state) == changed_to
    assert AuditEntry.objects.count() > audit_lines
    return carried


def _approved(world) -> Redemption:
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    return redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                          now=timezone.now())


def test_requesting_redemption(client, world):
    order = confirmed_order(world)
    client.force_login(world.institution)
    page = client.get(reverse("vouchers:order_detail", args=[order.pk]))
    url = reverse("vouchers:redemption_request", args=[order.pk])
    audit_lines = AuditEntry.objects.count()
    data = {"form_token": token(page)}

    summary = client.post(url, data).content.decode()

    for text in ("确认申请兑付", "¥5,000.00", "江苏省"):
        assert text in summary
    assert not Redemption.objects.filter(order=order).exists()
    assert AuditEntry.objects.count() == audit_lines
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302  # a double submit
    assert Redemption.objects.filter(order=order).count() == 1
    assert AuditEntry.objects.filter(action="redemption_request").count() == 1


def test_confirming_a_delivery(client, world):
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    delivery = f.deliver(order, world.institution)
    client.force_login(world.enterprise)
    page = client.get(reverse("vouchers:order_detail", args=[order.pk]))
    summary_then_confirm(
        client, reverse("vouchers:delivery_confirm", args=[delivery.pk]),
        {"form_token": token(page)}, shows=["确认后不能再提出异议", "上海测试技术研究院"],
        record=delivery, state="state", changed_to="confirmed")


def test_cancelling_an_order(client, world):
    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)
    client.force_login(world.enterprise)
    page = client.get(reverse("vouchers:order_detail", args=[order.pk]))
    summary_then_confirm(
        client, reverse("vouchers:order_cancel", args=[order.pk]),
        {"form_token": token(page), "reason": ""}, shows=["退回创新券的预留金额", "¥5,000.00"],
        record=order, state="state", changed_to="cancelled")


@pytest.mark.parametrize(("decision", "changed_to", "shows"), [
    ("approve", "approved", ["确认批准申领", "¥40,000.00"]),
    ("reject", "rejected", ["确认驳回申领", "材料不全"]),
])
def test_deciding_an_application(client, world, decision, changed_to, shows):
    application = applications.application_submit(
        actor=world.enterprise, program=world.program, amount_fen=50_000_00, purpose="检测",
        planned_categories=[f.category()], now=timezone.now())
    client.force_login(world.reviewer)
    url = reverse("vouchers:application_review", args=[application.pk])
    summary_then_confirm(
        client, url, {"form_token": token(client.get(url)), "decision": decision,
                      "amount_fen": "40000" if decision == "approve" else "",
                      "reason": "材料不全" if decision == "reject" else "核减"},
        shows=shows, record=application, state="state", changed_to=changed_to)


@pytest.mark.parametrize(("decision", "changed_to", "shows"), [
    ("approve", "approved", ["确认批准兑付", "¥4,000.00"]),
    ("reject", "rejected", ["确认驳回兑付", "发票不符"]),
])
def test_deciding_a_redemption(client, world, decision, changed_to, shows):
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    client.force_login(world.reviewer)
    url = reverse("vouchers:redemption_detail", args=[redemption.pk])
    summary_then_confirm(
        client, url, {"form_token": token(client.get(url)), "decision": decision,
                      "amount_fen": "4000" if decision == "approve" else "",
                      "reason": "发票不符" if decision == "reject" else "核减"},
        shows=shows, record=redemption, state="state", changed_to=changed_to)


def test_going_back_from_the_summary_keeps_what_was_typed_and_changes_nothing(client, world):
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    client.force_login(world.reviewer)
    url = reverse("vouchers:redemption_detail", args=[redemption.pk])
    data = {"form_token": token(client.get(url)), "decision": "reject", "reason": "发票不符"}

    back = client.post(url, {**data, "edit": "1"}).content.decode()

    assert "提交审核结果" in back
    assert "发票不符</textarea>" in back
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.REQUESTED


def test_a_batch_of_the_picked_redemptions(client, world):
    first, second = _approved(world), _approved(world)
    client.force_login(world.finance)
    payee = world.institution.organisation
    url = reverse("vouchers:batch_create")
    checklist = client.get(url, {"payee": payee.pk}).content.decode()
    assert checklist.count('type="checkbox" name="redemptions"') == 2
    assert checklist.count(" checked>") == 2                       # all preselected
    assert "¥10,000.00" in checklist                                # the total of both
    data = {"form_token": token(client.get(url, {"payee": payee.pk})), "payee": payee.pk,
            "redemptions": [second.pk]}
    audit_lines = AuditEntry.objects.count()

    summary = client.post(url + f"?payee={payee.pk}", data).content.decode()

    assert "确认创建支付批次" in summary
    assert f"#{second.pk}" in summary
    assert f"#{first.pk}" not in summary
    assert not PaymentBatch.objects.exists()
    assert AuditEntry.objects.count() == audit_lines
    client.post(url + f"?payee={payee.pk}", {**data, "confirmed": "1"})
    batch = PaymentBatch.objects.get()
    assert list(batch.redemptions.values_list("pk", flat=True)) == [second.pk]
    assert batch.total_fen == 5_000_00
    first.refresh_from_db()
    assert first.batch_id is None


def test_a_batch_with_nothing_picked_is_refused_in_words(client, world):
    _approved(world)
    client.force_login(world.finance)
    payee = world.institution.organisation
    url = reverse("vouchers:batch_create") + f"?payee={payee.pk}"
    response = client.post(url, {"form_token": token(client.get(url)), "payee": payee.pk})
    assert "请至少选择一笔兑付" in response.content.decode()
    assert not PaymentBatch.objects.exists()


def test_a_stale_pick_is_refused_on_confirmation(client, world):
    redemption = _approved(world)
    client.force_login(world.finance)
    payee = world.institution.organisation
    url = reverse("vouchers:batch_create") + f"?payee={payee.pk}"
    data = {"form_token": token(client.get(url)), "payee": payee.pk,
            "redemptions": [redemption.pk], "confirmed": "1"}
    settlements.payment_batch_create(actor=world.finance, payee=payee, now=timezone.now())

    response = client.post(url, data)

    assert "已不能编入批次" in response.content.decode()
    assert PaymentBatch.objects.count() == 1


def _batch(world) -> PaymentBatch:
    _approved(world)
    return settlements.payment_batch_create(actor=world.finance,
                                            payee=world.institution.organisation,
                                            now=timezone.now())


def test_paying_a_batch(client, world):
    batch = _batch(world)
    client.force_login(world.finance)
    url = reverse("vouchers:batch_detail", args=[batch.pk])
    summary_then_confirm(
        client, url, {"form_token": token(client.get(url)), "payment_reference": "GK-7",
                      "paid_on": timezone.localdate().isoformat()},
        shows=["确认登记国库支付", "GK-7", batch.number, "¥5,000.00"],
        record=batch, state="state", changed_to="paid")


def test_cancelling_a_batch(client, world):
    batch = _batch(world)
    client.force_login(world.finance)
    page = client.get(reverse("vouchers:batch_detail", args=[batch.pk])).content.decode()
    tokens = re.findall(r'name="form_token" value="([0-9a-f]{32})"', page)
    summary_then_confirm(
        client, reverse("vouchers:batch_cancel", args=[batch.pk]),
        {"form_token": tokens[-1], "reason": "收款账户有误"},
        shows=["确认撤销批次", "收款账户有误"], record=batch, state="state",
        changed_to="cancelled")


def test_clawing_back_a_paid_redemption(client, world):
    batch = _batch(world)
    settlements.payment_batch_pay(actor=world.finance, batch=batch, payment_reference="GK-9",
                                  paid_on=timezone.localdate(), now=timezone.now())
    redemption = batch.redemptions.get()
    client.force_login(world.reviewer)
    page = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk]))
    summary_then_confirm(
        client, reverse("vouchers:redemption_claw_back", args=[redemption.pk]),
        {"form_token": token(page), "reason": "虚假交付"}, shows=["确认登记追回", "¥5,000.00"],
        record=redemption, state="state", changed_to="clawed_back")


def test_blacklisting(client, world):
    organisation = world.other_institution.organisation
    client.force_login(world.reviewer)
    url = reverse("vouchers:blacklist")
    audit_lines = AuditEntry.objects.count()
    data = {"form_token": token(client.get(url)), "credit_code": organisation.credit_code,
            "reason": "虚开发票"}
    summary = client.post(url, data).content.decode()
    assert "确认列入黑名单" in summary
    assert "浙江别家机构" in summary
    assert not Blacklisting.objects.exists()
    assert AuditEntry.objects.count() == audit_lines
    assert client.post(url, {**data, "confirmed": "1"}).status_code == 302
    assert Blacklisting.objects.filter(organisation=organisation).count() == 1


def test_rejecting_a_registration(client, world):
    pending = OrganisationFactory(region_code="JS", status=Organisation.Status.PENDING,
                                  name="待审企业")
    client.force_login(world.reviewer)
    summary_then_confirm(
        client, reverse("accounts:registration_review", args=[pending.pk]),
        {"decision": "reject", "reason": "材料不实"}, shows=["确认驳回注册", "待审企业"],
        record=pending, state="status", changed_to="rejected")
