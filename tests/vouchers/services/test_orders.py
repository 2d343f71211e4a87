from __future__ import annotations

import pytest
from stdnum.cn import uscc

from accounts.models import City, Organisation
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.ledger.models import Account
from vouchers.models import Program, ServiceOrder
from vouchers.services import orders, oversight, program_changes, vouchers


def available(voucher) -> int:
    return Account.objects.get(pk=voucher.account_id).available_fen


def test_order_holds_fee_times_ratio_and_the_enterprise_pays_the_rest(world, voucher, ledger_clean):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, 10_000_00)

    assert (order.ratio_bp, order.voucher_fen, order.enterprise_share_fen) == (
        5000,
        5_000_00,
        5_000_00,
    )
    assert order.state == ServiceOrder.State.PLACED
    assert order.payee == world.institution.organisation
    assert available(voucher) == 95_000_00
    assert Account.objects.get(pk=voucher.account_id).debits_pending_fen == 5_000_00
    payable = order.payable_account
    assert (payable.owner_type, payable.owner_id) == (
        "program_payee",
        f"{world.program.pk}:{world.institution.organisation.pk}",
    )


def test_portion_is_rounded_down_to_the_fen(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, 333)
    assert (order.voucher_fen, order.enterprise_share_fen) == (166, 167)


def test_portion_is_capped_by_the_available_balance(world):
    voucher = build.issue_voucher(world.program, world.enterprise, 1_000_00)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, 10_000_00)
    assert (order.voucher_fen, order.enterprise_share_fen) == (1_000_00, 9_000_00)
    assert available(voucher) == 0


@pytest.mark.parametrize(
    ("institution_region", "category_ratio", "expected_ratio"),
    [
        ("JS", None, 6000),  # same region
        ("SH", None, 4000),  # other region
        ("SH", 8000, 8000),  # the category's ratio wins
    ],
)
def test_ratio_overrides_by_region_and_category(
    world, institution_region, category_ratio, expected_ratio
):
    program = build.make_program(
        name="差异比例",
        same_region_ratio_bp=6000,
        other_region_ratio_bp=4000,
        categories={"testing": category_ratio},
    )
    voucher = build.issue_voucher(program, world.enterprise)
    institution = build.institution_user(institution_region).organisation
    order = build.place_order(voucher, world.enterprise, institution, 10_000_00)
    assert (order.ratio_bp, order.voucher_fen) == (expected_ratio, expected_ratio * 100)


def test_below_the_small_order_threshold_the_voucher_pays_the_whole_fee(world):
    program = build.make_program(name="小额", small_order_threshold_fen=2_000_00)
    voucher = build.issue_voucher(program, world.enterprise)
    institution = world.institution.organisation
    small = build.place_order(voucher, world.enterprise, institution, 1_999_99)
    at_threshold = build.place_order(voucher, world.enterprise, institution, 2_000_00)
    assert (small.voucher_fen, small.enterprise_share_fen) == (1_999_99, 0)
    assert at_threshold.voucher_fen == 1_000_00


def test_under_general_use_the_enterprise_is_the_payee(world):
    program = build.make_program(name="通用", payee_mode=Program.PayeeMode.ENTERPRISE)
    voucher = build.issue_voucher(program, world.enterprise)
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    assert order.payee == world.enterprise.organisation


def test_cancel_before_delivery_releases_the_hold(world, voucher, ledger_clean):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    orders.order_cancel(actor=world.enterprise, order=order, reason="不做了", now=NOW)
    order.refresh_from_db()
    assert order.state == ServiceOrder.State.CANCELLED
    assert available(voucher) == 100_000_00
    assert Account.objects.get(pk=voucher.account_id).debits_pending_fen == 0


def test_cancel_after_delivery_is_an_illegal_transition(world, voucher, refused):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    build.deliver(order, world.institution)
    with refused("illegal_transition", order) as info:
        orders.order_cancel(actor=world.enterprise, order=order, reason="x", now=NOW)
    assert (info.value.current, info.value.target) == ("已交付", "已取消")


def test_cancel_twice_is_an_illegal_transition(world, voucher, refused):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    orders.order_cancel(actor=world.enterprise, order=order, reason="x", now=NOW)
    with refused("illegal_transition", order):
        orders.order_cancel(actor=world.enterprise, order=order, reason="x", now=NOW)


