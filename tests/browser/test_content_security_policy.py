"""The strict Content-Security-Policy holds on real pages: nothing the browser had to block."""

from __future__ import annotations

import pytest

from devtools.factories.accounts import UserFactory
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _watch_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text else None,
    )
    return violations


def test_api_docs_render_offline_under_the_policy(new_page):
    page = new_page()
    violations = _watch_violations(page)
    response = page.goto("/api/v1/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert page.locator(".swagger-ui .opblock").count() > 10
    assert violations == []


def test_signed_in_pages_need_no_inline_code(new_page):
    UserFactory(username="csp_user")
    page = new_page()
    violations = _watch_violations(page)
    log_in(page, "csp_user", "correct-horse-battery")
    for url in ["/", "/accounts/password/", "/accounts/tokens/", "/directory/"]:
        page.goto(url)
    assert violations == []
