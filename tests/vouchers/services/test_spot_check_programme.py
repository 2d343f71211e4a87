"""The spot-check programme: exact fractional rates, the sweep's draws (once per program and
period), checkers who did not approve, and the case a failed check opens."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from accounts.errors import InvalidInput
from accounts.models import AuditEntry, User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW, TZ
from tests.vouchers.services.test_settlements import approved_redemption, pay
from vouchers.models import OversightCase, Program, SpotCheck, SpotCheckItem
from vouchers.services import oversight, oversight_cases, programs, settlements
from vouchers.services.spot_check_programme import (
    spot_check_draw_for_period,
    spot_check_periods,
    spot_checks_sweep,
)
from vouchers.services.spot_check_sampling import (
    cadence_periods,
    rate_bp_from_percent,
    sample_size,
    spot_check_sample,
)

# NOW is 2024-03-01: the first quarter closes on 31 March, the first half on 30 June.
AFTER_Q1 = datetime(2024, 4, 1, 1, 30, tzinfo=TZ)
AFTER_H1 = datetime(2024, 7, 1, 1, 30, tzinfo=TZ)


@pytest.mark.parametrize(("percent", "basis_points"), [
    ("2.5", 250), ("0.01", 1), ("100", 10_000), (5, 500), ("12.34", 1234)])
def test_a_fractional_percent_is_stored_exactly_in_basis_points(percent, basis_points):
    assert rate_bp_from_percent(percent) == basis_points


@pytest.mark.parametrize("percent", ["0", "-1", "100.01", "2.555", "abc", "NaN", "Infinity"])
def test_a_rate_outside_0_to_100_or_finer_than_a_basis_point_is_refused(percent):
    with pytest.raises(InvalidInput) as refusal:
        rate_bp_from_percent(percent)
    assert (refusal.value.code, refusal.value.extra) == (
        "spot_check_rate_invalid", {"field": "percentage"})


@pytest.mark.parametrize(("population", "basis_points", "size"), [
    (40, 250, 1), (41, 250, 2), (200, 250, 5), (1, 1, 1), (0, 500, 0), (7, 10_000, 7),
    (10_000, 1, 1), (10_001, 1, 2)])
def test_sample_size_is_the_rate_of_the_population_rounded_up(population, basis_points, size):
    assert sample_size(population, basis_points) == size
    assert len(spot_check_sample(population=range(population), rate_bp=basis_points,
                                 seed=3)) == size


def test_a_fractional_sample_is_reproducible_and_depends_on_the_seed():
    population = list(range(1000, 1400))
    first = spot_check_sample(population=population, rate_bp=250, seed=99)
    assert len(first) == 10
    assert first == spot_check_sample(population=reversed(population), rate_bp=250, seed=99)
    assert first != spot_check_sample(population=population, rate_bp=250, seed=100)


@pytest.mark.parametrize(("cadence", "periods"), [
    ("quarter", [(date(2024, 1, 1), date(2024, 3, 31)), (date(2024, 4, 1), date(2024, 6, 30)),
                 (date(2024, 7, 1), date(2024, 9, 30)), (date(2024, 10, 1), date(2024, 12, 31))]),
    ("half_year", [(date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 12, 31))]),
    ("year", [(date(2024, 1, 1), date(2024, 12, 31))])])
def test_cadence_periods_cover_the_year(cadence, periods):
    assert cadence_periods(year=2024, cadence=cadence) == periods


def test_the_manual_draw_takes_a_fractional_rate(world, voucher):
    for _ in range(3):
        approved_redemption(world, voucher, 1_000_00)
    spot_check = oversight.spot_check_draw(
        actor=world.reviewer, period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
        percentage="2.5", seed=11, now=NOW)
    assert (spot_check.rate_bp, spot_check.population_count, spot_check.items.count()) == (
        250, 3, 1)


def test_the_rate_and_cadence_are_program_configuration(world, refused):
    program = programs.program_update(
        actor=world.reviewer, program=world.program, now=NOW, reason="年度抽查计划",
        spot_check_rate_bp=250, spot_check_cadence="quarter")
    program.refresh_from_db()
    assert (program.spot_check_rate_bp, program.spot_check_cadence) == (250, "quarter")
    entry = AuditEntry.objects.filter(action="program_update").latest("pk")
    assert (entry.before["spot_check_rate_bp"], entry.after["spot_check_rate_bp"]) == (500, 250)
    with refused("invalid"):
        programs.program_update(actor=world.reviewer, program=world.program, now=NOW,
                                reason="x", spot_check_rate_bp=10_001)
    with refused("invalid"):
        programs.program_update(actor=world.reviewer, program=world.program, now=NOW,
                                reason="x", spot_check_rate_bp=0)


@pytest.mark.parametrize("rate", [0, 10_001])
def test_the_database_refuses_a_rate_outside_0_to_100_percent(world, rate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=world.program.pk).update(spot_check_rate_bp=rate)


def test_the_sweep_draws_each_closed_period_once(world, voucher):
    Program.objects.filter(pk=world.program.pk).update(spot_check_rate_bp=250,
                                                       spot_check_cadence="quarter")
    redemptions = [approved_redemption(world, voucher, 1_000_00) for _ in range(3)]
    assert spot_checks_sweep(now=NOW) == []  # 1 March: no period has closed yet
    (draw,) = spot_checks_sweep(now=AFTER_Q1)
    assert (draw.program, draw.period_start, draw.period_end, draw.rate_bp, draw.drawn_by) == (
        world.program, date(2024, 1, 1), date(2024, 3, 31), 250, None)
    assert draw.population_count == 3
    expected = spot_check_sample(population=[r.pk for r in redemptions], rate_bp=250,
                                 seed=draw.seed)
    assert list(draw.items.values_list("redemption_id", flat=True)) == expected
    assert spot_checks_sweep(now=AFTER_Q1) == []  # a re-run draws nothing
    assert spot_checks_sweep(now=AFTER_Q1 + timedelta(days=30)) == []
    assert SpotCheck.objects.filter(program=world.program).count() == 1
    assert AuditEntry.objects.filter(action="spot_check_sweep_draw").count() == 1
    assert [d.period_start for d in spot_checks_sweep(now=AFTER_H1)] == [date(2024, 4, 1)]


def test_a_programs_periods_run_to_its_redemption_deadline(world):
    # The factory's program: 2024, redemption deadline 1 January 2025 00:00 (Beijing).
    assert spot_check_periods(world.program) == [
        (date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 12, 31))]
    Program.objects.filter(pk=world.program.pk).update(
        spot_check_cadence="quarter", redemption_deadline_at=datetime(2025, 3, 31, 23, tzinfo=TZ))
    world.program.refresh_from_db()
    assert spot_check_periods(world.program)[-2:] == [
        (date(2024, 10, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 3, 31))]


def test_a_second_draw_of_the_same_period_draws_nothing(world, voucher):
    approved_redemption(world, voucher)
    period = {"period_start": date(2024, 1, 1), "period_end": date(2024, 6, 30)}
    first = spot_check_draw_for_period(program=world.program, now=AFTER_H1, **period)
    assert first is not None
    assert spot_check_draw_for_period(program=world.program, now=AFTER_H1, **period) is None
    assert SpotCheckItem.objects.count() == first.items.count() == 1


def test_the_sweeps_seed_reproduces_its_sample(world, voucher):
    for _ in range(5):
        approved_redemption(world, voucher, 1_000_00)
    Program.objects.filter(pk=world.program.pk).update(spot_check_rate_bp=4000)
    (draw,) = spot_checks_sweep(now=AFTER_H1)
    again = spot_check_sample(population=world.program.redemptions.values_list("pk", flat=True),
                              rate_bp=4000, seed=draw.seed)
    assert list(draw.items.values_list("redemption_id", flat=True)) == again
    assert len(again) == 2  # 40 % of 5


def test_checkers_never_include_the_approver(world, voucher):
    other = build.authority("JS")
    build.authority("ZJ")  # another region's reviewer never checks Jiangsu's redemptions
    build.authority("JS", role=User.Role.AUTHORITY_FINANCE)  # finance does not check
    for _ in range(4):
        approved_redemption(world, voucher, 1_000_00)  # all approved by world.reviewer
    Program.objects.filter(pk=world.program.pk).update(spot_check_rate_bp=10_000)
    (draw,) = spot_checks_sweep(now=AFTER_H1)
    assert set(draw.items.values_list("assigned_to", "needs_checker")) == {(other.pk, False)}


def test_checkers_share_the_work_and_skip_linked_reviewers(world, voucher):
    first, second, linked = (build.authority("JS") for _ in range(3))
    linked.linked_organisations.add(world.institution.organisation)
    for _ in range(4):
        approved_redemption(world, voucher, 1_000_00)
    Program.objects.filter(pk=world.program.pk).update(spot_check_rate_bp=10_000)
    (draw,) = spot_checks_sweep(now=AFTER_H1)
    checkers = list(draw.items.values_list("assigned_to", flat=True))
    assert sorted(checkers) == sorted([first.pk, first.pk, second.pk, second.pk])


def test_an_item_nobody_may_check_stays_unassigned_and_flagged(world, voucher):
    approved_redemption(world, voucher)  # world.reviewer is the region's only reviewer
    (draw,) = spot_checks_sweep(now=AFTER_H1)
    item = draw.items.get()
    assert (item.assigned_to, item.needs_checker) == (None, True)
    entry = AuditEntry.objects.get(action="spot_check_sweep_draw")
    assert entry.after["without_checker"] == [item.redemption_id]


def test_the_approver_may_not_record_the_result(world, voucher, refused):
    approved_redemption(world, voucher)
    spot_check = oversight.spot_check_draw(
        actor=world.reviewer, period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
        percentage=100, seed=1, now=NOW)
    item = spot_check.items.get()
    with refused("approver_cannot_check", item):
        oversight.spot_check_record(actor=world.reviewer, item=item, passed=True, note="齐全",
                                    now=NOW)
    assert not OversightCase.objects.exists()


@pytest.fixture
def failed_case(world, voucher):
    redemption = approved_redemption(world, voucher)
    spot_check = oversight.spot_check_draw(
        actor=world.reviewer, period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
        percentage=100, seed=1, now=NOW)
    checker = build.authority("JS")
    item = oversight.spot_check_record(actor=checker, item=spot_check.items.get(),
                                       passed=False, note="检测报告与合同不符", now=NOW)
    return checker, item, redemption


def test_a_failed_check_opens_a_case(failed_case):
    checker, item, redemption = failed_case
    case = OversightCase.objects.get()
    assert (case.item, case.redemption, case.state, case.outcome) == (
        item, redemption, OversightCase.State.OPEN, "")
    entry = AuditEntry.objects.get(action="oversight_case_open")
    assert (entry.actor, entry.reason) == (checker, "检测报告与合同不符")


def test_a_passed_check_opens_no_case(world, voucher):
    approved_redemption(world, voucher)
    spot_check = oversight.spot_check_draw(
        actor=world.reviewer, period_start=date(2024, 3, 1), period_end=date(2024, 3, 31),
        percentage=100, seed=1, now=NOW)
    oversight.spot_check_record(actor=build.authority("JS"), item=spot_check.items.get(),
                                passed=True, note="齐全", now=NOW)
    assert not OversightCase.objects.exists()


def test_a_case_closes_once_with_an_outcome_and_reason(failed_case, refused):
    checker, _item, _redemption = failed_case
    case = OversightCase.objects.get()
    with refused("required", case):
        oversight_cases.oversight_case_close(actor=checker, case=case, outcome="no_action",
                                             reason=" ", now=NOW)
    with refused("outcome_invalid", case):
        oversight_cases.oversight_case_close(actor=checker, case=case, outcome="fine",
                                             reason="x", now=NOW)
    oversight_cases.oversight_case_close(actor=checker, case=case, outcome="no_action",
                                         reason="属笔误，已更正", now=NOW)
    case.refresh_from_db()
    assert (case.state, case.outcome, case.closed_by, case.reason) == (
        "closed", "no_action", checker, "属笔误，已更正")
    assert AuditEntry.objects.get(action="oversight_case_close").after["outcome"] == "no_action"
    with refused("illegal_transition", case):
        oversight_cases.oversight_case_close(actor=checker, case=case, outcome="no_action",
                                             reason="再次", now=NOW)


def test_a_claw_back_outcome_needs_the_claw_back_done(world, failed_case, refused):
    checker, _item, redemption = failed_case
    case = OversightCase.objects.get()
    with refused("claw_back_missing", case):
        oversight_cases.oversight_case_close(actor=checker, case=case, outcome="claw_back",
                                             reason="虚假交易", now=NOW)
    batch = settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW)
    pay(world, batch)
    oversight.redemption_claw_back(actor=checker, redemption=redemption, reason="虚假交易",
                                   now=NOW)
    oversight_cases.oversight_case_close(actor=checker, case=case, outcome="claw_back",
                                         reason="已追回", now=NOW)
    assert OversightCase.objects.get().outcome == "claw_back"


def test_a_blacklisting_outcome_needs_the_blacklisting_done(world, failed_case, refused):
    checker, _item, redemption = failed_case
    case = OversightCase.objects.get()
    with refused("blacklisting_missing", case):
        oversight_cases.oversight_case_close(actor=checker, case=case, outcome="blacklisting",
                                             reason="骗补", now=NOW)
    oversight.organisation_blacklist(actor=checker, organisation=redemption.institution,
                                     reason="骗补", now=NOW)
    oversight_cases.oversight_case_close(actor=checker, case=case, outcome="blacklisting",
                                         reason="已列入黑名单", now=NOW)
    assert OversightCase.objects.get().state == "closed"


def test_another_regions_reviewer_cannot_close_a_case(failed_case, refused):
    case = OversightCase.objects.get()
    with refused("other_region", case):
        oversight_cases.oversight_case_close(actor=build.authority("ZJ"), case=case,
                                             outcome="no_action", reason="x", now=NOW)
