"""The sweep: every report run that is queued or running has a live message or a live lease.

Run every minute by beat (`reporting.tasks.recover_report_runs`). A running run whose lease
expired (its process died, or lost the database) is queued again, or failed with a reason
once its attempts are used up; then every queued run with no message sent recently (the
broker was down, or the message was lost) is sent. Each decision is a compare-and-set on the
row and writes its audit line in the same transaction, so two sweeps never double a step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_noop

from accounts.audit import audit_record
from reporting.models import ReportRun
from reporting.services.dispatch import report_run_dispatch

Status = ReportRun.Status
# Stored as written (the catalogue's message id); ReportRun.error_display translates it.
ATTEMPTS_USED_UP = gettext_noop(
    "多次尝试后仍未完成（执行进程中断或数据库不可用），已停止重试；可重新申请")
# An error in the computation itself: its traceback is in the worker's log (and Sentry).
COMPUTATION_FAILED = gettext_noop("计算出错，错误已记入运行日志；可重新申请")


@dataclass
class Recovery:
    """What one sweep did, by run id."""

    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    dispatched: list[int] = field(default_factory=list)
    undispatched: list[int] = field(default_factory=list)  # the broker is still away


def report_runs_recover(*, now: datetime) -> Recovery:
    """Requeue or fail runs with a stale lease, then send queued runs that have no recent
    message. Idempotent; safe beside workers and other sweeps."""
    recovery = Recovery()
    stale = ReportRun.objects.filter(status=Status.RUNNING).filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now))
    for run_id, holder in stale.order_by("pk").values_list("pk", "lease_holder"):
        outcome = _recover_stale(run_id=run_id, holder=holder, now=now)
        if outcome is not None:
            getattr(recovery, outcome).append(run_id)
    resend_before = now - timedelta(seconds=settings.REPORT_RUN_REDISPATCH_SECONDS)
    unsent = ReportRun.objects.filter(status=Status.QUEUED).filter(
        Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=resend_before))
    for run_id in unsent.order_by("pk").values_list("pk", flat=True):
        sent = report_run_dispatch(run_id=run_id, now=now)
        (recovery.dispatched if sent else recovery.undispatched).append(run_id)
    return recovery


@transaction.atomic(durable=True)
def _recover_stale(*, run_id: int, holder: str, now: datetime) -> str | None:
    """'failed' or 'requeued', or None if the run changed hands since it was read."""
    run = ReportRun.objects.select_related("region").get(pk=run_id)
    still_stale = ReportRun.objects.filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=now),
        pk=run_id, status=Status.RUNNING, lease_holder=holder,
    )
    before = {"status": run.status, "attempts": run.attempts, "worker": run.worker,
              "lease_expires_at": run.lease_expires_at.isoformat()
              if run.lease_expires_at else None}
    if run.attempts >= settings.REPORT_RUN_MAX_ATTEMPTS:
        if not still_stale.update(status=Status.FAILED, error=ATTEMPTS_USED_UP,
                                  finished_at=now, lease_expires_at=None):
            return None
        audit_record(actor=None, action="report_run_fail", target=run, region=run.region,
                     now=now, before=before, reason=ATTEMPTS_USED_UP,
                     after={"status": Status.FAILED})
        return "failed"
    if not still_stale.update(status=Status.QUEUED, progress_percent=0, lease_holder="",
                              lease_expires_at=None, dispatched_at=None):
        return None
    audit_record(actor=None, action="report_run_requeue", target=run, region=run.region,
                 now=now, before=before, after={"status": Status.QUEUED})
    return "requeued"
