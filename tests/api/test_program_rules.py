"""The program rules over the API: dates as plain days or ISO datetimes, the year's limits,
known evidence kinds, deadline and serving-area changes, a city added to programs, and one
pending application per enterprise — refusals as problem+json, English by code."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import AuditEntry, City
from devtools.factories import vouchers as build
from vouchers.models import Application, Program, Voucher
from vouchers.program_dates import CHINA, day_end
from vouchers.services import applications

END = (23, 59, 59, 999999)


def _program_body(**overrides) -> dict:
    return {
        "name": "2025年度科技创新券", "year": 2025, "budget_fen": 500_000_000,
        "payee_mode": "institution", "enterprise_annual_cap_fen": 30_000_000,
        "ratio_bp": 5000, "applications_open_at": "2025-02-01",
        "applications_close_at": "2025-06-30T17:00:00+08:00", "use_by_at": "2025-11-30",
        "redemption_deadline_at": "2026-03-31", "required_evidence": ["invoice", "report"],
        "categories": [{"code": "testing"}],
    } | overrides


def test_plain_dates_mean_whole_days_and_datetimes_are_taken_as_given(parties):
    response = parties.client("reviewer").post(
        reverse("api:program-create"), _program_body(), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    program = Program.objects.get(pk=body["id"])
    assert program.applications_open_at == datetime(2025, 2, 1, tzinfo=CHINA)
    assert program.applications_close_at == datetime(2025, 6, 30, 17, tzinfo=CHINA)
    assert program.use_by_at == datetime(2025, 11, 30, *END, tzinfo=CHINA)
    assert program.redemption_deadline_at == datetime(2026, 3, 31, *END, tzinfo=CHINA)
    assert body["use_by_at"] == "2025-11-30T23:59:59.999999+08:00"
    assert body["required_evidence"] == ["invoice", "report"]


@pytest.mark.parametrize(("overrides", "code", "field", "detail"), [
    ({"use_by_at": "2026-01-05", "redemption_deadline_at": "2026-02-01"},
     "program_date_outside_year", "use_by_at", "使用截止日期须在2025年内"),
    ({"use_by_at": "2025-12-31T16:00:00Z"},
     "program_date_outside_year", "use_by_at", "使用截止日期须在2025年内"),
    ({"redemption_deadline_at": "2026-04-01"},
     "redemption_deadline_too_late", "redemption_deadline_at", "兑付截止日期最晚为2026年3月31日"),
    ({"use_by_at": "2025-06-01"},
     "program_dates_out_of_order", "use_by_at", "使用截止日期不能早于申领截止日期"),
    ({"required_evidence": ["invoice", "invoice"]},
     "evidence_kind_repeated", "required_evidence", "兑付所需材料不能重复"),
])
def test_program_rule_refusals_are_problems_naming_the_field(
    parties, overrides, code, field, detail
):
    response = parties.client("reviewer").post(
        reverse("api:program-create"), _program_body(**overrides), format="json"
    )

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert (problem["code"], problem["detail"]) == (code, detail)
    assert problem["errors"] == [{"field": field, "code": code, "message": detail}]
    assert not Program.objects.filter(name="2025年度科技创新券").exists()


@pytest.mark.parametrize(("kinds", "code"), [(["bogus"], "invalid_choice"), ([], "empty")])
def test_evidence_kinds_outside_the_schema_are_a_field_error(parties, kinds, code):
    # The schema lists the kinds (an enum) and asks for at least one (minItems): a 400.
    response = parties.client("reviewer").post(
        reverse("api:program-create"), _program_body(required_evidence=kinds), format="json"
    )
    assert response.status_code == 400
    assert [(error["field"], error["code"]) for error in response.json()["errors"]] == [
        ("required_evidence", code)]
    assert not Program.objects.filter(name="2025年度科技创新券").exists()


def test_an_impossible_plain_date_is_a_field_error(parties):
    response = parties.client("reviewer").post(
        reverse("api:program-create"), _program_body(use_by_at="2025-02-30"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "use_by_at"


def test_english_clients_get_the_rule_in_english(parties):
    response = parties.client("reviewer").post(
        reverse("api:program-create"), _program_body(redemption_deadline_at="2026-04-01"),
        format="json", HTTP_ACCEPT_LANGUAGE="en",
    )
    problem = response.json()
    assert problem["detail"] == (
        "The redemption deadline may be at most 31 March of the year after the program's "
        "year; see extra.latest."
    )
    assert problem["extra"]["latest"] == "2026-03-31T23:59:59.999999+08:00"


def test_a_second_program_of_the_same_name_is_refused_in_words_naming_the_field(parties):
    # Django's own text was "包含 Region，年度 和 名称 的 创新券项目 已经存在。"
    client = parties.client("reviewer")
    assert client.post(reverse("api:program-create"), _program_body(),
                       format="json").status_code == 201

    again = client.post(reverse("api:program-create"), _program_body(), format="json")
    english = client.post(reverse("api:program-create"), _program_body(), format="json",
                          HTTP_ACCEPT_LANGUAGE="en")

    assert again.status_code == 422
    assert again.json()["code"] == "program_name_taken"
    assert again.json()["errors"] == [{"field": "name", "code": "program_name_taken",
                                       "message": "本地区本年度已有同名的创新券项目，请换一个名称"}]
    assert english.json()["detail"] == (
        "This region already has a program of that name this year; choose another name.")
    assert Program.objects.filter(name="2025年度科技创新券").count() == 1


@pytest.fixture
def next_year(parties):
    """A program of next year with one voucher: all its dates are still to come."""
    year = timezone.now().astimezone(CHINA).year + 1
    dates = build.dates_open_all_year(datetime(year, 6, 1, tzinfo=CHINA))
    program = build.make_program(
        actor=parties.reviewer, name="下一年度",
        **dates | {"applications_close_at": day_end(date(year, 6, 30))},
    )
    application = applications.application_submit(
        actor=parties.enterprise, program=program, amount_fen=100_000_00, purpose="检测",
        planned_categories=[build.category()], now=datetime(year, 3, 1, 9, tzinfo=CHINA),
    )
    voucher = applications.application_approve(
        actor=parties.reviewer, application=application, now=datetime(year, 3, 1, 10, tzinfo=CHINA)
    )
    return program, voucher, year


def test_the_deadlines_operation_moves_vouchers_only_when_asked(parties, next_year):
    program, voucher, year = next_year
    url = reverse("api:program-deadlines", args=[program.pk])
    client = parties.client("reviewer")

    kept = client.post(url, {"use_by_at": f"{year}-11-30", "redemption_deadline_at":
                             f"{year + 1}-03-31", "vouchers_follow": False, "reason": "调整"},
                       format="json")
    assert kept.status_code == 200, kept.json()
    assert kept.json()["use_by_at"] == f"{year}-11-30T23:59:59.999999+08:00"
    assert Voucher.objects.get(pk=voucher.pk).expires_at == day_end(date(year, 12, 31))

    followed = client.post(url, {"use_by_at": f"{year}-11-30", "redemption_deadline_at":
                                 f"{year + 1}-03-31", "vouchers_follow": True, "reason": "统一"},
                           format="json")
    assert followed.status_code == 200
    assert Voucher.objects.get(pk=voucher.pk).expires_at == day_end(date(year, 11, 30))
    assert AuditEntry.objects.filter(action="program_deadlines_change").count() == 2


def test_the_deadlines_operation_refuses_without_a_choice_or_past_the_allowance(
    parties, next_year
):
    program, voucher, year = next_year
    url = reverse("api:program-deadlines", args=[program.pk])
    client = parties.client("reviewer")
    no_choice = client.post(url, {"use_by_at": f"{year}-11-30", "redemption_deadline_at":
                                  f"{year + 1}-03-31", "reason": "调整"}, format="json")
    assert no_choice.status_code == 400
    assert no_choice.json()["errors"][0]["field"] == "vouchers_follow"
    too_late = client.post(url, {"use_by_at": f"{year}-11-30", "redemption_deadline_at":
                                 f"{year + 1}-04-01", "vouchers_follow": True, "reason": "调整"},
                           format="json")
    assert too_late.status_code == 422
    assert too_late.json()["code"] == "redemption_deadline_too_late"
    assert Program.objects.get(pk=program.pk).use_by_at == day_end(date(year, 12, 31))
    assert Voucher.objects.get(pk=voucher.pk).expires_at == day_end(date(year, 12, 31))


def test_the_update_operation_points_to_the_deadlines_once_vouchers_exist(parties, next_year):
    program, _voucher, year = next_year
    response = parties.client("reviewer").post(
        reverse("api:program-update", args=[program.pk]),
        {"use_by_at": f"{year}-10-31", "reason": "提前"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "program_has_vouchers"
    assert response.json()["errors"][0]["field"] == "use_by_at"
    assert response.json()["detail"].startswith("The program has issued vouchers")


def test_the_serving_area_operation_sets_the_cities(parties, next_year):
    program, _voucher, _year = next_year
    url = reverse("api:program-serving-area", args=[program.pk])
    response = parties.client("reviewer").post(
        url, {"serving_city_codes": ["310100", "320500"], "reason": "试点"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert sorted(program.serving_cities.values_list("code", flat=True)) == ["310100", "320500"]
    empty = parties.client("reviewer").post(
        url, {"serving_city_codes": [], "reason": "清空"}, format="json"
    )
    assert empty.status_code == 400
    assert program.serving_cities.count() == 2


def test_the_operator_adds_a_new_common_area_city_to_this_years_programs(parties):
    year = timezone.now().astimezone(CHINA).year
    program = build.make_program(
        actor=parties.reviewer, name="本年度",
        **build.dates_open_all_year(datetime(year, 6, 1, tzinfo=CHINA)),
    )
    fuyang = City.objects.get(code="341200")
    account_services.city_set_common_area(
        actor=parties.operator, city=fuyang, in_common_area=True, reason="四地联合通知",
        now=timezone.now(),
    )
    url = reverse("api:city-programs", args=[fuyang.pk])
    operator = parties.client("operator")
    offered = operator.get(url)
    assert offered.json() == [
        {"id": program.pk, "region_code": "JS", "year": year, "name": "本年度"}
    ]
    assert parties.client("reviewer").get(url).status_code == 403

    added = operator.post(url, {"program_ids": [program.pk], "reason": "四地联合通知"},
                          format="json")

    assert added.status_code == 200
    assert program.serving_cities.filter(pk=fuyang.pk).exists()
    again = operator.post(url, {"program_ids": [program.pk], "reason": "重复"}, format="json")
    assert again.status_code == 422
    assert again.json()["code"] == "program_not_offered"


def test_a_second_pending_application_is_refused_with_its_code(parties):
    client = parties.client("other_enterprise")
    body = {"program_id": parties.program.pk, "amount_fen": 10_000_00, "purpose": "检测",
            "planned_categories": ["testing"]}
    assert client.post(reverse("api:application-submit"), body, format="json").status_code == 201

    second = client.post(reverse("api:application-submit"), body, format="json",
                         HTTP_ACCEPT_LANGUAGE="en")

    assert second.status_code == 409
    problem = second.json()
    assert problem["code"] == "application_pending"
    assert problem["detail"] == (
        "You already have an application to this program awaiting review; wait for its "
        "decision before applying again."
    )
    assert problem["extra"]["application_id"] == Application.objects.get(
        enterprise=parties.other_enterprise.organisation).pk
    assert Application.objects.filter(enterprise=parties.other_enterprise.organisation).count() == 1


def test_the_spot_check_programme_is_set_and_read_over_the_api(parties):
    client = parties.client("reviewer")
    created = client.post(reverse("api:program-create"),
                          _program_body(spot_check_rate_bp=250, spot_check_cadence="quarter"),
                          format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["spot_check_rate_bp"], created.json()["spot_check_cadence"]) == (
        250, "quarter")
    program_id = created.json()["id"]
    updated = client.post(reverse("api:program-update", args=[program_id]),
                          {"spot_check_rate_bp": 1, "reason": "抽查比例调整"}, format="json")
    assert updated.status_code == 200, updated.json()
    assert Program.objects.get(pk=program_id).spot_check_rate_bp == 1
    for rate in (0, 10_001):
        refused = client.post(reverse("api:program-update", args=[program_id]),
                              {"spot_check_rate_bp": rate, "reason": "x"}, format="json")
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["field"] == "spot_check_rate_bp"
    assert Program.objects.get(pk=program_id).spot_check_rate_bp == 1
