"""Each list selector is one query however many rows it returns."""

from __future__ import annotations

import pytest

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers import selectors
from vouchers.services import applications, redemptions, settlements


@pytest.fixture
def busy(world):
    """Three vouchers, each with a redeemed and a requested order, and one open batch."""
    institution = world.institution.organisation
    for _ in range(3):
        voucher = build.issue_voucher(world.program, world.enterprise, 10_000_00)
        for fee in (2_000_00, 4_000_00):
            order = build.place_order(voucher, world.enterprise, institution, fee)
            build.delivered_and_confirmed(order, world.institution, world.enterprise)
            redemption = build.request_redemption(order, world.institution)
        redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)
        applications.application_submit(  # one pending per enterprise and program
            actor=build.enterprise_user(),
            program=world.program,
            amount_fen=1_00,
            purpose="x",
            planned_categories=[build.category()],
            now=NOW,
        )
    settlements.payment_batch_create(actor=world.finance, payee=institution, now=NOW)
    return world


def touch_all(rows, *paths):
    for row in rows:
        for path in paths:
            value = row
            for name in path.split("."):
                value = getattr(value, name)


def test_enterprise_vouchers_show_available_held_and_spent(busy, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = list(selectors.enterprise_vouchers(enterprise=busy.enterprise.organisation))
        touch_all(rows, "program.region.name", "account.name")
    assert [(v.available_fen, v.held_fen, v.spent_fen) for v in rows] == [
        (7_000_00, 1_000_00, 2_000_00)
    ] * 3


@pytest.mark.parametrize(
    ("selector", "who", "paths", "count"),
    [
        (
            "enterprise_orders",
            "enterprise",
            ["voucher.code", "institution.city.name", "payee.name"],
            6,
        ),
        (
            "institution_orders",
            "institution",
            ["voucher.program.region.name", "enterprise.city.name", "category.name"],
            6,
        ),
        (
            "institution_deliveries",
            "institution",
            ["order.enterprise.name", "order.voucher.code"],
            6,
        ),
        ("payee_receivables", "institution", ["program.region.name", "order.voucher.code"], 6),
    ],
)
def test_party_lists_are_one_query(busy, django_assert_num_queries, selector, who, paths, count):
    organisation = getattr(busy, who).organisation
    keyword = (
        "enterprise"
        if who == "enterprise"
        else ("payee" if selector == "payee_receivables" else "institution")
    )
    with django_assert_num_queries(1):
        rows = list(getattr(selectors, selector)(**{keyword: organisation}))
        touch_all(rows, *paths)
    assert len(rows) == count


@pytest.mark.parametrize(
    ("selector", "paths", "count"),
    [
        ("authority_application_queue", ["program.name", "enterprise.city.name"], 3),
        (
            "authority_redemption_queue",
            ["program.year", "order.enterprise.legal_representative",
             "order.institution.region.name"],
            3,
        ),
        ("authority_batches_awaiting_payment", ["payee.name", "created_by.username"], 1),
    ],
)
def test_authority_queues_are_one_query(busy, django_assert_num_queries, selector, paths, count):
    with django_assert_num_queries(1):
        rows = list(getattr(selectors, selector)(actor=busy.finance))
        touch_all(rows, *paths)
    assert len(rows) == count


def test_queues_show_only_the_actors_region(busy):
    shanghai = build.authority("SH")
    assert not selectors.authority_redemption_queue(actor=shanghai).exists()
    assert not selectors.authority_application_queue(actor=shanghai).exists()


def test_budget_use_per_program_is_one_query(busy, django_assert_num_queries):
    build.make_program(name="第二批", budget_fen=50_000_00)
    with django_assert_num_queries(1):
        rows = list(selectors.program_budget_use(region_id=busy.program.region_id, year=2024))
        touch_all(rows, "region.name", "budget_account.available_fen")
    first = next(row for row in rows if row.pk == busy.program.pk)
    assert (
        first.funded_fen,
        first.allocated_fen,
        first.held_fen,
        first.redeemed_fen,
        first.paid_fen,
        first.returned_fen,
        first.budget_account.available_fen,
    ) == (1_000_000_00, 30_000_00, 3_000_00, 6_000_00, 0, 0, 970_000_00)


def test_unbatched_totals_per_payee(world, voucher):
    from tests.vouchers.services.test_settlements import approved_redemption

    approved_redemption(world, voucher, 10_000_00)
    approved_redemption(world, voucher, 2_000_00)
    assert list(selectors.authority_unbatched_by_payee(actor=world.finance)) == [
        {
            "payee_id": world.institution.organisation.pk,
            "payee__name": world.institution.organisation.name,
            "total_fen": 6_000_00,
        }
    ]
