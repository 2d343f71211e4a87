"""Payment batch numbers: the Shanghai year, consecutive per region and year (service paths)."""

from __future__ import annotations

from datetime import UTC, datetime

from accounts.models import AuditEntry
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.models import PaymentBatch, PaymentBatchCounter
from vouchers.services import redemptions, settlements


def approved(world, voucher, institution):
    order = build.place_order(voucher, world.enterprise, institution.organisation, 1_000_00)
    build.delivered_and_confirmed(order, institution, world.enterprise)
    redemption = build.request_redemption(order, institution)
    return redemptions.redemption_approve(actor=world.reviewer, redemption=redemption, now=NOW)


def batch_for(world, institution, now=NOW, finance=None) -> PaymentBatch:
    return settlements.payment_batch_create(
        actor=finance or world.finance, payee=institution.organisation, now=now
    )


def test_batches_of_a_region_are_numbered_one_after_another(world, voucher):
    others = [build.institution_user("SH"), build.institution_user("ZJ")]
    for institution in (world.institution, *others):
        approved(world, voucher, institution)
    numbers = [batch_for(world, institution).number for institution in (world.institution,
                                                                        *others)]
    assert numbers == ["JS-PAY-2024-000001", "JS-PAY-2024-000002", "JS-PAY-2024-000003"]
    assert PaymentBatchCounter.objects.get(region__short_code="JS", year=2024).last_sequence == 3
    audited = AuditEntry.objects.filter(action="payment_batch_create").order_by("pk")
    assert [entry.after["number"] for entry in audited] == numbers


def test_a_cancelled_batch_keeps_its_number_and_the_next_one_follows(world, voucher):
    approved(world, voucher, world.institution)
    first = batch_for(world, world.institution)
    settlements.payment_batch_cancel(actor=world.finance, batch=first, reason="金额有误", now=NOW)
    second = batch_for(world, world.institution)
    first.refresh_from_db()
    assert (first.number, first.state) == ("JS-PAY-2024-000001", PaymentBatch.State.CANCELLED)
    assert second.number == "JS-PAY-2024-000002"


def test_each_region_runs_its_own_sequence(world, voucher):
    approved(world, voucher, world.institution)
    batch_for(world, world.institution)
    shanghai = build.make_program(region_code="SH", name="上海科技创新券")
    sh_reviewer = build.authority("SH")
    sh_enterprise = build.enterprise_user("SH")
    sh_voucher = build.issue_voucher(shanghai, sh_enterprise, reviewer=sh_reviewer)
    institution = build.institution_user("ZJ")
    order = build.place_order(sh_voucher, sh_enterprise, institution.organisation, 1_000_00)
    build.delivered_and_confirmed(order, institution, sh_enterprise)
    redemptions.redemption_approve(
        actor=sh_reviewer, redemption=build.request_redemption(order, institution), now=NOW
    )
    sh_finance = build.authority("SH", role="authority_finance")
    sh_batch = batch_for(world, institution, finance=sh_finance)
    assert (sh_batch.number, sh_batch.year, sh_batch.sequence) == ("SH-PAY-2024-000001", 2024, 1)


def test_the_year_is_shanghais_new_year_while_utc_is_still_in_the_old_one(world, voucher):
    approved(world, voucher, world.institution)
    old_year = batch_for(world, world.institution)
    other = build.institution_user("SH")
    approved(world, voucher, other)
    # 2024-12-31 17:00 UTC is 2025-01-01 01:00 in Shanghai.
    new_year = batch_for(world, other, now=datetime(2024, 12, 31, 17, 0, tzinfo=UTC))
    assert old_year.number == "JS-PAY-2024-000001"
    assert (new_year.number, new_year.year, new_year.sequence) == ("JS-PAY-2025-000001", 2025, 1)


def test_a_refused_batch_gives_no_number_away(world, voucher, refused):
    with refused("nothing_to_pay"):
        batch_for(world, world.institution)
    approved(world, voucher, world.institution)
    assert batch_for(world, world.institution).number == "JS-PAY-2024-000001"
