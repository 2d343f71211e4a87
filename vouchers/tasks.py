"""Scheduled jobs of the voucher life cycle: thin, keyword-only, each calling one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from vouchers.services import orders, records, reminders, spot_check_programme, vouchers


@shared_task(acks_late=True)
def expire_due_vouchers() -> int:
    """Unused balances of vouchers past their use-by date go back to the budget."""
    return vouchers.vouchers_expire_due(now=timezone.now())


@shared_task(acks_late=True)
def lapse_due_orders() -> int:
    """Holds still unredeemed at the redemption deadline are voided; the money goes back."""
    return orders.orders_lapse_due(now=timezone.now())


@shared_task(acks_late=True)
def send_deadline_reminders() -> int:
    """Use-by and redemption-deadline reminders, once per record, threshold and recipient."""
    return reminders.reminders_send_due(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def refresh_institution_record(*, institution_id: int, year: int) -> None:
    """One institution's record of a year, after a change that bears on it."""
    records.institution_record_refresh(institution_id=institution_id, year=year,
                                       now=timezone.now())


@shared_task(acks_late=True)
def refresh_institution_records() -> int:
    """Nightly: every institution's record of this year and of last year."""
    now = timezone.now()
    year = timezone.localdate(now).year
    return sum(records.institution_records_refresh(year=each, now=now)
               for each in (year - 1, year))


@shared_task(acks_late=True)
def draw_due_spot_checks() -> int:
    """Each program's closed spot-check periods without a draw are drawn, once each."""
    return len(spot_check_programme.spot_checks_sweep(now=timezone.now()))
