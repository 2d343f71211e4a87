"""The finance officer builds a batch from the redemptions it picked: exactly those, and
only ones still approved, unbatched, of that payee and of its own region."""

from __future__ import annotations

import pytest

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.services.test_settlements import approved_redemption
from vouchers.models import PaymentBatch, Redemption
from vouchers.services import redemptions, settlements


@pytest.fixture
def three(world, voucher) -> list[Redemption]:
    """Three approved redemptions of the Shanghai institution: 5,000, 2,000 and 500 yuan."""
    return [approved_redemption(world, voucher, fee) for fee in (10_000_00, 4_000_00, 1_000_00)]


def create(world, ids, payee=None):
    return settlements.payment_batch_create(
        actor=world.finance, payee=payee or world.institution.organisation, now=NOW,
        redemption_ids=ids,
    )


def test_a_batch_holds_exactly_the_picked_redemptions_and_their_total(world, three):
    first, second, third = three

    batch = create(world, [first.pk, third.pk])

    assert batch.total_fen == 5_000_00 + 500_00
    assert sorted(batch.redemptions.values_list("pk", flat=True)) == [first.pk, third.pk]
    assert Redemption.objects.get(pk=second.pk).batch_id is None
    line = AuditEntry.objects.get(action="payment_batch_create")
    assert (line.amount_fen, line.after["count"], line.after["redemptions"]) == (
        5_500_00, 2, [first.pk, third.pk])


def test_the_left_out_redemption_waits_for_the_next_batch(world, three):
    create(world, [three[0].pk])

    following = create(world, None)

    assert sorted(following.redemptions.values_list("pk", flat=True)) == [
        three[1].pk, three[2].pk]
    assert following.total_fen == 2_500_00


def test_an_empty_choice_is_refused(world, three, refused):
    with refused("batch_empty", *three) as info:
        create(world, [])
    assert info.value.extra["field"] == "redemptions"


def test_a_redemption_already_batched_is_refused_by_id_and_nothing_is_made(world, three, refused):
    create(world, [three[0].pk])

    with refused("redemption_not_batchable", *three) as info:
        create(world, [three[0].pk, three[1].pk])
    assert info.value.extra["redemptions"] == [three[0].pk]
    assert PaymentBatch.objects.count() == 1


def test_a_redemption_not_yet_approved_is_refused(world, voucher, three, refused):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, 800_00)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    requested = build.request_redemption(order, world.institution)

    with refused("redemption_not_batchable", requested) as info:
        create(world, [three[0].pk, requested.pk])
    assert info.value.extra["redemptions"] == [requested.pk]


def test_another_payees_redemption_is_refused(world, voucher, three, refused):
    other = build.institution_user("SH")
    order = build.place_order(voucher, world.enterprise, other.organisation, 1_000_00)
    build.delivered_and_confirmed(order, other, world.enterprise)
    theirs = redemptions.redemption_approve(
        actor=world.reviewer, redemption=build.request_redemption(order, other), now=NOW)

    with refused("redemption_not_batchable", theirs) as info:
        create(world, [three[0].pk, theirs.pk])
    assert info.value.extra["redemptions"] == [theirs.pk]


def test_another_regions_redemption_and_an_unknown_id_are_refused(world, three, refused):
    zj_reviewer = build.authority("ZJ")
    zj_program = build.make_program(actor=zj_reviewer)
    zj_enterprise = build.enterprise_user("ZJ")
    zj_voucher = build.issue_voucher(zj_program, zj_enterprise, reviewer=zj_reviewer)
    order = build.place_order(zj_voucher, zj_enterprise, world.institution.organisation, 1_000_00)
    build.delivered_and_confirmed(order, world.institution, zj_enterprise)
    zhejiangs = redemptions.redemption_approve(
        actor=zj_reviewer, redemption=build.request_redemption(order, world.institution), now=NOW)

    with refused("redemption_not_batchable", zhejiangs, *three) as info:
        create(world, [three[0].pk, zhejiangs.pk, 999_999])
    assert info.value.extra["redemptions"] == sorted([zhejiangs.pk, 999_999])
