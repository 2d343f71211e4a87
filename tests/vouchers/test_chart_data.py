"""The charts' figures: equal to the annual report's selectors and to the ledger, for the
varied year of bench.year_seed (2024: three regions, cross-region orders, partial approvals,
payments, returns); a fixed number of queries each; the page's JSON spec in yuan, translated."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from django.db.models import Sum
from django.utils import translation

from accounts.models import Region
from bench.year_seed import build_year
from reporting.selectors import annual_figures, reference_labels
from reporting.services.documents import annual_charts
from vouchers import chart_selectors, selectors
from vouchers.charts import chart_context, chart_spec
from vouchers.models import Program, Redemption, Voucher
from vouchers.states import REDEEMED_STATES

ECHARTS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "echarts"


@pytest.fixture
def year(db):
    return build_year()


def test_vendored_echarts_matches_its_recorded_checksum():
    recorded = re.search(r"sha256 of echarts\.min\.js: ([0-9a-f]{64})",
                         (ECHARTS / "README.md").read_text()).group(1)
    content = (ECHARTS / "echarts.min.js").read_bytes()
    assert hashlib.sha256(content).hexdigest() == recorded
    assert b'version:"6.1.0"' in content
    assert "Apache License" in (ECHARTS / "LICENSE").read_text()
    assert "Apache ECharts" in (ECHARTS / "NOTICE").read_text()


def test_the_flow_heat_map_is_the_reports_matrix_in_two_queries(year,
                                                                 django_assert_num_queries):
    with django_assert_num_queries(2):
        chart = chart_selectors.flow_chart(year=2024)
    report = annual_figures(year=2024, region=None)["by_flow"]
    codes = list(Region.objects.order_by("code").values_list("short_code", flat=True))
    cells = {(row["issuing_region"], row["serving_region"]): row["service_fen"]
             for row in report}
    assert chart.categories == ["上海市", "江苏省", "浙江省", "安徽省"]
    assert [series.name for series in chart.series] == chart.categories
    assert [series.values for series in chart.series] == [
        [cells.get((issuing, serving), 0) for serving in codes] for issuing in codes]
    assert sum(map(sum, (series.values for series in chart.series))) == annual_figures(
        year=2024, region=None)["headline"]["service_fen"]
    assert any(series.values[column] for row, series in enumerate(chart.series)
               for column in range(4) if column != row)  # cross-region business exists


def test_the_monthly_trend_is_the_reports_by_month_in_two_queries(year,
                                                                  django_assert_num_queries):
    with django_assert_num_queries(2):
        chart = chart_selectors.monthly_trend_chart(year=2024)
    months = {row["month"]: row for row in annual_figures(year=2024, region=None)["by_month"]}
    assert len(chart.categories) == 12
    assert chart.series[0].values == [months.get(m, {}).get("service_fen", 0)
                                      for m in range(1, 13)]
    assert chart.series[1].values == [months.get(m, {}).get("redeemed_fen", 0)
                                      for m in range(1, 13)]
    assert sum(chart.series[1].values) > 0


def test_the_categories_are_the_reports_by_category_in_two_queries(year,
                                                                    django_assert_num_queries):
    with django_assert_num_queries(2):
        chart = chart_selectors.category_chart(year=2024)
    names = reference_labels()["category"]
    report = {names[row["category"]]: row
              for row in annual_figures(year=2024, region=None)["by_category"]}
    for index, name in enumerate(chart.categories):
        row = report.get(name, {"service_fen": 0, "voucher_used_fen": 0})
        assert chart.series[0].values[index] == row["service_fen"]
        assert chart.series[1].values[index] == row["voucher_used_fen"]
    assert set(report) <= set(chart.categories)


def test_the_budget_per_program_adds_up_to_the_funded_budget_from_the_ledger(
        year, django_assert_num_queries):
    region = Region.objects.get(short_code="JS")
    with django_assert_num_queries(1):  # the page's own rows: the chart adds no query
        rows = list(selectors.program_budget_use(region_id=region.pk, year=2024))
        chart = chart_selectors.budget_per_program_chart(rows)
    program = Program.objects.get(region=region, year=2024)
    redeemed, held, unused, unallocated = (series.values[0] for series in chart.series)
    vouchers = Voucher.objects.filter(program=program).select_related("account")
    assert unused == sum(voucher.account.available_fen for voucher in vouchers)
    assert held == sum(voucher.account.debits_pending_fen for voucher in vouchers)
    assert redeemed == Redemption.objects.filter(
        program=program, state__in=REDEEMED_STATES).aggregate(total=Sum("approved_fen"))["total"]
    assert unallocated == program.budget_account.available_fen
    assert redeemed + held + unused + unallocated == rows[0].funded_fen == 1_000_000_00


def test_the_budget_over_time_is_cumulative_and_ends_at_the_totals(year,
                                                                   django_assert_num_queries):
    region = Region.objects.get(short_code="JS")
    with django_assert_num_queries(2):
        chart = chart_selectors.budget_use_by_month_chart(region_id=region.pk, year=2024)
    issued, redeemed = chart.series
    assert issued.values == sorted(issued.values)  # cumulative: never down
    assert issued.values[-1] == Voucher.objects.filter(program__region=region).aggregate(
        total=Sum("amount_fen"))["total"] == 150_000_00
    assert redeemed.values[-1] == Redemption.objects.filter(
        program__region=region, state__in=REDEEMED_STATES).aggregate(
        total=Sum("approved_fen"))["total"]
    assert all(re.fullmatch(r"2024-\d\d", month) for month in chart.categories)


def test_the_spec_is_in_yuan_and_translated():
    chart = chart_selectors.monthly_chart({1: 16000_01, 12: 5}, {3: 100})
    with translation.override("en"):
        spec = chart_spec(chart)
        context = chart_context(chart, element_id="x")
    assert spec["title"] == "Service and redeemed amounts by month (yuan)"
    assert spec["categories"][:3] == ["Jan", "Feb", "Mar"]
    assert spec["series"][0] == {"name": "Service amount",
                                 "data": [16000.01, *[0.0] * 10, 0.05]}
    assert spec["series"][1]["data"][2] == 1.0
    assert context["rows"][0] == ["Jan", "¥16,000.01", "¥0.00"]
    assert "¥16,000.06" in context["summary"]
    with translation.override("zh-hans"):
        assert chart_spec(chart)["categories"][0] == "1月"


def test_the_report_runs_charts_are_its_stored_figures(year):
    result = {"by_month": [{"month": 3, "service_fen": 500, "redeemed_fen": 200}],
              "by_category": [{"category_name": "检验检测", "service_fen": 700,
                               "voucher_used_fen": 300}],
              "by_flow": [{"issuing_region_name": a, "serving_region_name": b,
                           "service_fen": 10 * i + j}
                          for i, a in enumerate(["上海市", "江苏省"])
                          for j, b in enumerate(["上海市", "江苏省"])]}
    monthly, categories, flow = annual_charts(result)
    assert monthly.series[0].values[2] == 500
    assert monthly.series[1].values == [0, 0, 200, *[0] * 9]
    assert categories.categories == ["检验检测"]
    assert categories.series[1].values == [300]
    assert [series.values for series in flow.series] == [[0, 1], [10, 11]]


def test_the_budget_page_embeds_the_charts_specs(year, client):
    client.force_login(year.reviewers["JS"])
    html = client.get("/budget/?year=2024").content.decode()
    spec = json.loads(re.search(
        r'<script id="chart-budget" type="application/json">(.*?)</script>', html).group(1))
    rows = list(selectors.program_budget_use(
        region_id=Region.objects.get(short_code="JS").pk, year=2024))
    assert spec["kind"] == "stacked_bar"
    assert spec["series"][0]["data"] == [rows[0].redeemed_fen / 100]
    assert 'role="img"' in html
    assert 'data-chart="chart-budget-months"' in html
    assert "echarts.min" in html


def test_the_reports_page_shows_the_latest_annual_runs_charts(year, client):
    from datetime import datetime

    from devtools.factories.vouchers import TZ
    from reporting.models import ReportRun
    from reporting.services import runs

    reviewer = year.reviewers["JS"]
    client.force_login(reviewer)
    assert 'class="chart"' not in client.get("/reports/").content.decode()
    now = datetime(2025, 2, 1, tzinfo=TZ)
    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS,
                              region=reviewer.organisation.region, parameters={"year": 2024},
                              now=now)
    run = runs.report_run_execute(run_id=run.pk, now=now)
    html = client.get("/reports/").content.decode()
    assert f'href="/reports/runs/{run.pk}/"' in html
    assert html.count('<figure class="chart"') == 3
    spec = json.loads(re.search(
        r'<script id="chart-flow" type="application/json">(.*?)</script>', html).group(1))
    flows = {(c["issuing_region_name"], c["serving_region_name"]): c["service_fen"]
             for c in run.result["by_flow"]}
    assert spec["series"][1]["name"] == "江苏省"
    assert spec["series"][1]["data"][0] == flows[("江苏省", "上海市")] / 100
