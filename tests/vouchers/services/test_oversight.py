from __future__ import annotations

from datetime import date

import pytest

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from tests.vouchers.services.test_settlements import approved_redemption, pay
from vouchers.ledger.models import Account
from vouchers.models import Blacklisting, Redemption, SpotCheckItem, Voucher
from vouchers.services import applications, oversight, settlements, vouchers

MARCH = {"period_start": date(2024, 3, 1), "period_end": date(2024, 3, 31)}


def test_sample_is_reproducible_from_its_seed():
    population = list(range(1, 101))
    first = oversight.spot_check_sample(population=population, rate_bp=500, seed=20240301)
    assert len(first) == 5
    assert first == oversight.spot_check_sample(
        population=list(reversed(population)), rate_bp=500, seed=20240301
    )


def test_draw_records_the_seed_and_samples_the_regions_redemptions(world, voucher):
    for fee in (1_000_00, 2_000_00, 3_000_00):
        approved_redemption(world, voucher, fee)
    spot_check = oversight.spot_check_draw(
        actor=world.reviewer, percentage=50, seed=7, now=NOW, **MARCH
    )
    items = list(spot_check.items.values_list("redemption_id", flat=True))
    assert (spot_check.seed, spot_check.population_count, len(items)) == (7, 3, 2)
    population = list(Redemption.objects.values_list("pk", flat=True))
    assert items == oversight.spot_check_sample(population=population, rate_bp=5000, seed=7)
    assert AuditEntry.objects.get(action="spot_check_draw").after["seed"] == 7


def test_draw_without_a_seed_picks_and_records_one(world, voucher):
    approved_redemption(world, voucher)
    spot_check = oversight.spot_check_draw(actor=world.reviewer, percentage=5, now=NOW, **MARCH)
    assert spot_check.seed > 0
    assert spot_check.items.count() == 1


def test_recording_a_result_once(world, voucher, refused):
    approved_redemption(world, voucher)
    spot_check = oversight.spot_check_draw(
        actor=world.reviewer, percentage=100, seed=1, now=NOW, **MARCH
    )
    item = spot_check.items.get()
    checker = build.authority("JS")  # not world.reviewer, who approved the redemption
    item = oversight.spot_check_record(
        actor=checker, item=item, passed=False, note="报告系伪造", now=NOW
    )
    assert (item.state, item.note) == (SpotCheckItem.State.FAILED, "报告系伪造")
    with refused("illegal_transition", item):
        oversight.spot_check_record(actor=checker, item=item, passed=True, note="x", now=NOW)


def test_claw_back_is_a_compensating_entry_on_a_paid_redemption(world, voucher, ledger_clean):
    redemption = approved_redemption(world, voucher)
    batch = settlements.payment_batch_create(
        actor=world.finance, payee=world.institution.organisation, now=NOW
    )
    pay(world, batch)
    claw_back = oversight.redemption_claw_back(
        actor=world.reviewer, redemption=redemption, reason="虚假交易", now=NOW
    )
    redemption.refresh_from_db()
    assert (redemption.state, claw_back.amount_fen) == (Redemption.State.CLAWED_BACK, 5_000_00)
    paid = Account.objects.get(kind="paid", owner_id=str(world.program.pk))
    owed = Account.objects.get(
        kind="clawback", owner_id=f"{world.program.pk}:{world.institution.organisation.pk}"
    )
    assert (paid.balance_fen, owed.balance_fen) == (0, 5_000_00)
    assert paid.credits_posted_fen == 5_000_00  # the payment itself is never edited


def test_an_unpaid_redemption_cannot_be_clawed_back(world, voucher, refused):
    redemption = approved_redemption(world, voucher)
    with refused("illegal_transition", redemption):
        oversight.redemption_claw_back(
            actor=world.reviewer, redemption=redemption, reason="x", now=NOW
        )


def test_blacklisted_enterprise_can_no_longer_apply_or_order(world, voucher, refused):
    blacklisting = oversight.organisation_blacklist(
        actor=world.reviewer, organisation=world.enterprise.organisation, reason="骗补", now=NOW
    )
    assert (blacklisting.created_by, blacklisting.reason) == (world.reviewer, "骗补")
    with refused("blacklisted"):
        build.place_order(voucher, world.enterprise, world.institution.organisation)
    with refused("blacklisted"):
        applications.application_submit(
            actor=world.enterprise,
            program=world.program,
            amount_fen=1,
            purpose="x",
            planned_categories=[build.category()],
            now=NOW,
        )


def test_blacklisting_twice_by_one_region_is_refused(world, refused):
    organisation = world.institution.organisation
    oversight.organisation_blacklist(
        actor=world.reviewer, organisation=organisation, reason="x", now=NOW
    )
    with refused("already_blacklisted"):
        oversight.organisation_blacklist(
            actor=world.reviewer, organisation=organisation, reason="y", now=NOW
        )
    oversight.organisation_blacklist(
        actor=build.authority("SH"), organisation=organisation, reason="z", now=NOW
    )
    assert Blacklisting.objects.filter(organisation=organisation).count() == 2


def test_revoking_a_voucher_returns_its_balance_and_open_holds(world, voucher, ledger_clean):
    build.place_order(voucher, world.enterprise, world.institution.organisation)
    voucher = vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="骗补", now=NOW)
    voucher.refresh_from_db()
    assert (voucher.state, voucher.returned_fen) == (Voucher.State.REVOKED, 100_000_00)
    assert Account.objects.get(pk=world.program.budget_account_id).available_fen == 1_000_000_00


@pytest.mark.parametrize("state", ["revoked"])
def test_a_revoked_voucher_cannot_expire_or_be_revoked_again(world, voucher, refused, state):
    vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="x", now=NOW)
    assert vouchers.voucher_expire(voucher=voucher, now=voucher.expires_at).state == state
    with refused("already_revoked", voucher):
        vouchers.voucher_revoke(actor=world.reviewer, voucher=voucher, reason="x", now=NOW)
