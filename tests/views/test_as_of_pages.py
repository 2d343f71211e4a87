"""Balances as of a date on the pages (the voucher list, the budget page) and in the API
(voucher, program and ledger account detail), in Chinese and English; a bad date is a 400
problem in the API and a message on the page, never a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from devtools.factories import vouchers as f
from tests.views.conftest import issue
from vouchers.models import Voucher
from vouchers.services import orders


def _api(user) -> APIClient:
    api = APIClient()
    _token, raw = account_services.api_token_create(actor=user, name="t", now=timezone.now())
    api.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return api


def _voucher_with_a_hold(world) -> Voucher:
    issue(world, 100_000_00)
    voucher = Voucher.objects.get()
    orders.order_place(actor=world.enterprise, voucher=voucher,
                       institution=world.institution.organisation, category=f.category(),
                       contract_number="HT-1", total_fee_fen=10_000_00, now=timezone.now())
    return voucher


def test_the_voucher_api_answers_as_of_a_date(world):
    voucher = _voucher_with_a_hold(world)
    api = _api(world.enterprise)
    url = reverse("api:voucher-detail", args=[voucher.pk])
    today = api.get(url, {"as_of": timezone.localdate().isoformat()}).json()
    assert (today["available_fen"], today["held_fen"], today["spent_fen"]) == (
        95_000_00, 5_000_00, 0)
    assert today["as_of"].startswith(timezone.localdate().isoformat() + "T23:59:59.999999")
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    before = api.get(url, {"as_of": yesterday}).json()
    assert (before["available_fen"], before["held_fen"], before["amount_fen"]) == (
        0, 0, 100_000_00)
    assert "as_of" not in api.get(url).json()


@pytest.mark.parametrize("bad", ["2024-13-01", "yesterday", "2024-03-01T25:00"])
def test_a_bad_as_of_is_a_400_problem_in_the_requests_language(world, bad):
    voucher = _voucher_with_a_hold(world)
    for url in (reverse("api:voucher-detail", args=[voucher.pk]),
                reverse("api:program-detail", args=[world.program.pk])):
        answer = _api(world.reviewer).get(url, {"as_of": bad}, HTTP_ACCEPT_LANGUAGE="en")
        assert answer.status_code == 400
        assert answer["Content-Type"] == "application/problem+json"
        assert answer.json()["code"] == "as_of_invalid"
        assert "Enter a date" in answer.json()["detail"]
    zh = _api(world.reviewer).get(url, {"as_of": bad}).json()
    assert "日期无效" in zh["detail"]


def test_the_program_api_answers_its_budget_figures_as_of_a_date(world):
    _voucher_with_a_hold(world)
    api = _api(world.reviewer)
    url = reverse("api:program-detail", args=[world.program.pk])
    budget = world.program.budget_fen
    on_funding_day = api.get(url, {"as_of": "2024-03-01"}).json()
    assert on_funding_day["as_of"]["funded_fen"] == budget
    assert on_funding_day["budget_available_fen"] == budget
    assert api.get(url, {"as_of": "2024-02-29"}).json()["as_of"]["funded_fen"] == 0
    today = api.get(url, {"as_of": timezone.localdate().isoformat()}).json()["as_of"]
    assert (today["allocated_fen"], today["held_fen"], today["unallocated_fen"]) == (
        100_000_00, 5_000_00, budget - 100_000_00)


def test_the_ledger_account_api_answers_as_of_a_datetime(world):
    voucher = _voucher_with_a_hold(world)
    api = _api(world.finance)
    url = reverse("api:ledger-account-detail", args=[world.program.budget_account_id])
    before = api.get(url, {"as_of": "2024-03-01T08:59:59+08:00"}).json()
    at = api.get(url, {"as_of": "2024-03-01T09:00:00"}).json()  # no offset: Beijing time
    assert (before["credits_posted_fen"], at["credits_posted_fen"]) == (
        0, world.program.budget_fen)
    assert voucher.account_id != world.program.budget_account_id


@pytest.mark.parametrize(("language", "notice"), [
    ("zh-hans", "以下为截至"), ("en", "as of the end of"),
])
def test_the_voucher_and_budget_pages_show_balances_as_of_a_date(client, world, language,
                                                                 notice):
    _voucher_with_a_hold(world)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    client.force_login(world.enterprise)
    if language == "en":
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("vouchers:voucher_list"), {"as_of": yesterday}).content.decode()
    assert notice in page
    assert 'name="as_of"' in page
    assert "95,000.00" not in page  # yesterday nothing was issued yet
    assert "95,000.00" in client.get(reverse("vouchers:voucher_list")).content.decode()

    client.force_login(world.reviewer)
    if language == "en":
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
    budget = client.get(reverse("vouchers:budget_use"), {"as_of": "2024-02-29"})
    assert notice in budget.content.decode()
    bad = client.get(reverse("vouchers:budget_use"), {"as_of": "2024-02-30"})
    assert bad.status_code == 200
    assert ("日期无效" if language == "zh-hans" else "Enter a date") in bad.content.decode()
