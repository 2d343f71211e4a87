"""Two-tier review in Chromium (issue 21): the city reviewer recommends, the region's reviewer
sees the recommendation on the review page and approves — in Chinese and English, on a
desktop and a phone."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from devtools.factories import vouchers as f
from tests.browser.axe import DESKTOP, PHONE
from tests.browser.conftest import PASSWORD, log_in
from vouchers.models import Application, Recommendation
from vouchers.services import applications, program_changes

pytestmark = pytest.mark.django_db(transaction=True)

CONFIRM_BUTTON = "form.confirm button[name=confirmed], form.confirm button[type=submit]"
WORDS = {
    "zh-CN": {"recommend": "初审", "approve": "建议批准", "submit": "提交初审意见",
              "panel": "市级初审意见", "decide": "批准"},
    "en": {"recommend": "Recommend", "approve": "Recommend approval",
           "submit": "Submit the recommendation", "panel": "City recommendation",
           "decide": "Approve"},
}


@pytest.fixture
def tiers(transactional_db):
    today = timezone.now()
    reviewer = f.authority("JS")
    program = f.make_program(actor=reviewer, name="两级审核创新券", **f.dates_open_all_year(today))
    program_changes.program_review_tiers_change(
        actor=reviewer, program=program, application_city_review=True,
        redemption_city_review=False, reason="市级初审试点", now=today)
    enterprise = f.enterprise_user("JS", name="南京精密仪器有限公司")  # a Nanjing enterprise
    application = applications.application_submit(
        actor=enterprise, program=program, amount_fen=50_000_00, purpose="检测新产品",
        planned_categories=[f.category()], now=today)
    return {"reviewer": reviewer, "city": f.city_reviewer("JS", "320100"),
            "application": application}


def signed_in(new_page, user: User, viewport, language: str):
    page = new_page()
    page.set_viewport_size(viewport)
    log_in(page, user.username, PASSWORD)
    if language == "en":
        page.locator("#language").select_option("en")
        with page.expect_navigation():
            page.get_by_role("button", name="切换").click()
    return page


def confirm(page) -> None:
    confirm_button = page.locator(CONFIRM_BUTTON)
    with page.expect_navigation():
        confirm_button.first.click()


def fits(page, viewport) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], width


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_city_recommends_and_the_region_approves(new_page, tiers, language, viewport):
    words, application = WORDS[language], tiers["application"]
    # The city reviewer finds the application in its queue and recommends 40,000 yuan
    city = signed_in(new_page, tiers["city"], viewport, language)
    city.goto("/review/city/")
    expect(city.get_by_text("南京精密仪器有限公司")).to_be_visible()
    fits(city, viewport)
    city.get_by_role("link", name=words["recommend"], exact=True).first.click()
    city.get_by_label(words["approve"], exact=True).check()
    city.locator("input[name=amount_fen]").fill("40000")
    city.locator("textarea[name=reason]").fill("材料齐全，建议核减")
    with city.expect_navigation():
        city.get_by_role("button", name=words["submit"], exact=True).click()
    confirm(city)
    recommendation = Recommendation.objects.get(application=application)
    assert (recommendation.amount_fen, recommendation.recommended_by) == (40_000_00, tiers["city"])

    # The region's reviewer sees the recommendation on the review page and approves it
    region = signed_in(new_page, tiers["reviewer"], viewport, language)
    region.goto(f"/review/applications/{application.pk}/")
    panel = region.locator("section.recommendation")
    expect(panel).to_contain_text(words["panel"])
    expect(panel).to_contain_text("40,000.00")
    expect(panel).to_contain_text("材料齐全，建议核减")
    fits(region, viewport)
    region.get_by_label(words["decide"], exact=True).check()
    region.locator("input[name=amount_fen]").fill("40000")
    with region.expect_navigation():
        region.locator("form.card button[type=submit]").first.click()
    confirm(region)

    application.refresh_from_db()
    assert (application.state, application.approved_fen) == (Application.State.APPROVED,
                                                             40_000_00)
