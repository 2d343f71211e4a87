"""Scheduled jobs of the voucher life cycle: thin, keyword-only, each calling one service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from vouchers.services import orders, reminders, vouchers


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
