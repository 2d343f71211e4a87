"""The portal's shell: the header names the user's organisation and role, each role's
navigation is grouped by task and every link in it answers, the error pages speak the user's
language inside the shell, and the password rules read in the UI's language."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from accounts.navigation import ACCOUNT, NAVIGATION

pytestmark = pytest.mark.django_db

GROUPS = {
    "enterprise": ["申领", "用券", "公开信息", "我的账户"],
    "institution": ["服务", "回款", "公开信息", "我的账户"],
    "authority_reviewer": ["审核", "监管", "资金与统计", "公开信息", "我的账户"],
    "authority_finance": ["支付", "统计", "公开信息", "我的账户"],
    "operator": ["统计", "监管", "基础数据", "公开信息", "我的账户"],
}
ROLE_USER = {"enterprise": "enterprise", "institution": "institution",
             "authority_reviewer": "reviewer", "authority_finance": "finance",
             "operator": "operator"}


def _signed_in(user, language: str = "zh-hans") -> Client:
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def _site_nav(page: str) -> str:
    """The wide-screen navigation bar (the phone menu repeats it inside the header)."""
    return re.search(r'<nav class="site-nav".*?</nav>', page, flags=re.S)[0]


def test_the_header_names_the_user_s_organisation_and_role(world):
    page = _signed_in(world.enterprise).get(reverse("home")).content.decode()

    header = re.search(r"<header.*?</header>", page, flags=re.S)[0]
    assert "<strong>苏州精密制造有限公司</strong>" in header
    assert "企业用户" in header
    assert "长三角科技创新券通用通兑平台" in header


@pytest.mark.parametrize("role", list(GROUPS))
def test_each_role_s_navigation_has_its_task_groups_and_every_link_answers(world, role):
    user = getattr(world, ROLE_USER[role])
    client = _signed_in(user)

    nav = _site_nav(client.get(reverse("home")).content.decode())

    names = re.findall(r'<span class="nav-group-name" aria-hidden="true">(.*?)</span>', nav)
    assert names == GROUPS[role]
    links = re.findall(r'<a href="([^"]+)"', nav)
    expected = [reverse("home")] + [reverse(name) for group in NAVIGATION[role]
                                    for _label, name in group.links]
    assert links[: len(expected)] == expected
    for url in links:
        assert client.get(url).status_code == 200, url
    assert 'action="/accounts/logout/"' in nav


def test_every_link_of_today_s_navigation_is_still_offered_to_its_role():
    # The links the header had before the grouping, by role (issue 19 keeps all of them).
    before = {
        "enterprise": {"vouchers:programs", "vouchers:application_list", "vouchers:voucher_list",
                       "vouchers:institution_search", "vouchers:order_list",
                       "vouchers:redemption_list", "vouchers:rating_list"},
        "institution": {"vouchers:order_list", "vouchers:catalogue", "vouchers:redemption_list",
                        "vouchers:rating_list"},
        "authority_reviewer": {
            "accounts:registration_queue", "vouchers:application_queue",
            "vouchers:redemption_queue", "accounts:notice_review", "vouchers:budget_use",
            "vouchers:order_list", "vouchers:spot_check_list", "vouchers:rating_list",
            "vouchers:record_list", "vouchers:blacklist", "vouchers:batch_list",
            "reporting:index", "accounts:audit_trail"},
        "authority_finance": {"vouchers:batch_list", "vouchers:redemption_list",
                              "vouchers:budget_use", "reporting:index", "accounts:audit_trail"},
        "operator": {"vouchers:overview", "vouchers:budget_use", "vouchers:reference",
                     "vouchers:rating_list", "vouchers:record_list", "vouchers:order_list",
                     "reporting:index", "accounts:audit_trail"},
    }
    for role, names in before.items():
        offered = {name for group in NAVIGATION[role] for _label, name in group.links}
        assert names <= offered, role
    assert {name for _label, name in ACCOUNT.links} == {
        "vouchers:history", "accounts:api_tokens", "accounts:password_change"}


def test_the_phone_menu_is_a_details_element_with_the_same_links(world):
    page = _signed_in(world.reviewer).get(reverse("home")).content.decode()

    menu = re.search(r'<details class="menu">.*?</details>', page, flags=re.S)[0]
    assert "<summary>菜单</summary>" in menu
    assert re.findall(r'<a href="([^"]+)"', menu) == re.findall(r'<a href="([^"]+)"',
                                                                 _site_nav(page))


def test_the_navigation_reads_in_english_in_the_english_ui(world):
    nav = _site_nav(_signed_in(world.reviewer, "en").get(reverse("home")).content.decode())

    names = re.findall(r'<span class="nav-group-name" aria-hidden="true">(.*?)</span>', nav)
    assert names == ["Review", "Oversight", "Funds and statistics", "Public information",
                     "My account"]


def test_the_current_page_is_marked_in_the_navigation(world):
    page = _signed_in(world.enterprise).get(reverse("vouchers:order_list")).content.decode()

    assert f'<a href="{reverse("vouchers:order_list")}" aria-current="page">' in _site_nav(page)


def test_an_anonymous_visitor_gets_the_public_links_and_sign_in(client):
    nav = _site_nav(client.get(reverse("accounts:login")).content.decode())

    assert re.findall(r'<a href="([^"]+)"', nav) == [
        reverse("vouchers:directory"), reverse("accounts:notices"),
        reverse("accounts:login"), reverse("accounts:register")]


# ---- Error pages ------------------------------------------------------------------------

def _shell(page: str) -> None:
    assert 'href="/static/css/site.css"' in page
    assert '<header class="site-header">' in page
    assert '<footer class="site-footer">' in page
    assert '<a href="/">' in page  # a way back


@pytest.mark.parametrize(("language", "html_lang", "heading"), [
    ("zh-hans", "zh-Hans", "页面不存在"), ("en", "en", "Page not found")])
def test_an_unknown_page_is_a_404_in_the_user_s_language_inside_the_shell(
    world, language, html_lang, heading
):
    response = _signed_in(world.enterprise, language).get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert f'<html lang="{html_lang}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert "苏州精密制造有限公司" in page
    assert "Not Found</h1>" not in page
    _shell(page)


def test_a_404_for_an_anonymous_visitor_follows_the_browser_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.parametrize(("language", "heading", "text"), [
    ("zh-hans", "没有权限", "您的账户无权查看此页面"),
    ("en", "Access denied", "Your account may not see this page")])
def test_a_page_the_role_may_not_open_is_a_styled_403(world, language, heading, text):
    # An enterprise user opens the reviewer's queue: action_required refuses.
    response = _signed_in(world.enterprise, language).get(reverse("vouchers:application_queue"))

    assert response.status_code == 403
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert text in page
    assert "您的角色无权执行此操作" not in page  # the exception's text, one language only
    assert "permission_denied" not in page
    _shell(page)


def test_a_refusal_on_the_api_outside_drf_stays_a_problem_document(rf):
    from config.errors import permission_denied

    response = permission_denied(rf.get("/api/v1/anything/"), PermissionDenied())

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "请求有误"), ("en", "Bad request")])
def test_a_bad_request_is_a_styled_400_in_the_user_s_language(client, language, heading):
    client.post(reverse("set_language"), {"language": language, "next": "/"})

    # A forged Host header is a SuspiciousOperation: Django answers with handler400.
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    _shell(page)


def test_a_control_character_in_the_query_is_a_styled_400_in_english_too(client):
    response = client.get("/directory/?q=%00", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Bad request</h1>" in page
    _shell(page)


@pytest.mark.parametrize(("language", "heading"), [
    ("zh-hans", "服务器内部错误"), ("en", "Internal server error")])
def test_a_server_error_is_a_styled_500_in_the_user_s_language(world, language, heading):
    client = _signed_in(world.enterprise, language)
    client.raise_request_exception = False

    with mock.patch("vouchers.views.home.render", side_effect=RuntimeError("secret internals")):
        response = client.get(reverse("home"))

    assert response.status_code == 500
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "secret internals" not in page
    _shell(page)


# ---- Password rules ---------------------------------------------------------------------

@pytest.mark.parametrize(("language", "too_short", "numeric"), [
    ("zh-hans", "密码太短，至少需要 10 个字符。", "密码只包含数字。"),
    ("en", "This password is too short. It must contain at least 10 characters.",
     "This password is entirely numeric."),
])
def test_the_password_rules_speak_the_ui_s_language_on_registration(
    client, language, too_short, numeric
):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    from tests.views.test_accounts_pages import _registration

    response = client.post(reverse("accounts:register"),
                           _registration(password="12345", password_again="12345"))

    page = response.content.decode()
    assert too_short in page
    assert numeric in page


@pytest.mark.parametrize(("language", "too_short"), [
    ("zh-hans", "密码太短，至少需要 10 个字符。"),
    ("en", "This password is too short. It must contain at least 10 characters."),
])
def test_the_password_rules_speak_the_ui_s_language_on_password_change(
    world, language, too_short
):
    client = _signed_in(world.enterprise, language)

    response = client.post(reverse("accounts:password_change"), {
        "old_password": "correct-horse-battery", "new_password1": "x7!kq",
        "new_password2": "x7!kq"})

    assert response.status_code == 200
    assert too_short in response.content.decode()


# ---- Breadcrumbs ------------------------------------------------------------------------

def _breadcrumbs(page: str) -> list[tuple[str, str | None]]:
    trail = re.search(r'<nav class="breadcrumbs".*?</nav>', page, flags=re.S)[0]
    return [(label, href or None) for href, label in re.findall(
        r'<li>(?:<a href="([^"]+)">|<span aria-current="page">)([^<]+)<', trail)]


def test_an_order_s_pages_show_the_way_back_to_the_order_list(world):
    from devtools.factories import vouchers as f
    from tests.views.conftest import issue

    order = f.place_order(issue(world), world.enterprise, world.institution.organisation)

    detail = _signed_in(world.enterprise).get(reverse("vouchers:order_detail", args=[order.pk]))
    assert _breadcrumbs(detail.content.decode()) == [
        ("首页", "/"), ("我的订单", reverse("vouchers:order_list")), (f"订单 #{order.pk}", None)]
    deliver = _signed_in(world.institution, "en").get(
        reverse("vouchers:delivery_log", args=[order.pk]))
    assert _breadcrumbs(deliver.content.decode()) == [
        ("Home", "/"), ("Incoming orders", reverse("vouchers:order_list")),
        (f"Order #{order.pk}", reverse("vouchers:order_detail", args=[order.pk])),
        ("Log delivery", None)]


def test_a_program_form_shows_the_way_back_to_programs_and_budget(world):
    page = _signed_in(world.reviewer).get(reverse("vouchers:program_create")).content.decode()

    assert _breadcrumbs(page) == [("首页", "/"), ("项目与预算", reverse("vouchers:budget_use")),
                                  ("新建项目", None)]


def test_a_field_s_hint_and_error_are_tied_to_its_input(client):
    from tests.views.test_accounts_pages import _registration

    page = client.post(reverse("accounts:register"),
                       _registration(password="12345", password_again="12345")).content.decode()

    assert 'id="id_password_error"' in page
    assert 'id="id_credit_code_helptext"' in page
    password_input = re.search(r'<input type="password" name="password"[^>]*>', page)[0]
    assert 'aria-describedby="id_password_error"' in password_input
    assert 'aria-invalid="true"' in password_input


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "页面已过期"),
                                                   ("en", "This page has expired")])
def test_a_form_posted_without_its_csrf_token_is_the_portal_s_403(db, language, heading):
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = language

    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "CSRF" not in page
    _shell(page)
