"""Report jobs: thin, keyword-only, acks_late; each calls one service.

A run writes its results in one final transaction, so a redelivered task (worker killed
mid-run) recomputes from scratch and a finished run is never computed twice. The task's id
is the lease holder: a retry of the same task resumes its own lease. Results live in the
database, not in the result backend (ignore_result).
"""

from __future__ import annotations

import os
import uuid
from typing import Any

from celery import Task, shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from reporting.services import recovery, runs


class ReportRunTask(Task):
    """Marks the run failed once the task has failed for good (retries are not failures).

    The user reads a reason, not the exception: Celery logs that with its traceback."""

    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any,
                   einfo: Any) -> None:
        runs.report_run_fail(run_id=kwargs["run_id"], holder=task_id,
                             error=recovery.COMPUTATION_FAILED, now=timezone.now())


@shared_task(bind=True, base=ReportRunTask, acks_late=True, max_retries=3, ignore_result=True)
def execute_report_run(self, *, run_id: int) -> str:
    holder = self.request.id or f"call:{uuid.uuid4().hex}"  # no id: called directly
    try:
        run = runs.report_run_execute(run_id=run_id, now=timezone.now(), holder=holder,
                                      worker=f"{self.request.hostname or 'local'}:{os.getpid()}")
    except runs.LeaseLost:  # the sweep gave the run to another process: nothing to record
        return "lease_lost"
    except (OperationalError, InterfaceError) as error:  # transient: database unavailable
        raise self.retry(exc=error, countdown=30) from error
    return run.status


@shared_task(acks_late=True, ignore_result=True)
def recover_report_runs() -> dict[str, list[int]]:
    """Every minute: re-send runs with no live message or lease; fail exhausted ones."""
    return vars(recovery.report_runs_recover(now=timezone.now()))


@shared_task(acks_late=True)
def schedule_nightly_reports() -> int:
    """Reconcile yesterday for each region; refresh this year's annual totals."""
    return len(runs.report_runs_schedule_nightly(now=timezone.now()))
