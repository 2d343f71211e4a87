"""Changing a program's deadlines or serving area says and decides what happens to the
vouchers and orders already issued; a city new to the common area joins existing programs."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from accounts import services as account_services
from accounts.models import AuditEntry, City, Organisation, User
from devtools.factories import vouchers as build
from devtools.factories.accounts import OrganisationFactory, UserFactory
from devtools.factories.vouchers import NOW, TZ
from vouchers.models import Program, ServiceOrder, Voucher
from vouchers.program_dates import day_end
from vouchers.program_selectors import programs_serving_whole_common_area
from vouchers.services import orders, program_changes, vouchers

DECEMBER_END = day_end(date(2024, 12, 31))
MARCH_END = day_end(date(2025, 3, 31))


def change(world, *, use_by_at=DECEMBER_END, redemption_deadline_at=MARCH_END, follow=True,
           now=NOW, reason="财政延长使用期", actor=None):
    return program_changes.program_deadlines_change(
        actor=actor or world.reviewer, program=world.program, now=now, reason=reason,
        use_by_at=use_by_at, redemption_deadline_at=redemption_deadline_at,
        vouchers_follow=follow,
    )


def order_at(world, voucher, moment, contract="HT-2024-12"):
    return orders.order_place(
        actor=world.enterprise, voucher=voucher, institution=world.institution.organisation,
        category=build.category(), contract_number=contract, total_fee_fen=10_000_00, now=moment,
    )


def test_extending_with_vouchers_following_moves_each_active_voucher(world, voucher, ledger_clean):
    placed = build.place_order(voucher, world.enterprise, world.institution.organisation)

    change(world, follow=True)

    voucher.refresh_from_db()
    assert voucher.expires_at == DECEMBER_END
    program = Program.objects.get(pk=world.program.pk)
    assert (program.use_by_at, program.redemption_deadline_at) == (DECEMBER_END, MARCH_END)
    line = AuditEntry.objects.get(action="voucher_use_by_change", object_id=str(voucher.pk))
    assert line.before == {"expires_at": "2024-12-01T00:00:00+08:00"}
    assert line.after == {"expires_at": "2024-12-31T23:59:59.999999+08:00"}
    assert line.reason == "财政延长使用期"
    summary = AuditEntry.objects.get(action="program_deadlines_change")
    assert summary.after["vouchers_follow"] is True
    assert summary.after["vouchers_changed"] == 1
    assert summary.after["active_vouchers"] == 1
    assert summary.after["open_orders"] == 1
    assert summary.before["use_by_at"] == "2024-12-01T00:00:00+08:00"
    late = order_at(world, voucher, datetime(2024, 12, 31, 23, 59, tzinfo=TZ))
    assert late.state == ServiceOrder.State.PLACED
    assert ServiceOrder.objects.get(pk=placed.pk).state == ServiceOrder.State.PLACED


def test_extending_while_vouchers_keep_their_date_applies_only_to_new_vouchers(
    world, voucher, refused
):
    change(world, follow=False)

    voucher.refresh_from_db()
    assert voucher.expires_at == datetime(2024, 12, 1, tzinfo=TZ)
    assert not AuditEntry.objects.filter(action="voucher_use_by_change").exists()
    assert AuditEntry.objects.get(action="program_deadlines_change").after["vouchers_changed"] == 0
    newer = build.issue_voucher(world.program, build.enterprise_user(), 50_000_00)
    assert newer.expires_at == DECEMBER_END
    with refused("voucher_expired", voucher):
        order_at(world, voucher, datetime(2024, 12, 15, 10, tzinfo=TZ))


def test_shortening_below_the_vouchers_kept_use_by_needs_them_to_follow(world, voucher, refused):
    october, november = day_end(date(2024, 10, 31)), day_end(date(2024, 11, 15))
    with refused("vouchers_outlive_redemption", world.program, voucher) as info:
        change(world, use_by_at=october, redemption_deadline_at=november, follow=False)
    assert info.value.message == (
        "已发放的创新券保留原使用截止日期时，兑付截止日期不能早于其使用截止日期")
    assert info.value.extra["field"] == "redemption_deadline_at"

    change(world, use_by_at=october, redemption_deadline_at=november, follow=True)
    voucher.refresh_from_db()
    assert voucher.expires_at == datetime(2024, 10, 31, 23, 59, 59, 999999, tzinfo=TZ)


def test_a_new_deadline_in_the_past_is_refused(world, voucher, refused):
    with refused("deadline_in_past", world.program, voucher) as info:
        change(world, use_by_at=day_end(date(2024, 2, 29)))
    assert info.value.message == "新的截止时间不能早于现在"
    assert info.value.extra["field"] == "use_by_at"
    assert Voucher.objects.get(pk=voucher.pk).expires_at == datetime(2024, 12, 1, tzinfo=TZ)


def test_a_new_use_by_outside_the_year_is_refused(world, voucher, refused):
    with refused("program_date_outside_year", world.program, voucher) as info:
        change(world, use_by_at=day_end(date(2025, 1, 31)))
    assert info.value.message == "使用截止日期须在2024年内"


def test_expired_vouchers_are_not_revived_by_an_extension(world, voucher):
    expired_at = datetime(2024, 12, 1, tzinfo=TZ)
    vouchers.voucher_expire(voucher=voucher, now=expired_at)

    change(world, follow=True, now=datetime(2024, 12, 2, 9, tzinfo=TZ))

    voucher.refresh_from_db()
    assert (voucher.state, voucher.expires_at) == (Voucher.State.EXPIRED, expired_at)
    assert AuditEntry.objects.get(action="program_deadlines_change").after["active_vouchers"] == 0


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("finance", "permission_denied"),
        ("other_region", "other_region"),
        ("enterprise", "permission_denied"),
    ],
)
def test_only_the_issuing_regions_reviewer_changes_deadlines(world, voucher, refused, who, code):
    actor = {
        "finance": world.finance,
        "other_region": build.authority("SH"),
        "enterprise": world.enterprise,
    }[who]
    with refused(code, world.program, voucher):
        change(world, actor=actor)


def test_a_deadline_change_needs_a_reason(world, voucher, refused):
    with refused("required", world.program) as info:
        change(world, reason="  ")
    assert info.value.message == "请填写修改原因"


def test_removing_a_city_keeps_its_open_orders_and_refuses_new_ones(world, voucher, refused):
    zhejiang = build.institution_user("ZJ").organisation
    shanghai_order = order_at(world, voucher, NOW, contract="HT-SH-1")
    open_order = orders.order_place(
        actor=world.enterprise, voucher=voucher, institution=zhejiang,
        category=build.category(), contract_number="HT-ZJ-2", total_fee_fen=10_000_00, now=NOW,
    )
    keep = City.objects.filter(in_common_area=True).exclude(pk=zhejiang.city_id)

    program_changes.program_serving_area_change(
        actor=world.reviewer, program=world.program, cities=keep, reason="收窄服务区域", now=NOW,
    )

    assert ServiceOrder.objects.get(pk=open_order.pk).state == ServiceOrder.State.PLACED
    assert ServiceOrder.objects.get(pk=shanghai_order.pk).state == ServiceOrder.State.PLACED
    with refused("outside_serving_area", voucher):
        orders.order_place(
            actor=world.enterprise, voucher=voucher, institution=zhejiang,
            category=build.category(), contract_number="HT-ZJ-3", total_fee_fen=10_000_00,
            now=NOW,
        )
    line = AuditEntry.objects.get(action="program_serving_area_change")
    assert line.after["removed"] == [zhejiang.city.code]
    assert line.after["added"] == []
    assert line.after["open_orders_in_removed_cities"] == 1
    assert zhejiang.city.code in line.before["cities"]


def test_an_empty_serving_area_is_refused(world, refused):
    with refused("serving_area_empty", world.program) as info:
        program_changes.program_serving_area_change(
            actor=world.reviewer, program=world.program, cities=[], reason="清空", now=NOW,
        )
    assert info.value.message == "请至少选择一个服务城市"
    assert world.program.serving_cities.count() == City.objects.filter(in_common_area=True).count()


@pytest.fixture
def operator(db) -> User:
    organisation = OrganisationFactory(
        kind=Organisation.Kind.OPERATOR, region_code="SH", credit_code=None
    )
    return UserFactory(organisation=organisation, role=User.Role.OPERATOR)


def test_a_city_new_to_the_common_area_joins_the_programs_serving_the_whole_area(
    world, operator
):
    fuyang = City.objects.get(code="341200")
    narrow = build.make_program(name="仅上海", serving_cities=City.objects.filter(code="310100"))
    last_year = build.make_program(
        name="上年度", year=2023, applications_open_at=datetime(2023, 1, 1, tzinfo=TZ),
        applications_close_at=datetime(2023, 6, 1, tzinfo=TZ),
        use_by_at=datetime(2023, 12, 1, tzinfo=TZ),
        redemption_deadline_at=datetime(2024, 1, 1, tzinfo=TZ),
    )
    account_services.city_set_common_area(
        actor=operator, city=fuyang, in_common_area=True, reason="四地联合通知", now=NOW
    )
    offered = list(programs_serving_whole_common_area(city=fuyang, year=2024))
    assert offered == [world.program]

    program_changes.city_add_to_programs(
        actor=operator, city=fuyang, programs=offered, reason="四地联合通知", now=NOW
    )

    assert world.program.serving_cities.filter(pk=fuyang.pk).exists()
    assert not narrow.serving_cities.filter(pk=fuyang.pk).exists()
    assert not last_year.serving_cities.filter(pk=fuyang.pk).exists()
    line = AuditEntry.objects.get(action="program_serving_city_add")
    assert (line.object_id, line.region, line.after) == (
        str(world.program.pk), world.program.region, {"added": ["341200"]})


def test_adding_a_city_to_a_program_not_serving_the_whole_area_is_refused(
    world, operator, refused
):
    fuyang = City.objects.get(code="341200")
    narrow = build.make_program(name="仅上海", serving_cities=City.objects.filter(code="310100"))
    account_services.city_set_common_area(
        actor=operator, city=fuyang, in_common_area=True, reason="四地联合通知", now=NOW
    )
    with refused("program_not_offered", narrow) as info:
        program_changes.city_add_to_programs(
            actor=operator, city=fuyang, programs=[world.program, narrow], reason="x", now=NOW
        )
    assert info.value.message == "所选项目并非服务整个通用区域，或已包含该城市"
    assert not world.program.serving_cities.filter(pk=fuyang.pk).exists()


def test_a_city_outside_the_common_area_is_not_added(world, operator, refused):
    fuyang = City.objects.get(code="341200")
    with refused("city_not_in_common_area"):
        program_changes.city_add_to_programs(
            actor=operator, city=fuyang, programs=[world.program], reason="x", now=NOW
        )


def test_only_the_operator_adds_a_city_to_programs(world, refused):
    fuyang = City.objects.get(code="341200")
    with refused("permission_denied"):
        program_changes.city_add_to_programs(
            actor=world.reviewer, city=fuyang, programs=[world.program], reason="x", now=NOW
        )
