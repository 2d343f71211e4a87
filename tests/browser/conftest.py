"""Playwright driving Debian's Chromium against a live test server.

Never `playwright install`: the browser is /usr/bin/chromium (apt package `chromium`).
Without it these tests are deselected and reported; CI installs Chromium and sets
VOUCHERS_REQUIRE_BROWSER=1, which turns a missing browser into a failure.
A failing test leaves a screenshot in var/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are still synchronous, so Django's async guard is lifted here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def new_page(browser, live_server, request):
    """A factory of pages, one browser context (one user) each; screenshots on failure."""
    contexts = []

    def open_page(language: str = "zh-CN"):
        context = browser.new_context(locale=language, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                page.screenshot(path=SCREENSHOTS / f"{request.node.name}-{index}-{number}.png",
                                full_page=True)
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    # "**/" would match the login page itself: wait until the browser has left it.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


PASSWORD = "correct-horse-battery"
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shot(page, name: str) -> None:
    """Save the page to docs/screenshots/ when VOUCHERS_SCREENSHOTS=1 (README's pictures)."""
    if os.environ.get("VOUCHERS_SCREENSHOTS") == "1":
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=DOCS_SCREENSHOTS / f"{name}.png", full_page=True, type="png")


def signed_in(new_page, user):
    page = new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, user.username, PASSWORD)
    return page


@pytest.fixture
def people(transactional_db):
    """A Jiangsu program open now (evidence: the invoice), its reviewer and finance officer,
    a Jiangsu enterprise and a Shanghai institution that lists testing."""

    from django.utils import timezone

    from accounts.models import User
    from devtools.factories import vouchers as f
    from devtools.factories.accounts import UserFactory

    today = timezone.now()
    reviewer = UserFactory.authority("JS")
    reviewer.username = "js_reviewer"
    reviewer.save()
    f.make_program(
        actor=reviewer, name="2025年度科技创新券", required_evidence=["invoice"],
        **f.dates_open_all_year(today),
    )
    return {
        "reviewer": reviewer,
        "finance": UserFactory.authority("JS", role=User.Role.AUTHORITY_FINANCE),
        "enterprise": f.enterprise_user("JS", name="苏州精密制造有限公司"),
        "institution": f.institution_user("SH", name="上海微电子检测研究院"),
    }
