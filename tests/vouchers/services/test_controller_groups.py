"""One actual controller, however typed: one group cap, and a related party across an order."""

from __future__ import annotations

from stdnum.cn import uscc

from accounts import services as account_services
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.services import applications

ID_NUMBER = "310104198506151237"


def submit(program, user, amount_fen):
    return applications.application_submit(
        actor=user, program=program, amount_fen=amount_fen, purpose="检测",
        planned_categories=[build.category()], now=NOW,
    )


def test_a_trailing_space_does_not_open_a_new_group(world, refused):
    program = build.make_program(name="集团上限", group_annual_cap_fen=150_000_00)
    sister = build.enterprise_user(actual_controller="张三")
    brother = build.enterprise_user(actual_controller="张三 ")
    cousin = build.enterprise_user(actual_controller="张\u3000三")
    submit(program, sister, 100_000_00)

    with refused("over_group_cap") as caught:
        submit(program, brother, 50_000_01)
    assert caught.value.extra["remaining_fen"] == 50_000_00
    submit(program, brother, 30_000_00)
    with refused("over_group_cap") as caught:
        submit(program, cousin, 20_000_01)
    assert caught.value.extra["remaining_fen"] == 20_000_00


def test_full_width_and_case_fold_into_one_controller(world, refused):
    program = build.make_program(name="集团上限", group_annual_cap_fen=100_000_00)
    first = build.enterprise_user(actual_controller="ＡＢＣ控股集团有限公司")
    second = build.enterprise_user(actual_controller="abc控股集团有限公司")
    submit(program, first, 60_000_00)
    with refused("over_group_cap"):
        submit(program, second, 40_000_01)


def test_the_controller_s_identifier_groups_whatever_the_name(world, refused):
    program = build.make_program(name="集团上限", group_annual_cap_fen=100_000_00)
    holding = "91310115MA1H7Y2K3"
    holding += uscc.calc_check_digit(holding)
    first = build.enterprise_user(actual_controller="上海长三角控股有限公司",
                                  actual_controller_identifier=holding)
    second = build.enterprise_user(actual_controller="长三角控股",
                                   actual_controller_identifier=holding.lower())
    namesake = build.enterprise_user(actual_controller="上海长三角控股有限公司")
    submit(program, first, 70_000_00)

    with refused("over_group_cap"):
        submit(program, second, 30_000_01)
    assert submit(program, namesake, 100_000_00).amount_fen == 100_000_00


def test_same_resident_id_groups_two_spellings_of_one_person(world, refused):
    program = build.make_program(name="集团上限", group_annual_cap_fen=100_000_00)
    first, second = (build.enterprise_user() for _ in range(2))
    reviewer = build.authority("JS")
    for user, name in ((first, "王五"), (second, "王 五（自然人）")):
        account_services.organisation_set_actual_controller(
            actor=reviewer, organisation=user.organisation, actual_controller=name,
            actual_controller_identifier=ID_NUMBER, reason="股东名册", now=NOW)
    submit(program, first, 100_000_00)
    with refused("over_group_cap"):
        submit(program, second, 1)


def test_an_institution_under_the_same_controller_is_a_related_party(world, voucher, refused):
    world.enterprise.organisation.actual_controller = "张三"
    world.enterprise.organisation.actual_controller_key = "name:张三"
    world.enterprise.organisation.save()
    sibling = build.institution_user("SH", actual_controller="张三 ")

    with refused("related_party", voucher) as caught:
        build.place_order(voucher, world.enterprise, sibling.organisation)
    assert caught.value.message == "企业与服务机构为同一实际控制人，不能使用创新券"


def test_an_institution_that_controls_the_enterprise_is_a_related_party(db, refused):
    reviewer = build.authority("JS")
    program = build.make_program(actor=reviewer)
    parent = build.institution_user("SH")
    enterprise = build.enterprise_user("JS", actual_controller="上海母公司检测研究院",
                                       actual_controller_identifier=parent.organisation
                                       .credit_code)
    voucher = build.issue_voucher(program, enterprise, reviewer=reviewer)

    with refused("related_party", voucher):
        build.place_order(voucher, enterprise, parent.organisation)


def test_different_controllers_trade_freely(world, voucher):
    world.enterprise.organisation.actual_controller_key = "name:张三"
    world.enterprise.organisation.save()
    other = build.institution_user("SH", actual_controller="李四")
    assert build.place_order(voucher, world.enterprise, other.organisation).voucher_fen == 5_000_00
