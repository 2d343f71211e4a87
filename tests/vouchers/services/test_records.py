"""The institution's record (信用与绩效, issue 20): the documented formula to the point, the
grade bands, recomputed after each change and by the nightly run, and a D grade or a sanction
as a review warning in every region."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from devtools.factories import vouchers as build
from vouchers.models import InstitutionRecord
from vouchers.selectors import redemption_warnings
from vouchers.services import deliveries, oversight, redemptions
from vouchers.services.ratings import delivery_rate
from vouchers.services.records import (
    RecordFigures,
    institution_record_refresh,
    institution_records_refresh,
    record_score,
)

pytestmark = pytest.mark.django_db
CLEAN = RecordFigures(orders=10, deliveries=10, deliveries_on_time=10, disputes=0,
                      redemptions_decided=10, redemptions_rejected_or_reduced=0,
                      spot_check_findings=0, claw_backs=0, sanctioned=False, rating_count=0,
                      rating_mean_centi=None)


@pytest.mark.parametrize(("changes", "expected"), [
    ({}, (100, "A")),
    # 2 of 10 disputed: -20 x 0.2; of the 8 undisputed, 6 on time: -30 x 0.25
    ({"disputes": 2, "deliveries_on_time": 6}, (89, "B")),
    # 3 of 10 decided redemptions rejected or reduced: -6; one finding -10; one claw-back -15
    ({"redemptions_rejected_or_reduced": 3, "spot_check_findings": 1, "claw_backs": 1},
     (69, "C")),
    ({"spot_check_findings": 5, "claw_backs": 3}, (40, "D")),  # each capped at 30
    # ratings count from 3: a mean of 4.6 adds 8, but the score stays at most 100
    ({"rating_count": 3, "rating_mean_centi": 460, "deliveries_on_time": 8}, (100, "A")),
    ({"rating_count": 2, "rating_mean_centi": 100}, (100, "A")),  # too few to count
    ({"rating_count": 5, "rating_mean_centi": 100}, (90, "A")),  # a mean of 1 takes 10
    ({"sanctioned": True}, (60, "D")),  # blacklisted: D whatever the score
])
def test_the_score_and_grade_follow_the_documented_formula(changes, expected):
    assert record_score(RecordFigures(**(CLEAN.__dict__ | changes))) == expected


def test_the_record_counts_the_year_s_facts_and_follows_each_change(world, voucher,
                                                                     django_capture_on_commit_callbacks):
    institution_id = world.institution.organisation_id
    with django_capture_on_commit_callbacks(execute=True):  # each change refreshes it
        order = build.place_order(voucher, world.enterprise, world.institution.organisation)
        delivery = build.delivered_and_confirmed(order, world.institution, world.enterprise)
        delivery_rate(actor=world.enterprise, delivery=delivery, now=build.NOW, quality=5,
                      timeliness=5, price=5, communication=5)
        disputed = build.place_order(voucher, world.enterprise, world.institution.organisation)
        deliveries.delivery_dispute(actor=world.enterprise,
                                    delivery=build.deliver(disputed, world.institution),
                                    reason="不符", now=build.NOW)
        redemption = build.request_redemption(order, world.institution)
        redemptions.redemption_approve(actor=world.reviewer, redemption=redemption,
                                       amount_fen=redemption.requested_fen - 100,
                                       reason="核减发票外费用", now=build.NOW)

    record = InstitutionRecord.objects.get(institution_id=institution_id,
                                           year=world.program.year)
    assert (record.orders, record.deliveries, record.deliveries_on_time, record.disputes) == (
        2, 2, 1, 1)
    assert (record.redemptions_decided, record.redemptions_rejected_or_reduced) == (1, 1)
    assert (record.rating_count, record.rating_mean_centi) == (1, 500)
    # -20 x 1/2 (disputes), -20 x 1/1 (reduced); the one rating is too few to count
    assert (record.score, record.grade) == (70, "C")


def test_the_nightly_run_writes_each_institution_once_and_a_rerun_changes_nothing(world,
                                                                                  voucher):
    build.place_order(voucher, world.enterprise, world.institution.organisation)
    assert institution_records_refresh(year=world.program.year, now=build.NOW) == 1
    first = InstitutionRecord.objects.get()
    assert institution_records_refresh(year=world.program.year,
                                       now=build.NOW + timedelta(days=1)) == 1
    again = InstitutionRecord.objects.get()
    assert (again.pk, again.score, again.grade) == (first.pk, first.score, first.grade)
    assert institution_record_refresh(institution_id=world.enterprise.organisation_id,
                                      year=world.program.year, now=build.NOW) is None


def test_a_d_grade_or_a_sanction_warns_reviewers_in_every_region(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    shanghai = build.authority("SH")
    oversight.organisation_blacklist(actor=shanghai, organisation=world.institution.organisation,
                                     reason="虚开发票", now=build.NOW)
    institution_record_refresh(institution_id=world.institution.organisation_id,
                               year=world.program.year, now=build.NOW)

    warnings = [str(warning) for warning in redemption_warnings(redemption=redemption)]

    assert f"该服务机构{world.program.year}年度信用与绩效等级为D（60分）" in warnings
    assert "该服务机构已被上海市列入黑名单" in warnings


def test_authorities_sort_the_records_and_see_one_on_the_review_page(client, world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)
    other = build.institution_user("ZJ", name="浙江测试院")
    InstitutionRecord.objects.create(
        institution=other.organisation, year=world.program.year, **(CLEAN.__dict__),
        score=95, grade="A", computed_at=build.NOW)
    institution_record_refresh(institution_id=world.institution.organisation_id,
                               year=world.program.year, now=build.NOW)

    client.force_login(build.authority("AH"))  # another region reads the shared record
    page = client.get(reverse("vouchers:record_list"),
                      {"year": world.program.year, "sort": "-score"}).content.decode()
    assert page.index(world.institution.organisation.name) < page.index("浙江测试院")
    worst_first = client.get(reverse("vouchers:record_list"),
                             {"year": world.program.year}).content.decode()
    assert worst_first.index("浙江测试院") < worst_first.index(
        world.institution.organisation.name)
    grade_b = client.get(reverse("vouchers:record_list"),
                        {"year": world.program.year, "grade": "B"}).content.decode()
    assert "浙江测试院" not in grade_b
    client.force_login(world.reviewer)
    review = client.get(reverse("vouchers:redemption_detail", args=[redemption.pk]))
    assert f"{world.program.year} 年度信用与绩效：A（优秀），100 分" in review.content.decode()
    client.force_login(world.enterprise)
    assert client.get(reverse("vouchers:record_list")).status_code == 403
