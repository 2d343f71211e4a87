"""Deadline reminders: 30, 7 and 1 days before a voucher's use-by date and before the
redemption deadline of a delivered order not yet claimed; and, once, a rating not given a week
after the delivery was confirmed.

Run daily (vouchers.tasks.send_deadline_reminders). Each record gets the reminder of the
tightest threshold it has reached, once per (record, threshold, recipient): the message's
`once_key` is unique, so a rerun of the day, or two runs at once, send nothing twice, and a
voucher issued five days before its use-by date gets the 7-day reminder, not a late 30-day
one. A voucher is reminded of only while it has an available balance; an order only while it
is delivered with no redemption requested, approved or paid.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from accounts.selectors import organisation_members
from accounts.services.notifications import notify
from accounts.transactions import service_transaction
from vouchers.models import Delivery, Redemption, ServiceOrder, Voucher
from vouchers.notifications import notify_rating_requested

THRESHOLDS_DAYS = (1, 7, 30)  # tightest first
RATING_REMINDER_DAYS = 7
CLAIMED = (Redemption.State.REQUESTED, Redemption.State.APPROVED, Redemption.State.PAID,
           Redemption.State.SUSPENDED)


def reminders_send_due(*, now: datetime) -> int:
    """Every reminder due now; the number of messages written."""
    return (voucher_use_by_reminders_send(now=now) + redemption_deadline_reminders_send(now=now)
            + rating_reminders_send(now=now))


@service_transaction
def rating_reminders_send(*, now: datetime) -> int:
    """Enterprises that confirmed a delivery RATING_REMINDER_DAYS ago or more and have not
    rated it (while it can still be rated well: within a year), reminded once."""
    due = Delivery.objects.filter(
        state=Delivery.State.CONFIRMED, rating__isnull=True,
        answered_at__lte=now - timedelta(days=RATING_REMINDER_DAYS),
        answered_at__gt=now - timedelta(days=365),
    ).select_related("order__institution").order_by("pk")
    return sum(notify_rating_requested(delivery, now=now, once_key=f"rating:{delivery.pk}")
               for delivery in due)


@service_transaction
def voucher_use_by_reminders_send(*, now: datetime) -> int:
    """Enterprises whose active voucher with money left reaches its use-by date soon."""
    due = Voucher.objects.filter(
        state=Voucher.State.ACTIVE, expires_at__gt=now,
        expires_at__lte=now + timedelta(days=max(THRESHOLDS_DAYS)),
    ).select_related("account").order_by("pk")
    written = 0
    for voucher in due:
        available_fen = voucher.account.available_fen  # from the row, no query
        if available_fen <= 0:
            continue
        days = _threshold(voucher.expires_at, now)
        written += notify(
            kind="voucher_use_by_reminder",
            recipients=organisation_members(organisation_id=voucher.enterprise_id),
            params={"voucher": voucher.code, "days": days,
                    "available_fen": available_fen,
                    "use_by_at": voucher.expires_at.isoformat()},
            link=reverse("vouchers:voucher_list"), now=now,
            once_key=f"voucher_use_by:{voucher.pk}:{days}",
        )
    return written


@service_transaction
def redemption_deadline_reminders_send(*, now: datetime) -> int:
    """Payees of delivered, unclaimed orders whose program's redemption deadline is near."""
    claimed = Redemption.objects.filter(order=OuterRef("pk"), state__in=CLAIMED)
    due = (
        ServiceOrder.objects.filter(
            state=ServiceOrder.State.DELIVERED,
            voucher__program__redemption_deadline_at__gt=now,
            voucher__program__redemption_deadline_at__lte=now + timedelta(
                days=max(THRESHOLDS_DAYS)),
        )
        .exclude(Exists(claimed))
        .select_related("voucher__program")
        .order_by("pk")
    )
    written = 0
    for order in due:
        deadline = order.voucher.program.redemption_deadline_at
        days = _threshold(deadline, now)
        written += notify(
            kind="redemption_deadline_reminder",
            recipients=organisation_members(organisation_id=order.payee_id),
            params={"contract": order.contract_number, "days": days,
                    "deadline_at": deadline.isoformat()},
            link=reverse("vouchers:order_detail", args=[order.pk]), now=now,
            once_key=f"redemption_deadline:{order.pk}:{days}",
        )
    return written


def _threshold(deadline: datetime, now: datetime) -> int:
    left = deadline - now
    return next(days for days in THRESHOLDS_DAYS if left <= timedelta(days=days))
