"""The spot-check programme's pages: settings on the program form, the draws, the checker's
queue, the approver's refusal and the cases, in Chinese and English."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from devtools.factories import vouchers as f
from tests.views.conftest import confirmed_order, token
from tests.views.test_program_rules_pages import _program_data
from vouchers.models import OversightCase, Program, SpotCheckItem
from vouchers.services import oversight, redemptions, spot_check_programme


@pytest.fixture
def drawn(world):
    """Two redemptions approved by world.reviewer, drawn in full; a second reviewer checks."""
    for _ in range(2):
        redemption = f.request_redemption(confirmed_order(world), world.institution)
        redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                       now=timezone.now())
    checker = f.authority("JS")
    today = timezone.localdate()
    draw = oversight.spot_check_draw(actor=world.reviewer, period_start=today, period_end=today,
                                     percentage="100", now=timezone.now())
    return draw, checker


def test_the_program_form_takes_a_fractional_rate_and_a_cadence(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    response = client.post(url, _program_data(client.get(url), spot_check_rate_bp="2.5",
                                              spot_check_cadence="quarter"))
    assert response.status_code == 302
    program = Program.objects.get(name="2025年创新券")
    assert (program.spot_check_rate_bp, program.spot_check_cadence) == (250, "quarter")
    listing = client.get(reverse("vouchers:spot_check_list")).content.decode()
    assert "2.5%" in listing
    assert "每季度" in listing


def test_left_empty_the_programme_keeps_its_defaults(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    assert client.post(url, _program_data(client.get(url))).status_code == 302
    program = Program.objects.get(name="2025年创新券")
    assert (program.spot_check_rate_bp, program.spot_check_cadence) == (500, "half_year")


@pytest.mark.parametrize(("rate", "message"), [
    ("0", "抽查比例须大于0且不超过100%"), ("100.5", "比例不能超过100%"),
    ("2.555", "比例最多保留两位小数")])
def test_a_bad_rate_is_a_form_error(client, world, rate, message):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    response = client.post(url, _program_data(client.get(url), spot_check_rate_bp=rate))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Program.objects.filter(name="2025年创新券").exists()


def test_the_manual_draw_takes_a_fractional_percentage(client, world, drawn):
    client.force_login(world.reviewer)
    url = reverse("vouchers:spot_check_list")
    today = timezone.localdate().isoformat()
    response = client.post(url, {"form_token": token(client.get(url)), "period_start": today,
                                 "period_end": today, "percentage": "50.5"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "50.5%" in page


def test_the_approver_sees_no_record_form_and_a_post_is_refused(client, world, drawn):
    draw, _checker = drawn
    client.force_login(world.reviewer)
    url = reverse("vouchers:spot_check_detail", args=[draw.pk])
    page = client.get(url)
    assert "您审批了该兑付，须由其他审核员核查" in page.content.decode()
    item = draw.items.first()
    fresh = token(client.get(reverse("vouchers:spot_check_list")))  # no form on this page
    response = client.post(url, {"form_token": fresh, "item": item.pk, "passed": "1",
                                 "note": "齐全"})
    assert response.status_code == 200
    assert "审核批准该兑付的人员不能核查该兑付" in response.content.decode()
    item.refresh_from_db()
    assert item.state == SpotCheckItem.State.PENDING


def test_the_checkers_queue_lists_what_is_assigned_to_them(client, world, drawn):
    draw, checker = drawn
    client.force_login(checker)
    page = client.get(reverse("vouchers:spot_check_queue")).content.decode()
    for item in draw.items.all():
        assert item.assigned_to == checker
        assert f"#{item.redemption_id}" in page
    client.force_login(world.reviewer)  # the approver has nothing to check
    assert "没有待核查的样本" in client.get(reverse("vouchers:spot_check_queue")).content.decode()


def test_a_failed_check_on_the_page_opens_a_case_closed_on_its_page(client, world, drawn):
    draw, checker = drawn
    client.force_login(checker)
    url = reverse("vouchers:spot_check_detail", args=[draw.pk])
    item = draw.items.first()
    client.post(url, {"form_token": token(client.get(url)), "item": item.pk, "passed": "0",
                      "note": "报告与合同不符"})
    case = OversightCase.objects.get()
    assert case.redemption_id == item.redemption_id
    listing = client.get(reverse("vouchers:case_list")).content.decode()
    assert f'href="{reverse("vouchers:case_detail", args=[case.pk])}"' in listing
    detail_url = reverse("vouchers:case_detail", args=[case.pk])
    page = client.get(detail_url)
    body = page.content.decode()
    assert reverse("vouchers:redemption_detail", args=[item.redemption_id]) in body
    assert reverse("vouchers:blacklist") in body
    refused = client.post(detail_url, {"form_token": token(page), "outcome": "claw_back",
                                       "reason": "应追回"})
    assert "该兑付尚未追回" in refused.content.decode()
    client.post(detail_url, {"form_token": token(client.get(detail_url)),
                             "outcome": "no_action", "reason": "补正材料后相符"})
    case.refresh_from_db()
    assert (case.state, case.outcome, case.closed_by) == ("closed", "no_action", checker)


def test_the_sweeps_draws_are_listed_with_their_unassigned_items(client, world):
    redemption = f.request_redemption(confirmed_order(world), world.institution)
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                   now=timezone.now())
    year = world.program.year
    Program.objects.filter(pk=world.program.pk).update(spot_check_rate_bp=10_000,
                                                       spot_check_cadence="year")
    draw = spot_check_programme.spot_check_draw_for_period(
        program=world.program, period_start=date(year, 1, 1), period_end=date(year, 12, 31),
        now=timezone.now())
    client.force_login(world.reviewer)
    body = client.get(reverse("vouchers:spot_check_list")).content.decode()
    assert f"抽查计划：{world.program.name}" in body
    assert '<span class="status status-warning">1</span>' in body  # nobody may check it
    detail = client.get(reverse("vouchers:spot_check_detail", args=[draw.pk])).content.decode()
    assert "无合格核查人" in detail


@pytest.mark.parametrize(("url_name", "words"), [
    ("vouchers:spot_check_list", ["Spot-check programme", "Draw a sample by hand", "Draws"]),
    ("vouchers:spot_check_queue", ["My spot checks", "Nothing to check."]),
    ("vouchers:case_list", ["Spot-check cases", "No cases."])])
def test_the_pages_read_in_english(client, world, drawn, url_name, words):
    client.force_login(world.reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse(url_name)).content.decode()
    for word in words:
        assert word in body


@pytest.mark.parametrize("url_name", ["vouchers:spot_check_queue", "vouchers:case_list"])
def test_market_users_cannot_open_the_oversight_pages(client, world, url_name):
    client.force_login(world.enterprise)
    assert client.get(reverse(url_name)).status_code == 403


def test_the_to_do_list_of_draws_counts_every_sampled_item(client, world, drawn):
    draw, checker = drawn
    first = draw.items.first()
    oversight.spot_check_record(actor=checker, item=first, passed=True, note="齐全",
                                now=timezone.now())
    client.force_login(world.reviewer)
    response = client.get(reverse("vouchers:spot_check_list"), {"todo": "spot_checks_open"})
    (listed,) = list(response.context["page"])
    assert (listed.pk, listed.sample) == (draw.pk, 2)
