"""Program dates: a typed day is the whole day in Beijing time, and dates stay inside the
program's year (the redemption deadline until 31 March of the next year at the latest)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW, TZ
from vouchers.models import Program, ServiceOrder
from vouchers.program_dates import day_end, day_start, redemption_allowance_end, whole_day
from vouchers.services import applications, orders, programs, redemptions


def create(**fields) -> Program:
    values = {**build.PROGRAM_DEFAULTS, **fields}
    return programs.program_create(
        actor=build.authority(), now=NOW, categories={build.category(): None}, **values
    )


def test_a_day_means_from_midnight_for_openings_and_until_midnight_for_deadlines():
    assert whole_day("applications_open_at", date(2025, 2, 1)) == datetime(
        2025, 2, 1, 0, 0, tzinfo=TZ
    )
    assert whole_day("use_by_at", date(2025, 11, 30)) == datetime(
        2025, 11, 30, 23, 59, 59, 999999, tzinfo=TZ
    )
    assert day_end(date(2025, 11, 30)).astimezone(UTC) == datetime(
        2025, 11, 30, 15, 59, 59, 999999, tzinfo=UTC
    )
    assert day_start(date(2025, 2, 1)).astimezone(UTC) == datetime(2025, 1, 31, 16, tzinfo=UTC)
    assert redemption_allowance_end(2025) == datetime(2026, 3, 31, 23, 59, 59, 999999, tzinfo=TZ)


@pytest.fixture
def november_program(db):
    """Use-by 30 November 2024, redemption deadline 20 December 2024, as the form stores them."""
    return build.make_program(
        name="十一月截止",
        applications_close_at=day_end(date(2024, 6, 30)),
        use_by_at=day_end(date(2024, 11, 30)),
        redemption_deadline_at=day_end(date(2024, 12, 20)),
    )


def test_an_order_on_the_use_by_day_is_accepted_until_its_last_minute(
    november_program, ledger_clean
):
    enterprise = build.enterprise_user()
    institution = build.institution_user("SH").organisation
    voucher = build.issue_voucher(november_program, enterprise, 100_000_00)
    assert voucher.expires_at == datetime(2024, 11, 30, 23, 59, 59, 999999, tzinfo=TZ)

    order = orders.order_place(
        actor=enterprise, voucher=voucher, institution=institution,
        category=build.category(), contract_number="HT-2024-1130", total_fee_fen=10_000_00,
        now=datetime(2024, 11, 30, 23, 59, tzinfo=TZ),
    )

    assert order.state == ServiceOrder.State.PLACED
    assert order.voucher_fen == 5_000_00


def test_an_order_at_midnight_after_the_use_by_day_is_refused(november_program, refused):
    enterprise = build.enterprise_user()
    institution = build.institution_user("SH").organisation
    voucher = build.issue_voucher(november_program, enterprise, 100_000_00)
    with refused("voucher_expired", voucher) as info:
        orders.order_place(
            actor=enterprise, voucher=voucher, institution=institution,
            category=build.category(), contract_number="HT-2024-1201", total_fee_fen=10_000_00,
            now=datetime(2024, 12, 1, 0, 0, tzinfo=TZ),
        )
    assert info.value.message == f"创新券{voucher.code}已过使用截止时间"


def _delivered_order(program):
    enterprise = build.enterprise_user()
    institution = build.institution_user("SH")
    voucher = build.issue_voucher(program, enterprise, 100_000_00)
    order = build.place_order(voucher, enterprise, institution.organisation)
    build.delivered_and_confirmed(order, institution, enterprise)
    return order, institution


def test_a_redemption_request_on_the_deadline_day_is_accepted_until_its_end(november_program):
    order, institution = _delivered_order(november_program)
    redemption = redemptions.redemption_request(
        actor=institution, order=order, now=datetime(2024, 12, 20, 23, 59, 59, tzinfo=TZ)
    )
    assert redemption.requested_fen == 5_000_00


def test_a_redemption_request_the_day_after_the_deadline_is_refused(november_program, refused):
    order, institution = _delivered_order(november_program)
    with refused("redemption_deadline_passed", order) as info:
        redemptions.redemption_request(
            actor=institution, order=order, now=datetime(2024, 12, 21, 0, 0, tzinfo=TZ)
        )
    assert info.value.message == "已过本项目的兑付截止时间"


def test_applications_close_at_the_end_of_the_closing_day(november_program, refused):
    enterprise = build.enterprise_user()
    late = build.enterprise_user()
    accepted = applications.application_submit(
        actor=enterprise, program=november_program, amount_fen=10_000_00, purpose="检测",
        planned_categories=[build.category()], now=datetime(2024, 6, 30, 23, 59, tzinfo=TZ),
    )
    assert accepted.state == "submitted"
    with refused("program_closed"):
        applications.application_submit(
            actor=late, program=november_program, amount_fen=10_000_00, purpose="检测",
            planned_categories=[build.category()], now=datetime(2024, 7, 1, 0, 0, tzinfo=TZ),
        )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"applications_open_at": datetime(2023, 12, 31, tzinfo=TZ)},
         "applications_open_at", "申领开始日期须在2024年内"),
        ({"applications_close_at": datetime(2025, 1, 1, tzinfo=TZ),
          "use_by_at": datetime(2025, 1, 2, tzinfo=TZ),
          "redemption_deadline_at": datetime(2025, 1, 3, tzinfo=TZ)},
         "applications_close_at", "申领截止日期须在2024年内"),
        # 16:00 UTC on 31 December is already 1 January in Beijing.
        ({"use_by_at": datetime(2024, 12, 31, 16, 0, tzinfo=UTC)},
         "use_by_at", "使用截止日期须在2024年内"),
        ({"redemption_deadline_at": datetime(2025, 4, 1, tzinfo=TZ)},
         "redemption_deadline_at", "兑付截止日期最晚为2025年3月31日"),
        ({"redemption_deadline_at": datetime(2026, 1, 1, tzinfo=TZ)},
         "redemption_deadline_at", "兑付截止日期最晚为2025年3月31日"),
    ],
)
def test_dates_outside_the_programs_year_are_refused_by_field(db, refused, fields, field, message):
    code = "redemption_deadline_too_late" if field == "redemption_deadline_at" else (
        "program_date_outside_year")
    with refused(code) as info:
        create(**fields)
    assert info.value.message == message
    assert info.value.extra["field"] == field
    assert not Program.objects.exists()


def test_the_latest_dates_the_year_allows_are_accepted(db):
    program = create(
        applications_close_at=datetime(2024, 12, 31, 15, 59, 59, tzinfo=UTC),
        use_by_at=day_end(date(2024, 12, 31)),
        redemption_deadline_at=day_end(date(2025, 3, 31)),
    )
    program.refresh_from_db()
    assert program.redemption_deadline_at == datetime(2025, 3, 31, 23, 59, 59, 999999, tzinfo=TZ)
    assert program.use_by_at == datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=TZ)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"applications_close_at": datetime(2024, 1, 1, tzinfo=TZ)},
         "applications_close_at", "申领截止日期须晚于申领开始日期"),
        ({"use_by_at": datetime(2024, 6, 30, tzinfo=TZ)},
         "use_by_at", "使用截止日期不能早于申领截止日期"),
        ({"redemption_deadline_at": datetime(2024, 11, 30, tzinfo=TZ)},
         "redemption_deadline_at", "兑付截止日期不能早于使用截止日期"),
    ],
)
def test_dates_out_of_order_are_refused_by_field(db, refused, fields, field, message):
    with refused("program_dates_out_of_order") as info:
        create(**fields)
    assert (info.value.message, info.value.extra["field"]) == (message, field)


def test_an_update_moving_use_by_into_the_next_year_is_refused(db, refused):
    program = build.make_program()
    with refused("program_date_outside_year", program) as info:
        programs.program_update(
            actor=build.authority(), program=program, now=NOW, reason="延期",
            use_by_at=datetime(2025, 1, 15, tzinfo=TZ),
            redemption_deadline_at=datetime(2025, 2, 1, tzinfo=TZ),
        )
    assert info.value.message == "使用截止日期须在2024年内"
    assert Program.objects.get(pk=program.pk).use_by_at == datetime(2024, 12, 1, tzinfo=TZ)
    assert not AuditEntry.objects.filter(action="program_update").exists()


def test_before_any_voucher_the_update_moves_the_dates_freely(db):
    program = build.make_program()
    programs.program_update(
        actor=build.authority(), program=program, now=NOW, reason="延期",
        use_by_at=day_end(date(2024, 12, 31)),
    )
    program.refresh_from_db()
    assert program.use_by_at == datetime(2024, 12, 31, 23, 59, 59, 999999, tzinfo=TZ)


def test_after_a_voucher_the_update_refuses_to_move_deadlines_or_the_area(world, voucher, refused):
    program = world.program
    with refused("program_has_vouchers", program) as info:
        programs.program_update(
            actor=world.reviewer, program=program, now=NOW, reason="延期",
            use_by_at=day_end(date(2024, 12, 31)),
        )
    assert info.value.extra["field"] == "use_by_at"
    assert "调整期限" in info.value.message
    shanghai_only = program.serving_cities.filter(code="310100")
    with refused("program_has_vouchers", program) as info:
        programs.program_update(
            actor=world.reviewer, program=program, now=NOW, reason="收窄",
            serving_cities=shanghai_only,
        )
    assert info.value.message == "本项目已发放创新券，服务区域请在「调整服务区域」页面修改"
    programs.program_update(  # the same values, and other rules, still pass
        actor=world.reviewer, program=program, now=NOW, reason="改名", name="科技创新券（更名）",
        use_by_at=program.use_by_at, serving_cities=list(program.serving_cities.all()),
    )
    assert Program.objects.get(pk=program.pk).name == "科技创新券（更名）"


def test_the_model_check_still_guards_the_order_of_dates(db):
    program = build.make_program()
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(
            use_by_at=program.applications_close_at - timedelta(days=1)
        )
