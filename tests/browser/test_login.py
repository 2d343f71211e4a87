"""A person signs in through the real browser, in Chinese, then switches to English."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from devtools.factories.accounts import UserFactory
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_enterprise_user_signs_in_and_switches_language(new_page):
    user = UserFactory(username="browser_user")
    page = new_page()

    log_in(page, user.username, "correct-horse-battery")

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_text("您好")).to_be_visible()
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    # expect() waits for the new page; reading at once could read the old one.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Change password")).to_be_visible()


def test_wrong_password_keeps_the_user_out_with_a_chinese_message(new_page):
    UserFactory(username="browser_user2")
    page = new_page()
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("browser_user2")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
