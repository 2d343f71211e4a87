"""Deadline reminders (issue 20): 30, 7 and 1 days before a voucher's use-by date while it has
money left, and before the redemption deadline of a delivered, unclaimed order; each once per
(record, threshold, recipient), however often the daily job runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.models import Notification
from devtools.factories import vouchers as build
from vouchers.models import Program, Voucher
from vouchers.services import redemptions
from vouchers.services.reminders import reminders_send_due

pytestmark = pytest.mark.django_db


def _reminders(kind: str) -> list[tuple[int, int]]:
    """(recipient, days) of each reminder of a kind, in order of writing."""
    return [(message.recipient_id, message.params["days"])
            for message in Notification.objects.filter(kind=kind).order_by("pk")]


def test_a_voucher_is_reminded_at_30_7_and_1_days_once_each(world, voucher):
    use_by = voucher.expires_at
    for days_before in (45, 30, 29, 7, 7, 3, 1, 1):
        reminders_send_due(now=use_by - timedelta(days=days_before))

    assert _reminders("voucher_use_by_reminder") == [
        (world.enterprise.pk, 30), (world.enterprise.pk, 7), (world.enterprise.pk, 1)]
    message = Notification.objects.filter(kind="voucher_use_by_reminder").first()
    assert message.params["available_fen"] == 100_000_00
    assert message.params["voucher"] == voucher.code


def test_a_late_issued_voucher_gets_only_the_tightest_reminder_it_has_reached(world, voucher):
    reminders_send_due(now=voucher.expires_at - timedelta(days=5))
    reminders_send_due(now=voucher.expires_at - timedelta(days=4))
    assert _reminders("voucher_use_by_reminder") == [(world.enterprise.pk, 7)]


def test_a_voucher_with_nothing_left_or_no_longer_active_is_not_reminded(world):
    spent = build.issue_voucher(world.program, world.enterprise, 10_000_00,
                                reviewer=world.reviewer)
    build.place_order(spent, world.enterprise, world.institution.organisation,
                      total_fee_fen=20_000_00)  # holds the whole voucher portion
    assert Voucher.objects.get(pk=spent.pk).state == Voucher.State.ACTIVE
    reminders_send_due(now=spent.expires_at - timedelta(days=3))
    assert _reminders("voucher_use_by_reminder") == []

    Voucher.objects.filter(pk=spent.pk).update(state=Voucher.State.EXPIRED)
    reminders_send_due(now=spent.expires_at - timedelta(days=1))
    assert _reminders("voucher_use_by_reminder") == []


def test_a_delivered_unclaimed_order_reminds_its_payee_before_the_redemption_deadline(
    world, voucher
):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              total_fee_fen=10_000_00, contract_number="HT-R-1")
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    deadline = Program.objects.get(pk=world.program.pk).redemption_deadline_at

    reminders_send_due(now=deadline - timedelta(days=20))
    reminders_send_due(now=deadline - timedelta(days=20))

    assert _reminders("redemption_deadline_reminder") == [(world.institution.pk, 30)]
    redemptions.redemption_request(actor=world.institution, order=order,
                                   now=deadline - timedelta(days=6))
    reminders_send_due(now=deadline - timedelta(days=6))  # claimed now: no 7-day reminder
    assert _reminders("redemption_deadline_reminder") == [(world.institution.pk, 30)]
