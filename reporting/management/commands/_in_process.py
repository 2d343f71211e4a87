"""What `reconcile` and `annual_report` share: ask for the run and compute it in this process,
under the run's lease, beside any worker.

The request sends no message (nothing to race with); a worker that got one anyway (the same
run asked for on the web) finds a live lease and does nothing. If a worker holds the lease
already, this waits for its result instead of computing twice.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone

from accounts.errors import ApplicationError
from accounts.models import Region
from reporting.models import ReportRun
from reporting.services import runs

WAIT_SECONDS = 30 * 60


def run_in_process(*, command: str, kind: str, region: Region | None,
                   parameters: dict[str, Any]) -> ReportRun:
    """The succeeded run; CommandError if it failed or was refused."""
    holder = f"command:{uuid.uuid4().hex}"
    worker = f"manage.py {command} on {socket.gethostname()}:{os.getpid()}"
    try:
        run = runs.report_request(actor=None, kind=kind, region=region, parameters=parameters,
                                  now=timezone.now(), dispatch=False)
        run = runs.report_run_execute(run_id=run.pk, now=timezone.now(), holder=holder,
                                      worker=worker)
    except ApplicationError as error:
        raise CommandError(str(error.message)) from error
    except Exception as error:  # our own computation failed: record it, as a worker would
        runs.report_run_fail(run_id=run.pk, holder=holder,
                             error=f"{type(error).__name__}: {error}", now=timezone.now())
        raise
    run = _wait_for_other_process(run)
    if run.status != ReportRun.Status.SUCCEEDED:
        raise CommandError(f"run {run.pk} {run.status}: {run.error_display}")
    return run


def _wait_for_other_process(run: ReportRun) -> ReportRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while run.status in (ReportRun.Status.QUEUED, ReportRun.Status.RUNNING):
        if time.monotonic() > deadline:
            raise CommandError(f"run {run.pk} still {run.status} after {WAIT_SECONDS} s")
        time.sleep(1)
        run.refresh_from_db()
    return run


def file_paths(run: ReportRun) -> list[str]:
    """Where the run's files are stored, one per format (a storage name if not on disk)."""
    paths = []
    for report_file in run.files.order_by("format"):
        try:
            paths.append(report_file.file.path)
        except NotImplementedError:  # a remote storage has names, not paths
            paths.append(report_file.file.name)
    return paths