def test_only_the_ordering_enterprise_may_cancel(world, voucher, refused):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation)
    with refused("not_your_order", order):
        orders.order_cancel(actor=build.enterprise_user(), order=order, reason="x", now=NOW)


# Refusals at ordering.


def order_with(world, voucher, institution, *, code="testing", fee=10_000_00, now=NOW, user=None):
    return orders.order_place(
        actor=user or world.enterprise,
        voucher=voucher,
        institution=institution,
        category=build.category(code),
        contract_number="HT-X",
        total_fee_fen=fee,
        now=now,
    )


def test_refused_after_the_use_by_date(world, voucher, refused):
    with refused("voucher_expired", voucher):
        order_with(world, voucher, world.institution.organisation, now=voucher.expires_at)


def test_refused_on_an_expired_voucher(world, voucher, refused):
    vouchers.voucher_expire(voucher=voucher, now=voucher.expires_at)
    with refused("voucher_not_active", voucher):
        order_with(world, voucher, world.institution.organisation)


def test_refused_on_someone_elses_voucher(world, voucher, refused):
    with refused("not_your_voucher"):
        order_with(world, voucher, world.institution.organisation, user=build.enterprise_user())


@pytest.mark.parametrize(
    "institution",
    [
        lambda: build.institution_user(status=Organisation.Status.NOTICE).organisation,
        lambda: build.enterprise_user("SH").organisation,
    ],
    ids=["not-yet-admitted", "not-an-institution"],
)
def test_refused_unless_the_institution_is_admitted(world, voucher, refused, institution):
    target = institution()
    with refused("institution_not_eligible", voucher):
        order_with(world, voucher, target)


def test_refused_at_a_blacklisted_institution(world, voucher, refused):
    oversight.organisation_blacklist(
        actor=build.authority("SH"),
        organisation=world.institution.organisation,
        reason="虚开发票",
        now=NOW,
    )
    with refused("blacklisted", voucher):
        order_with(world, voucher, world.institution.organisation)


def test_refused_outside_the_serving_area(world, voucher, refused):
    program_changes.program_serving_area_change(
        actor=world.reviewer,
        program=world.program,
        now=NOW,
        reason="仅限上海",
        cities=City.objects.filter(code="310100"),
    )
    zhejiang = build.institution_user("ZJ").organisation
    with refused("outside_serving_area", voucher):
        order_with(world, voucher, zhejiang)
    assert order_with(world, voucher, world.institution.organisation).voucher_fen == 5_000_00


def test_refused_from_an_institution_of_the_same_legal_entity(world, voucher, refused):
    stem = "12310101" + world.enterprise.organisation.credit_code[8:17]
    branch = build.institution_user("SH", credit_code=stem + uscc.calc_check_digit(stem))
    with refused("same_legal_entity", voucher):
        order_with(world, voucher, branch.organisation)


def test_refused_from_a_related_institution(world, voucher, refused):
    world.enterprise.organisation.related_organisations.add(world.institution.organisation)
    with refused("related_party", voucher):
        order_with(world, voucher, world.institution.organisation)


def test_refused_for_a_category_outside_the_program(world, voucher, refused):
    institution = build.institution_user("SH", codes=("ip_services",)).organisation
    with refused("category_not_eligible", voucher):
        order_with(world, voucher, institution, code="ip_services")


def test_refused_for_a_service_the_institution_does_not_offer(world, voucher, refused):
    institution = build.institution_user("SH", codes=("consulting",)).organisation
    with refused("service_not_offered", voucher):
        order_with(world, voucher, institution)


def test_refused_when_the_voucher_is_spent(world, refused):
    voucher = build.issue_voucher(world.program, world.enterprise, 1_000_00)
    build.place_order(voucher, world.enterprise, world.institution.organisation, 2_000_00)
    with refused("voucher_exhausted", voucher):
        order_with(world, voucher, world.institution.organisation)


def test_refused_when_the_contract_already_has_an_open_order(world, voucher, refused):
    order_with(world, voucher, world.institution.organisation)
    with refused("contract_in_use", voucher):
        order_with(world, voucher, world.institution.organisation)
