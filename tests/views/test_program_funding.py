"""Issue 17: one rule for funding a program, the page and the API alike (accounts.access
"program.fund": either authority role of the issuing region)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from devtools.factories import vouchers as f
from tests.views.conftest import token
from vouchers.services import programs


@pytest.fixture
def unfunded(world):
    """The world's region's program, its budget not yet appropriated."""
    return f.make_program(actor=world.reviewer, funded_fen=0, name="苏州市科技创新券（追加）",
                          **f.dates_open_all_year(timezone.now()))


def _token_client(user) -> APIClient:
    _token, raw = account_services.api_token_create(actor=user, name="tests", now=timezone.now())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def test_finance_funds_a_program_on_the_page(client, world, unfunded):
    assert programs.program_funded_fen(unfunded) == 0
    client.force_login(world.finance)
    url = reverse("vouchers:program_fund", args=[unfunded.pk])
    data = {"form_token": token(client.get(url)), "amount_fen": "50000",
            "reference": "苏财教〔2024〕31号"}
    summary = client.post(url, data)
    assert "确认拨付预算" in summary.content.decode()
    assert programs.program_funded_fen(unfunded) == 0
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert programs.program_funded_fen(unfunded) == 50_000_00


def test_finance_funds_a_program_through_the_api(world, unfunded):
    assert programs.program_funded_fen(unfunded) == 0
    response = _token_client(world.finance).post(
        f"/api/v1/programs/{unfunded.pk}/fund/",
        {"amount_fen": 50_000_00, "reference": "苏财教〔2024〕32号"}, format="json",
        HTTP_IDEMPOTENCY_KEY="fund-finance-1",
    )
    assert response.status_code == 200, response.content
    assert programs.program_funded_fen(unfunded) == 50_000_00


@pytest.mark.parametrize("who", ["enterprise", "shanghai_reviewer"])
def test_others_may_fund_neither_on_the_page_nor_through_the_api(client, world, unfunded, who):
    assert programs.program_funded_fen(unfunded) == 0
    client.force_login(getattr(world, who))
    page = client.get(reverse("vouchers:program_fund", args=[unfunded.pk]))
    api = _token_client(getattr(world, who)).post(
        f"/api/v1/programs/{unfunded.pk}/fund/",
        {"amount_fen": 50_000_00, "reference": "苏财教〔2024〕33号"}, format="json",
    )
    assert (page.status_code, api.status_code) == {
        "enterprise": (403, 403), "shanghai_reviewer": (404, 404)}[who]
    assert programs.program_funded_fen(unfunded) == 0
