"""Screenshots of the pages the story does not pass through (VOUCHERS_SCREENSHOTS=1 only):
the review queue with warnings, the evidence preview, the budget and overview charts, the
public directory, the operator's and finance's homes, phone and English views, an error page,
and the PDF report's pages (rendered with pypdfium2)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.models import User
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory, UserFactory
from tests.browser.conftest import DOCS_SCREENSHOTS, PASSWORD, log_in, shot, signed_in
from vouchers.services import applications

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.screenshots,  # deselected unless VOUCHERS_SCREENSHOTS=1 (tests/conftest.py)
]


def _redemptions_with_warnings(people):
    """Two orders at one institution with the same invoice (code and number): the queue warns."""
    enterprise, institution = people["enterprise"], people["institution"]
    program = enterprise.organisation.region.programs.get()
    application = applications.application_submit(
        actor=enterprise, program=program, amount_fen=80_000_00, purpose="检测",
        planned_categories=[f.category()], now=timezone.now())
    voucher = applications.application_approve(actor=people["reviewer"],
                                               application=application, now=timezone.now())
    first = f.place_order(voucher, enterprise, institution.organisation, 18_000_00,
                          contract_number="HT-2025-0101")
    f.delivered_and_confirmed(first, institution, enterprise, invoice_code="3100231130",
                              invoice="00007717")
    f.request_redemption(first, institution)
    second = f.place_order(voucher, enterprise, institution.organisation, 9_000_00,
                           contract_number="HT-2025-0102")
    f.deliver(second, institution, invoice_code="3100231130", invoice="0000 7717")


def test_screenshots_of_the_remaining_pages(new_page, people):
    _redemptions_with_warnings(people)
    reviewer = signed_in(new_page, people["reviewer"])
    reviewer.goto("/review/redemptions/")
    shot(reviewer, "redemption-queue-warnings")
    reviewer.get_by_role("link", name="审核", exact=True).first.click()
    shot(reviewer, "redemption-review")
    reviewer.get_by_role("link", name="预览", exact=True).first.click()
    shot(reviewer, "evidence-preview")
    reviewer.goto("/budget/")
    shot(reviewer, "budget-use")

    finance = signed_in(new_page, people["finance"])
    shot(finance, "finance-home")
    operator = UserFactory(organisation=OrganisationFactory(
        kind="operator", credit_code=None, city=None, region_code="SH",
        name="长三角科技资源共享服务平台"), role=User.Role.OPERATOR, username="operator")
    page = signed_in(new_page, operator)
    shot(page, "operator-home")
    page.goto("/platform/overview/")
    shot(page, "operator-overview")

    public = new_page()
    public.set_viewport_size({"width": 1280, "height": 900})
    public.goto("/directory/")
    shot(public, "public-directory")
    public.goto("/no-such-page/")
    shot(public, "error-404")

    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    log_in(phone, people["reviewer"].username, PASSWORD)
    phone.locator("#language").select_option("en")
    phone.get_by_role("button", name="切换").click()
    phone.goto("/")
    shot(phone, "reviewer-home-en-phone")
    phone.goto("/budget/")
    shot(phone, "budget-use-en-phone")


def test_screenshots_of_the_pdf_report():
    """The cover and the first chart page of the PDF report, as a regulator receives it."""
    from tests.reporting.test_pdf_report import render

    pages = render("zh-hans", authority="江苏省科学技术厅", region_name="江苏省")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pages[0].image.save(DOCS_SCREENSHOTS / "report-pdf-cover.png")
    chart_page = next(page for page in pages if "月度服务金额与兑付金额（元）" in page.text)
    chart_page.image.save(DOCS_SCREENSHOTS / "report-pdf-charts.png")
