"""The charts draw in Chromium under the strict CSP, in Chinese and English, on a desktop and a
390 px phone: a canvas of non-zero size with non-blank pixels, no console errors, no CSP
violations, and the data table beside each chart."""

from __future__ import annotations

from datetime import datetime

import pytest

from accounts.models import User
from bench.year_seed import build_year
from devtools.factories.accounts import OrganisationFactory, UserFactory
from devtools.factories.vouchers import TZ
from reporting.models import ReportRun
from reporting.services import runs
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
NOW = datetime(2025, 2, 1, 10, 0, tzinfo=TZ)


@pytest.fixture
def world(transactional_db):
    """build_year's 2024 (three regions' programs, cross-region orders, redemptions), the
    operator, and the annual run of 2024 computed."""
    year = build_year()
    operator = UserFactory(organisation=OrganisationFactory(
        kind="operator", credit_code=None, city=None, region_code="SH", name="平台运营方"),
        role=User.Role.OPERATOR, username="chart_operator")
    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS, region=None,
                              parameters={"year": 2024}, now=NOW)
    run = runs.report_run_execute(run_id=run.pk, now=NOW)
    reviewer = year.reviewers["JS"]
    return {"operator": operator, "reviewer": reviewer, "run": run}


def _watch(page) -> list[str]:
    problems: list[str] = []
    def console(message) -> None:
        if message.location.get("url", "").endswith("/favicon.ico"):
            return  # the site has no favicon: the browser's own request, not the page's
        if message.type == "error" or "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


# Counts the canvas's pixels that are neither transparent nor white: a drawn chart has many.
INKED_PIXELS = """canvas => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) inked++;
  }
  return inked;
}"""


def _assert_charts_drawn(page, expected: int) -> None:
    figures = page.locator("figure.chart")
    assert figures.count() == expected
    # A locator's wait, not wait_for_function: that evaluates a string, which the CSP forbids.
    page.locator("figure.chart .chart-canvas canvas").nth(expected - 1).wait_for()
    for index in range(expected):
        figure = figures.nth(index)
        drawing = figure.locator(".chart-canvas")
        assert drawing.get_attribute("role") == "img"
        assert len(drawing.get_attribute("aria-label")) > 20
        canvas = drawing.locator("canvas").first
        box = canvas.bounding_box()
        assert box["width"] > 200
        assert box["height"] > 200
        assert canvas.evaluate(INKED_PIXELS) > 500
        # The fallback: a data table with a row per category (or region).
        assert figure.locator("details.chart-data table tbody tr").count() >= 1
        assert figure.locator("figcaption").inner_text().strip()
        # Within the window: the chart never makes the page scroll sideways.
        assert figure.bounding_box()["x"] + figure.bounding_box()["width"] <= (
            page.viewport_size["width"] + 1)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_charts_draw_on_budget_overview_and_report_pages(new_page, world, language,
                                                             viewport):
    english = language == "en"
    pages = [
        (world["reviewer"], "/budget/?year=2024", 2,
         "Budget use per program (yuan)" if english else "各项目预算使用（元）"),
        (world["operator"], "/platform/overview/?year=2024", 3,
         "Cross-region flow (service amount, yuan)" if english else "跨区域流向（服务金额，元）"),
        (world["operator"], f"/reports/runs/{world['run'].pk}/", 3,
         "Service and redeemed amounts by month (yuan)" if english
         else "月度服务金额与兑付金额（元）"),
        (world["operator"], "/reports/", 3,  # the latest annual run's charts
         "By service category (yuan)" if english else "按服务类别（元）"),
    ]
    for user, url, count, title in pages:
        page = new_page()  # signs in in Chinese, then switches as a reader would
        page.set_viewport_size(VIEWPORTS[viewport])
        problems = _watch(page)
        log_in(page, user.username, "correct-horse-battery")
        if english:
            page.locator("#language").select_option("en")
            with page.expect_navigation():
                page.get_by_role("button", name="切换").click()
        page.goto(url)
        assert title in page.locator("figure.chart figcaption").all_inner_texts()
        _assert_charts_drawn(page, count)
        assert problems == [], (url, problems)


def test_without_javascript_the_tables_stand_in(browser, live_server, world):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url,
                                  locale="zh-CN")
    page = context.new_page()
    log_in(page, "chart_operator", "correct-horse-battery")
    page.goto("/platform/overview/?year=2024")
    assert page.locator(".chart-canvas").first.is_hidden()  # no empty box
    flow = page.locator("figure.chart").first
    flow.locator("summary").click()
    header = flow.locator("thead th").all_inner_texts()
    assert header == ["发券地区", "上海市", "江苏省", "浙江省", "安徽省"]
    context.close()
