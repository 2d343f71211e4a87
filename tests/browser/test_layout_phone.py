"""The shell on a phone and on a desktop, for every role: no page wider than a 390 px screen,
a header of at most two rows, a compact menu that opens without script, a desktop navigation
of one or two rows, and a visible keyboard focus."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from devtools.factories import vouchers as f
from devtools.factories.accounts import OrganisationFactory, UserFactory
from tests.browser.conftest import log_in
from vouchers.services import applications

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
MAIN_PAGES = {
    "enterprise": ["/", "/orders/", "/vouchers/", "/applications/", "/directory/"],
    "institution": ["/", "/orders/", "/redemptions/", "/ratings/"],
    "reviewer": ["/", "/review/applications/", "/review/redemptions/", "/orders/",
                 "/accounts/registrations/", "/batches/", "/records/", "/oversight/spot-checks/",
                 "/oversight/spot-checks/queue/", "/oversight/cases/"],
    "finance": ["/", "/batches/", "/redemptions/", "/budget/"],
    "operator": ["/", "/platform/overview/", "/orders/", "/ratings/"],
}


@pytest.fixture
def populated(people):
    """Lists with rows in them: orders (one with a redemption under review), an application
    waiting, a voucher, and a platform operator."""
    enterprise, institution = people["enterprise"], people["institution"]
    program = enterprise.organisation.region.programs.get()
    application = applications.application_submit(
        actor=enterprise, program=program, amount_fen=80_000_00, purpose="检测",
        planned_categories=[f.category()], now=timezone.now())
    voucher = applications.application_approve(actor=people["reviewer"],
                                               application=application, now=timezone.now())
    first = f.place_order(voucher, enterprise, institution.organisation, 18_000_00,
                          contract_number="HT-2025-0101-长合同编号-用于检查换行")
    f.delivered_and_confirmed(first, institution, enterprise, invoice_code="3100231130",
                              invoice="00007717")
    f.request_redemption(first, institution)
    f.place_order(voucher, enterprise, institution.organisation, 9_000_00,
                  contract_number="HT-2025-0102")
    applications.application_submit(
        actor=enterprise, program=program, amount_fen=5_000_00, purpose="第二次申领",
        planned_categories=[f.category()], now=timezone.now())
    operator = UserFactory(organisation=OrganisationFactory(
        kind="operator", credit_code=None, city=None, region_code="SH",
        name="长三角科技资源共享服务平台"), role=User.Role.OPERATOR, username="operator")
    return {**people, "operator": operator}


def _page_for(new_page, user, viewport):
    page = new_page()
    page.set_viewport_size(viewport)
    log_in(page, user.username, "correct-horse-battery")
    return page


def _header_height(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("role", list(MAIN_PAGES))
def test_on_a_phone_no_page_is_wider_than_the_screen_and_the_header_is_two_rows(
    new_page, populated, role
):
    page = _page_for(new_page, populated[role], PHONE)

    for path in MAIN_PAGES[role]:
        page.goto(path)
        assert _overflow(page) <= PHONE["width"], path
        assert _header_height(page) <= 120, path
        expect(page.locator(".site-nav")).to_be_hidden()


def test_a_phone_table_row_reads_as_a_card_with_its_column_labels(new_page, populated):
    page = _page_for(new_page, populated["enterprise"], PHONE)
    page.goto("/orders/")

    cell = page.locator("table.responsive tbody td[data-label]").first
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"订单"'
    assert cell.evaluate("cell => getComputedStyle(cell).display") == "grid"


def test_the_phone_menu_opens_without_script_and_holds_the_grouped_links(new_page, populated):
    page = _page_for(new_page, populated["reviewer"], PHONE)

    menu = page.locator("details.menu")
    expect(menu.get_by_role("link", name="申领审核")).to_be_hidden()
    menu.locator("summary").click()
    expect(menu.get_by_role("link", name="申领审核")).to_be_visible()
    expect(menu.get_by_role("group", name="监管")).to_be_visible()
    menu.get_by_role("link", name="申领审核").click()
    page.wait_for_url("**/review/applications/")


def test_an_anonymous_phone_visitor_sees_a_two_row_header_on_the_public_pages(new_page, people):
    page = new_page()
    page.set_viewport_size(PHONE)
    for path in ["/directory/", "/accounts/login/", "/accounts/notices/"]:
        page.goto(path)
        assert _overflow(page) <= PHONE["width"], path
        assert _header_height(page) <= 120, path


def _rows_of(page, selector: str) -> int:
    return page.evaluate(f"""() => new Set([...document.querySelectorAll('{selector}')]
        .map(element => Math.round(element.getBoundingClientRect().top))).size""")


@pytest.mark.parametrize("role", list(MAIN_PAGES))
def test_on_a_desktop_the_navigation_takes_one_or_two_rows(new_page, populated, role):
    page = _page_for(new_page, populated[role], DESKTOP)

    expect(page.locator(".site-nav")).to_be_visible()
    expect(page.locator("details.menu")).to_be_hidden()
    assert 1 <= _rows_of(page, ".site-nav .nav-group") <= 2
    assert _overflow(page) <= DESKTOP["width"]


def test_keyboard_focus_is_visible(new_page, populated):
    page = _page_for(new_page, populated["enterprise"], DESKTOP)

    page.keyboard.press("Tab")  # the skip link
    skip = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    page.keyboard.press("Tab")  # the platform's name, the first link of the header
    focused = page.evaluate("""() => {
        const style = getComputedStyle(document.activeElement);
        return [document.activeElement.className, style.outlineStyle, style.outlineWidth];
    }""")

    assert float(skip.removesuffix("px")) >= 3
    assert focused[0] == "brand"
    assert focused[1] == "solid"
    assert float(focused[2].removesuffix("px")) >= 3
