"""The funnel on the run page (Chinese and English) and in the API's run result."""

from __future__ import annotations

from datetime import datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import Region
from devtools.factories.vouchers import TZ
from reporting.models import ReportRun
from reporting.services import runs

NOW = datetime(2025, 2, 1, tzinfo=TZ)
JIANGSU = {
    "issuing_region": "JS", "issuing_region_name": "江苏省", "budget_fen": 1_000_000_00,
    "issued_fen": 150_000_00, "vouchers_issued": 2, "enterprises_claimed": 2, "held_fen": 0,
    "service_fen": 24_000_01, "voucher_used_fen": 12_000_00, "redeemed_fen": 11_000_00,
    "paid_fen": 11_000_00, "returned_fen": 47_000_00, "clawed_back_fen": 0,
}


@pytest.fixture
def jiangsu_run(year):
    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS,
                              region=Region.objects.get(short_code="JS"),
                              parameters={"year": 2024}, now=NOW)
    return runs.report_run_execute(run_id=run.pk, now=NOW)


def test_the_run_page_shows_the_regions_funnel(client, year, jiangsu_run):
    client.force_login(year.reviewers["JS"])

    page = client.get(f"/reports/runs/{jiangsu_run.pk}/").content.decode()

    assert "按发券地区（资金漏斗）" in page
    assert '<th scope="col">江苏省</th>' in page
    assert '<th scope="row">年度预算</th><td>¥1,000,000.00</td>' in page
    assert '<th scope="row">发放张数</th><td>2</td>' in page
    assert '<th scope="row">到期退回金额</th><td>¥47,000.00</td>' in page
    assert '<th scope="col">浙江省</th>' not in page  # Zhejiang's money is in its report


def test_the_run_page_in_english(client, year, jiangsu_run):
    client.force_login(year.reviewers["JS"])

    page = client.get(f"/reports/runs/{jiangsu_run.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    text = page.content.decode()
    assert "By issuing region (the funnel)" in text
    assert '<th scope="row">Held at year end</th><td>¥0.00</td>' in text
    assert '<th scope="row">Enterprises that claimed</th><td>2</td>' in text
    assert "资金漏斗" not in text
    assert "年末预留" not in text


def test_the_api_gives_the_funnel_in_the_run_result(year, jiangsu_run):
    api = APIClient()
    api.force_authenticate(year.reviewers["JS"])

    result = api.get(f"/api/v1/reports/{jiangsu_run.pk}/").json()["result"]

    assert result["funnel"] == [JIANGSU]
    assert "by_issuer" not in result  # the flows are in the funnel, not a breakdown of their own
