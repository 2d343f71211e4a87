"""Two-tier review: the city recommends, the region decides (issue 21)."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry, City, User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.models import Application, Recommendation, Redemption
from vouchers.services import applications, program_changes, recommendations, redemptions


def submit(program, user, amount_fen=100_000_00):
    return applications.application_submit(
        actor=user, program=program, amount_fen=amount_fen, purpose="检测",
        planned_categories=[build.category()], now=NOW,
    )


@pytest.fixture
def two_tiers(world):
    program_changes.program_review_tiers_change(
        actor=world.reviewer, program=world.program, application_city_review=True,
        redemption_city_review=True, reason="市级初审试点", now=NOW,
    )
    world.program.refresh_from_db()
    return world


@pytest.fixture
def nanjing():
    return build.city_reviewer("JS", "320100")


def test_the_program_setting_is_audited_with_what_awaits_review(world):
    submit(world.program, world.enterprise)

    program_changes.program_review_tiers_change(
        actor=world.reviewer, program=world.program, application_city_review=True,
        redemption_city_review=False, reason="市级初审试点", now=NOW,
    )

    world.program.refresh_from_db()
    assert (world.program.application_city_review, world.program.redemption_city_review) == (
        True, False)
    entry = AuditEntry.objects.get(action="program_review_tiers_change")
    assert entry.before == {"application_city_review": False, "redemption_city_review": False}
    assert entry.after["applications_without_recommendation"] == 1
    assert entry.reason == "市级初审试点"


def test_the_program_setting_needs_a_reason_and_the_regions_reviewer(world, refused):
    with refused("required", world.program):
        program_changes.program_review_tiers_change(
            actor=world.reviewer, program=world.program, application_city_review=True,
            redemption_city_review=True, reason=" ", now=NOW)
    with refused("permission_denied", world.program):
        program_changes.program_review_tiers_change(
            actor=world.finance, program=world.program, application_city_review=True,
            redemption_city_review=True, reason="x", now=NOW)


def test_the_city_recommends_and_the_region_follows_it(two_tiers, nanjing, ledger_clean):
    world = two_tiers
    application = submit(world.program, world.enterprise)

    recommendation = recommendations.application_recommend(
        actor=nanjing, application=application, decision="approve", amount_fen=80_000_00,
        reason="材料齐全", now=NOW)
    voucher = applications.application_approve(
        actor=world.reviewer, application=application, amount_fen=80_000_00, now=NOW)

    assert (recommendation.city.code, recommendation.amount_fen) == ("320100", 80_000_00)
    assert voucher.amount_fen == 80_000_00
    line = AuditEntry.objects.get(action="application_recommend")
    assert (line.actor, line.amount_fen, line.after["recommend_approval"]) == (
        nanjing, 80_000_00, True)
    decision = AuditEntry.objects.get(action="application_approve")
    assert decision.after["against_recommendation"] is False
    assert decision.after["recommended_fen"] == 80_000_00


def test_a_return_needs_a_reason_and_an_approval_a_sensible_amount(two_tiers, nanjing, refused):
    application = submit(two_tiers.program, two_tiers.enterprise)
    with refused("required", application):
        recommendations.application_recommend(
            actor=nanjing, application=application, decision="return", reason="", now=NOW)
    with refused("invalid", application):
        recommendations.application_recommend(
            actor=nanjing, application=application, decision="approve",
            amount_fen=100_000_01, now=NOW)
    assert not Recommendation.objects.exists()


def test_a_city_reviewer_recommends_only_for_its_own_city(two_tiers, refused):
    suzhou = build.city_reviewer("JS", "320500")
    application = submit(two_tiers.program, two_tiers.enterprise)  # a Nanjing enterprise

    with refused("other_city", application):
        recommendations.application_recommend(
            actor=suzhou, application=application, decision="approve", now=NOW)


def test_a_city_reviewer_does_not_see_other_cities(two_tiers, nanjing):
    from vouchers.visibility import applications_visible_to

    application = submit(two_tiers.program, two_tiers.enterprise)
    suzhou = build.city_reviewer("JS", "320500")

    assert list(applications_visible_to(actor=nanjing)) == [application]
    assert list(applications_visible_to(actor=suzhou)) == []


def test_recommending_once_only_and_only_while_awaiting_review(two_tiers, nanjing, refused):
    application = submit(two_tiers.program, two_tiers.enterprise)
    recommendations.application_recommend(
        actor=nanjing, application=application, decision="return", reason="用途不清", now=NOW)

    with refused("already_recommended", application):
        recommendations.application_recommend(
            actor=nanjing, application=application, decision="approve", now=NOW)
    applications.application_reject(actor=two_tiers.reviewer, application=application,
                                    reason="用途不清", now=NOW)
    other = build.enterprise_user("JS")
    late = submit(two_tiers.program, other)
    applications.application_reject(actor=two_tiers.reviewer, application=late,
                                     reason="未经初审：材料不全", now=NOW)
    with refused("not_awaiting_review", late):
        recommendations.application_recommend(
            actor=nanjing, application=late, decision="approve", now=NOW)


def test_a_one_tier_program_takes_no_recommendation(world, nanjing, refused):
    application = submit(world.program, world.enterprise)
    with refused("city_review_not_required", application):
        recommendations.application_recommend(
            actor=nanjing, application=application, decision="approve", now=NOW)
    # and the region decides as before, without a reason
    applications.application_approve(actor=world.reviewer, application=application, now=NOW)
    assert "without_recommendation" not in AuditEntry.objects.get(
        action="application_approve").after


def test_deciding_without_a_recommendation_needs_a_reason(two_tiers, refused, ledger_clean):
    application = submit(two_tiers.program, two_tiers.enterprise)

    with refused("override_reason_required", application):
        applications.application_approve(actor=two_tiers.reviewer, application=application,
                                         now=NOW)
    applications.application_approve(actor=two_tiers.reviewer, application=application,
                                     reason="初审超期，地区直接审核", now=NOW)

    line = AuditEntry.objects.get(action="application_approve")
    assert line.after["without_recommendation"] is True
    assert line.reason == "初审超期，地区直接审核"


def test_deciding_against_the_recommendation_needs_a_reason(two_tiers, nanjing, refused):
    application = submit(two_tiers.program, two_tiers.enterprise)
    recommendations.application_recommend(
        actor=nanjing, application=application, decision="return", reason="用途不清", now=NOW)

    with refused("override_reason_required", application):
        applications.application_approve(actor=two_tiers.reviewer, application=application,
                                         now=NOW)
    applications.application_approve(actor=two_tiers.reviewer, application=application,
                                     reason="企业已补充说明", now=NOW)
    assert AuditEntry.objects.get(action="application_approve").after[
        "against_recommendation"] is True


def test_the_same_person_never_reviews_both_tiers(two_tiers, nanjing, refused):
    application = submit(two_tiers.program, two_tiers.enterprise)
    recommendations.application_recommend(
        actor=nanjing, application=application, decision="approve", now=NOW)
    # The city reviewer later moves to the region's review desk
    User.objects.filter(pk=nanjing.pk).update(role=User.Role.AUTHORITY_REVIEWER,
                                              review_city=None)
    nanjing.refresh_from_db()

    with refused("same_reviewer_both_tiers", application):
        applications.application_approve(actor=nanjing, application=application, now=NOW)
    with refused("same_reviewer_both_tiers", application):
        applications.application_reject(actor=nanjing, application=application,
                                        reason="改判", now=NOW)
    assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED


def test_a_city_reviewer_cannot_decide(two_tiers, nanjing, refused):
    application = submit(two_tiers.program, two_tiers.enterprise)
    with refused("permission_denied", application):
        applications.application_approve(actor=nanjing, application=application,
                                         reason="x", now=NOW)


def test_redemptions_go_through_the_city_when_the_program_says_so(world, nanjing, refused,
                                                                   ledger_clean):
    program_changes.program_review_tiers_change(
        actor=world.reviewer, program=world.program, application_city_review=False,
        redemption_city_review=True, reason="兑付两级审核", now=NOW)
    world.program.refresh_from_db()
    voucher = build.issue_voucher(world.program, world.enterprise, reviewer=world.reviewer)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    redemption = build.request_redemption(order, world.institution)

    with refused("override_reason_required", redemption):
        redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)
    recommendations.redemption_recommend(
        actor=nanjing, redemption=redemption, decision="approve", now=NOW)
    redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)

    assert Redemption.objects.get(pk=redemption.pk).state == Redemption.State.APPROVED
    line = AuditEntry.objects.get(action="redemption_approved")
    assert line.after["recommend_approval"] is True
    assert AuditEntry.objects.filter(action="redemption_recommend").count() == 1


def test_city_reviewers_are_created_for_a_city_of_the_authoritys_region(world):
    from accounts.errors import InvalidInput
    from accounts.models import Organisation
    from accounts.services import authority_user_create
    from devtools.factories.accounts import OrganisationFactory, UserFactory

    operator = UserFactory(role=User.Role.OPERATOR, organisation=OrganisationFactory(
        kind=Organisation.Kind.OPERATOR, region_code="SH", credit_code=None))
    authority = world.reviewer.organisation
    with pytest.raises(InvalidInput):
        authority_user_create(actor=operator, organisation=authority, username="hz",
                              password="a-long-password-9", role=User.Role.CITY_REVIEWER,
                              review_city=City.objects.get(code="330100"), now=NOW)
    user = authority_user_create(actor=operator, organisation=authority, username="nj",
                                 password="a-long-password-9", role=User.Role.CITY_REVIEWER,
                                 review_city=City.objects.get(code="320100"), now=NOW)
    assert (user.role, user.review_city.code) == (User.Role.CITY_REVIEWER, "320100")


def test_a_returned_application_is_a_new_round_for_the_city(two_tiers, nanjing, ledger_clean):
    # The city recommends returning it; the region returns it for correction; the enterprise
    # resubmits. The city reviews the corrected application again, and the region follows the
    # new recommendation without an override. The first recommendation stays, superseded.
    from vouchers.review_selectors import city_application_queue, recommendation_for
    from vouchers.services import application_returns

    world = two_tiers
    application = submit(world.program, world.enterprise)
    first = recommendations.application_recommend(
        actor=nanjing, application=application, decision="return",
        reason="研发需求说明不清", now=NOW)
    application_returns.application_return(
        actor=world.reviewer, application=application, reason="请按市级意见补充研发需求说明",
        now=NOW)
    application_returns.application_resubmit(
        actor=world.enterprise, application=application, amount_fen=90_000_00,
        purpose="检测（已补充说明）", planned_categories=[build.category()], now=NOW)

    queue = city_application_queue(actor=nanjing)
    assert [(row.pk, row.recommended) for row in queue] == [(application.pk, False)]
    assert recommendation_for(application) is None
    second = recommendations.application_recommend(
        actor=nanjing, application=application, decision="approve", amount_fen=90_000_00,
        reason="已补充", now=NOW)
    voucher = applications.application_approve(
        actor=world.reviewer, application=application, amount_fen=90_000_00, now=NOW)

    first.refresh_from_db()
    assert (first.superseded_at, second.superseded_at) == (NOW, None)
    assert voucher.amount_fen == 90_000_00
    returned = AuditEntry.objects.get(action="application_return")
    assert returned.after["recommendation_superseded"] == [first.pk]
    decision = AuditEntry.objects.get(action="application_approve")
    assert decision.after["against_recommendation"] is False


def test_the_database_keeps_one_current_recommendation(two_tiers, nanjing):
    from django.db import IntegrityError, transaction

    application = submit(two_tiers.program, two_tiers.enterprise)
    recommendations.application_recommend(
        actor=nanjing, application=application, decision="approve", amount_fen=1_00, now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(
            application=application, city=nanjing.review_city, decision="approve",
            amount_fen=2_00, recommended_by=nanjing, recommended_at=NOW)
