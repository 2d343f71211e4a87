"""Report jobs: thin, keyword-only, acks_late; each calls one service.

A run writes its results in one final transaction, so a redelivered task (worker killed
mid-run) recomputes from scratch and a finished run is never computed twice.
"""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from reporting.services import runs


class ReportRunTask(Task):
    """Marks the run failed once the task has failed for good (retries are not failures)."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any,
                   einfo: Any) -> None:
        runs.report_run_fail(run_id=kwargs["run_id"], error=f"{type(exc).__name__}: {exc}",
                             now=timezone.now())


@shared_task(bind=True, base=ReportRunTask, acks_late=True, max_retries=3)
def execute_report_run(self, *, run_id: int) -> str:
    try:
        run = runs.report_run_execute(run_id=run_id, now=timezone.now())
    except (OperationalError, InterfaceError) as error:  # transient: database unavailable
        raise self.retry(exc=error, countdown=30) from error
    return run.status


@shared_task(acks_late=True)
def schedule_nightly_reports() -> int:
    """Reconcile yesterday for each region; refresh this year's annual totals."""
    return len(runs.report_runs_schedule_nightly(now=timezone.now()))
