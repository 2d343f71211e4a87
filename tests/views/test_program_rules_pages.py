"""The program pages: dates typed as whole Beijing days inside the year, known evidence only,
deadline and serving-area changes with their consequences, a city offered to programs, and
one pending application per enterprise."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, City
from devtools.factories import vouchers as f
from tests.views.conftest import token
from vouchers.models import Application, Program, Voucher
from vouchers.program_dates import CHINA, day_end
from vouchers.services import applications

END = (23, 59, 59, 999999)


def _program_data(page, **overrides):
    return {"form_token": token(page), "name": "2025年创新券", "year": "2025",
            "budget_fen": "¥5,000,000", "payee_mode": "institution",
            "enterprise_annual_cap_fen": " 200000 元", "ratio_bp": "50",
            "applications_open_at": "2025-02-01", "applications_close_at": "2025-06-30",
            "use_by_at": "2025-11-30", "redemption_deadline_at": "2026-03-31",
            "categories": [f.category().pk], "required_evidence": ["invoice", "contract"]
            } | overrides


def test_typed_days_are_stored_as_whole_days_in_beijing_time(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    page = client.get(url).content.decode()
    assert "截止到当日24:00（北京时间），当日全天可下单；须在项目年度内" in page
    assert "自当日0:00起（北京时间）" in page

    client.post(url, _program_data(client.get(url)))

    program = Program.objects.get(name="2025年创新券")
    assert program.applications_open_at == datetime(2025, 2, 1, tzinfo=CHINA)
    assert program.applications_close_at == datetime(2025, 6, 30, *END, tzinfo=CHINA)
    assert program.use_by_at == datetime(2025, 11, 30, *END, tzinfo=CHINA)
    assert program.redemption_deadline_at == datetime(2026, 3, 31, *END, tzinfo=CHINA)
    assert program.required_evidence == ["contract", "invoice"]
    edit = client.get(reverse("vouchers:program_update", args=[program.pk])).content.decode()
    assert 'value="2025-11-30"' in edit  # the day shown is the day typed


@pytest.mark.parametrize(("overrides", "message"), [
    ({"use_by_at": "2026-01-05"}, "使用截止日期须在2025年内"),
    ({"applications_open_at": "2024-12-31"}, "申领开始日期须在2025年内"),
    ({"redemption_deadline_at": "2026-04-01"}, "兑付截止日期最晚为2026年3月31日"),
    ({"applications_close_at": "2025-12-01"}, "使用截止日期不能早于申领截止日期"),
    ({"required_evidence": ["invoice", "bogus"]}, "未知的材料类型：bogus"),
    ({"required_evidence": []}, "请至少选择一种兑付所需材料"),
])
def test_date_and_evidence_refusals_show_next_to_the_form(client, world, overrides, message):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    response = client.post(url, _program_data(client.get(url), **overrides))
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert 'value="2025年创新券"' in body
    assert not Program.objects.filter(name="2025年创新券").exists()


def test_a_program_name_already_used_this_year_is_a_field_error_in_words(client, world):
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_create")
    client.post(url, _program_data(client.get(url)))
    response = client.post(url, _program_data(client.get(url)))
    body = response.content.decode()
    assert "本地区本年度已有同名的创新券项目，请换一个名称" in body
    assert "包含 Region" not in body
    assert Program.objects.filter(name="2025年创新券").count() == 1


def test_the_english_page_says_the_rule_in_english(client, world):
    client.force_login(world.reviewer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("vouchers:program_create")
    page = client.get(url).content.decode()
    assert "Until the end of that day (24:00 Beijing time)" in page
    response = client.post(url, _program_data(client.get(url), use_by_at="2026-01-05"))
    assert "The use-by date must lie within 2025" in response.content.decode()
    response = client.post(url, _program_data(client.get(url), redemption_deadline_at="2026-04-01"))
    assert "The redemption deadline can be 31 Mar 2026 at the latest" in (
        response.content.decode())


@pytest.fixture
def next_year(world):
    """A program of next year with one voucher: every date of it is still to come."""
    year = timezone.now().astimezone(CHINA).year + 1
    dates = f.dates_open_all_year(datetime(year, 6, 1, tzinfo=CHINA))
    program = f.make_program(actor=world.reviewer, name="下一年度",
                             **dates | {"applications_close_at": day_end(date(year, 6, 30))})
    application = applications.application_submit(
        actor=world.enterprise, program=program, amount_fen=100_000_00, purpose="检测",
        planned_categories=[f.category()], now=datetime(year, 3, 1, 9, tzinfo=CHINA),
    )
    voucher = applications.application_approve(
        actor=world.reviewer, application=application, now=datetime(year, 3, 1, 10, tzinfo=CHINA)
    )
    return program, voucher, year


def test_with_vouchers_the_edit_page_points_to_the_change_pages(client, world, next_year):
    program, _voucher, year = next_year
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_update", args=[program.pk])
    page = client.get(url)
    body = page.content.decode()
    assert reverse("vouchers:program_deadlines", args=[program.pk]) in body
    assert "本项目已发放创新券，请在「调整期限」页面修改" in body
    data = {"form_token": token(page), "name": "下一年度（更名）", "year": str(year),
            "budget_fen": "1,000,000.00", "payee_mode": "institution",
            "enterprise_annual_cap_fen": "300000", "ratio_bp": "50",
            "applications_open_at": f"{year}-01-01", "applications_close_at": f"{year}-06-30",
            "use_by_at": f"{year}-06-30", "redemption_deadline_at": f"{year + 1}-03-31",
            "categories": [f.category().pk], "required_evidence": ["invoice"],
            "reason": "更名"}
    assert client.post(url, data).status_code == 302
    program.refresh_from_db()
    assert program.name == "下一年度（更名）"
    assert program.use_by_at == datetime(year, 12, 31, *END, tzinfo=CHINA)  # disabled: kept


def test_the_deadlines_page_shows_the_consequences_and_moves_vouchers_on_request(
    client, world, next_year
):
    program, voucher, year = next_year
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_deadlines", args=[program.pk])
    page = client.get(url)
    body = page.content.decode()
    assert "选择“随之调整”：1张有效创新券的使用截止日期改为新日期" in body
    assert "0笔进行中的订单已预留资金" in body

    response = client.post(url, {
        "form_token": token(page), "use_by_at": f"{year}-10-31",
        "redemption_deadline_at": f"{year}-12-31", "vouchers_follow": "follow",
        "reason": "财政要求提前结算",
    })

    assert response.status_code == 302
    voucher.refresh_from_db()
    assert voucher.expires_at == datetime(year, 10, 31, *END, tzinfo=CHINA)
    assert AuditEntry.objects.get(action="program_deadlines_change").reason == "财政要求提前结算"


def test_keeping_the_vouchers_date_past_the_new_redemption_deadline_is_refused_on_the_page(
    client, world, next_year
):
    program, voucher, year = next_year
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_deadlines", args=[program.pk])
    data = {"use_by_at": f"{year}-10-31", "redemption_deadline_at": f"{year}-11-30",
            "vouchers_follow": "keep", "reason": "提前结算"}
    response = client.post(url, {"form_token": token(client.get(url))} | data)
    body = response.content.decode()
    assert "已发放的创新券保留原使用截止日期时，兑付截止日期不能早于其使用截止日期" in body
    response = client.post(url, {"form_token": token(client.get(url))} | data
                           | {"vouchers_follow": ""})
    assert "请选择已发放的创新券是否随之调整" in response.content.decode()
    response = client.post(url, {"form_token": token(client.get(url))} | data
                           | {"use_by_at": f"{year + 1}-01-31",
                              "redemption_deadline_at": f"{year + 1}-02-28"})
    assert f"使用截止日期须在{year}年内" in response.content.decode()
    assert Voucher.objects.get(pk=voucher.pk).expires_at == day_end(date(year, 12, 31))
    assert not AuditEntry.objects.filter(action="program_deadlines_change").exists()


def test_the_serving_area_page_keeps_open_orders_and_says_so(client, world, next_year):
    program, voucher, year = next_year
    zhejiang = f.institution_user("ZJ").organisation
    from vouchers.services import orders

    orders.order_place(
        actor=world.enterprise, voucher=voucher, institution=zhejiang, category=f.category(),
        contract_number="ZJ-HT-001", total_fee_fen=10_000_00,
        now=datetime(year, 3, 2, tzinfo=CHINA),
    )
    client.force_login(world.reviewer)
    url = reverse("vouchers:program_serving_area", args=[program.pk])
    page = client.get(url)
    body = page.content.decode()
    assert "已向该城市服务机构下的订单继续有效" in body
    assert f"{zhejiang.city.name}（{zhejiang.city.code}）" in body
    keep = City.objects.filter(in_common_area=True).exclude(pk=zhejiang.city_id)
    response = client.post(url, {"form_token": token(page), "reason": "收窄",
                                 "serving_cities": [c.pk for c in keep]})
    assert response.status_code == 302
    assert not program.serving_cities.filter(pk=zhejiang.city_id).exists()
    response = client.post(url, {"form_token": token(client.get(url)), "reason": "清空"})
    assert "请至少选择一个服务城市" in response.content.decode()


def test_a_city_added_to_the_common_area_is_offered_to_the_years_programs(client, world):
    fuyang = City.objects.get(code="341200")
    client.force_login(world.operator)
    url = reverse("vouchers:city_common_area", args=[fuyang.pk])
    response = client.post(url, {"form_token": token(client.get(url)), "in_common_area": "on",
                                 "reason": "四地联合通知"})
    offer = reverse("vouchers:city_programs", args=[fuyang.pk])
    assert response["Location"] == offer
    page = client.get(offer)
    assert world.program.name in page.content.decode()

    response = client.post(offer, {"form_token": token(page), "programs": [world.program.pk],
                                   "reason": "四地联合通知"})

    assert response["Location"] == reverse("vouchers:reference")
    assert world.program.serving_cities.filter(pk=fuyang.pk).exists()
    assert AuditEntry.objects.get(action="program_serving_city_add").actor == world.operator
    assert "没有需要加入该城市的项目。" in client.get(offer).content.decode()


def test_applying_again_while_one_is_pending_shows_why_and_creates_nothing(client, world):
    client.force_login(world.enterprise)
    url = reverse("vouchers:application_create", args=[world.program.pk])
    data = {"amount_fen": "１２３４", "purpose": "检测新产品",
            "planned_categories": [f.category().pk]}
    client.post(url, {"form_token": token(client.get(url))} | data)

    again = client.post(url, {"form_token": token(client.get(url))} | data)  # back, reload

    body = again.content.decode()
    assert again.status_code == 200
    assert "您已有一份待审核的申请" in body
    assert "申领金额1,234.00元" in body
    assert Application.objects.count() == 1
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    again = client.post(url, {"form_token": token(client.get(url))} | data)
    assert "You already have an application to this program awaiting review" in (
        again.content.decode())


@pytest.mark.parametrize(("language", "field", "message"), [
    ("zh-hans", "ratio_bp", "比例不能超过100%"),
    ("en", "same_region_ratio_bp", "The percentage cannot exceed 100%"),
])
def test_a_percentage_over_100_is_a_form_error_not_a_server_error(
    client, world, language, field, message
):
    # Given a reviewer on the new-program page, in either language
    client.force_login(world.reviewer)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    url = reverse("vouchers:program_create")
    # When a ratio of 150 % is typed
    response = client.post(url, _program_data(client.get(url), **{field: "150"}))
    # Then the page answers with the rule beside the field, and no program is made
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Program.objects.filter(name="2025年创新券").exists()
