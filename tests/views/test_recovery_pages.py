"""The claw-back pages: the list with due dates and ageing, repayment with a confirm step,
refusals shown on the form, in Chinese and English; and the same through the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from devtools.factories import vouchers as f
from tests.views.conftest import confirmed_order, token
from vouchers.models import ClawBack, ClawBackRepayment
from vouchers.services import oversight, redemptions, settlements


def _claw_back(world) -> ClawBack:
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    redemption = redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                                now=timezone.now())
    batch = settlements.payment_batch_create(actor=world.finance,
                                             payee=world.institution.organisation,
                                             now=timezone.now())
    settlements.payment_batch_pay(actor=world.finance, batch=batch, payment_reference="GK-9",
                                  paid_on=timezone.localdate(), now=timezone.now())
    return oversight.redemption_claw_back(actor=world.reviewer, redemption=redemption,
                                          reason="虚假交付", now=timezone.now())


def _repay_data(page, amount="100.00", reference="YH-9", **extra):
    return {"form_token": token(page), "amount_fen": amount,
            "received_on": timezone.localdate().isoformat(), "bank_reference": reference,
            "note": "", **extra}


def test_finance_records_a_partial_repayment_after_confirming(client, world):
    claw_back = _claw_back(world)
    client.force_login(world.finance)
    listing = client.get(reverse("vouchers:claw_back_list")).content.decode()
    assert claw_back.reference in listing
    assert "0–30天" in listing
    url = reverse("vouchers:claw_back_detail", args=[claw_back.pk])
    page = client.get(url)
    summary = client.post(url, _repay_data(page)).content.decode()
    assert "确认登记追回款退回" in summary
    assert not ClawBackRepayment.objects.exists()  # nothing until confirmed
    client.post(url, _repay_data(page, confirmed="1"))
    claw_back.refresh_from_db()
    assert claw_back.repaid_fen == 100_00
    assert "YH-9" in client.get(url).content.decode()


@pytest.mark.parametrize(("language", "text"), [
    ("zh-hans", "退回金额超过"), ("en", "more than is still owed"),
])
def test_over_repaying_shows_the_refusal_in_the_users_language(client, world, language, text):
    claw_back = _claw_back(world)
    client.force_login(world.finance)
    if language == "en":
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("vouchers:claw_back_detail", args=[claw_back.pk])
    too_much = f"{claw_back.amount_fen / 100 + 0.01:.2f}"
    answer = client.post(url, _repay_data(client.get(url), too_much, confirmed="1"))
    assert text in answer.content.decode()
    assert not ClawBackRepayment.objects.exists()


def test_the_reviewer_sees_claw_backs_but_has_no_repayment_form(client, world):
    claw_back = _claw_back(world)
    client.force_login(world.reviewer)
    page = client.get(reverse("vouchers:claw_back_detail", args=[claw_back.pk]))
    assert page.status_code == 200
    assert 'name="bank_reference"' not in page.content.decode()
    client.force_login(world.shanghai_reviewer)
    assert client.get(reverse("vouchers:claw_back_detail", args=[claw_back.pk])).status_code == 404


def _api(user) -> APIClient:
    api = APIClient()
    _token, raw = account_services.api_token_create(actor=user, name="t", now=timezone.now())
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def test_the_api_lists_and_repays_claw_backs(world):
    claw_back = _claw_back(world)
    api = _api(world.finance)
    listing = api.get(reverse("api:claw-back-list")).json()
    assert [(row["reference"], row["outstanding_fen"]) for row in listing["results"]] == [
        (claw_back.reference, claw_back.amount_fen)]
    url = reverse("api:claw-back-repay", args=[claw_back.pk])
    body = {"amount_fen": 100_00, "received_on": timezone.localdate().isoformat(),
            "bank_reference": "YH-1"}
    created = api.post(url, body, format="json")
    assert (created.status_code, created.json()["amount_fen"]) == (201, 100_00)
    detail = api.get(reverse("api:claw-back-detail", args=[claw_back.pk])).json()
    assert (detail["repaid_fen"], len(detail["repayments"])) == (100_00, 1)

    over = api.post(url, {**body, "amount_fen": claw_back.amount_fen, "bank_reference": "YH-2"},
                    format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert over.status_code == 422
    assert over["Content-Type"] == "application/problem+json"
    assert over.json()["code"] == "repayment_exceeds_outstanding"
    assert "more than is still owed" in over.json()["detail"]


def test_the_api_refuses_repayments_by_the_reviewer(world):
    claw_back = _claw_back(world)
    answer = _api(world.reviewer).post(
        reverse("api:claw-back-repay", args=[claw_back.pk]),
        {"amount_fen": 1, "received_on": timezone.localdate().isoformat(),
         "bank_reference": "YH-1"}, format="json")
    assert answer.status_code == 403
    assert not ClawBackRepayment.objects.exists()
