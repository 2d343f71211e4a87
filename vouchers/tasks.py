"""Scheduled jobs of the voucher life cycle: thin, keyword-only, each calling one service."""

from __future__ import annotations

import os
import uuid
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from vouchers.services import (
    bulk_reviews,
    orders,
    records,
    reminders,
    spot_check_programme,
    vouchers,
)


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
class BulkReviewTask(Task):
    """Marks the job failed once the task has failed for good (retries are not failures);
    its pending items stay pending, and can be submitted again."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any,
                   einfo: Any) -> None:
        bulk_reviews.bulk_review_fail(job_id=kwargs["job_id"], holder=task_id,
                                      error=bulk_reviews.PROCESSING_FAILED, now=timezone.now())


@shared_task(bind=True, base=BulkReviewTask, acks_late=True, max_retries=3, ignore_result=True)
def execute_bulk_review(self, *, job_id: int) -> str:
    """A reviewer's bulk decision, item by item (resumes where a crashed worker stopped)."""
    holder = self.request.id or f"call:{uuid.uuid4().hex}"  # no id: called directly
    try:
        job = bulk_reviews.bulk_review_execute(
            job_id=job_id, now=timezone.now(), holder=holder,
            worker=f"{self.request.hostname or 'local'}:{os.getpid()}")
    except bulk_reviews.LeaseLost:  # the sweep gave the job to another worker
        return "lease_lost"
    except (OperationalError, InterfaceError) as error:  # transient: database unavailable
        raise self.retry(exc=error, countdown=30) from error
    return job.status


@shared_task(acks_late=True, ignore_result=True)
def recover_bulk_reviews() -> dict[str, list[int]]:
    """Every minute: requeue bulk reviews whose worker died, send those with no message."""
    return bulk_reviews.bulk_reviews_recover(now=timezone.now())
