"""A report run's lease: who computes it, until when; claimed and renewed by compare-and-set.

A process claims a run that is queued, or running with an expired lease, or already its own
(the same Celery task retried after a database error keeps its task id as holder). While it
computes, the progress callback and a heartbeat thread renew the lease; the lease's clock is
the claim's `now` plus the monotonic time elapsed since, so no service reads the wall clock.
A renewal that matches no row means the lease was lost (the sweep gave the run to another
process): the computation stops with `LeaseLost` and writes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.errors import Conflict
from reporting.models import ReportRun

Status = ReportRun.Status
logger = logging.getLogger(__name__)


class LeaseLost(Conflict):
    code = "report_run_lease_lost"


def lease_seconds() -> float:
    return float(settings.REPORT_RUN_LEASE_SECONDS)


def report_run_claim(*, run_id: int, holder: str, worker: str, now: datetime) -> bool:
    """Take the run's lease if nobody else holds a live one; True if this caller has it.

    Never steals a live lease; refuses a run whose attempts are used up (the sweep fails
    it with its reason)."""
    claimable = (
        Q(status=Status.QUEUED)
        | Q(status=Status.RUNNING, lease_expires_at__isnull=True)
        | Q(status=Status.RUNNING, lease_expires_at__lte=now)
        | Q(status=Status.RUNNING, lease_holder=holder)
    )
    claimed = ReportRun.objects.filter(
        claimable, pk=run_id, attempts__lt=settings.REPORT_RUN_MAX_ATTEMPTS
    ).update(
        status=Status.RUNNING, lease_holder=holder, worker=worker[:200], heartbeat_at=now,
        lease_expires_at=now + timedelta(seconds=lease_seconds()), started_at=now,
        progress_percent=1, error="", attempts=F("attempts") + 1,
    )
    return claimed == 1


class Lease:
    """The lease a process holds on a run while it computes; a context manager that runs
    the heartbeat thread (every quarter of the lease) for its duration."""

    def __init__(self, *, run_id: int, holder: str, now: datetime) -> None:
        self.run_id, self.holder = run_id, holder
        self._claimed_at, self._started = now, time.monotonic()
        self._lost = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{run_id}", daemon=True)

    def now(self) -> datetime:
        """The claim's `now` moved on by the time elapsed since."""
        return self._claimed_at + timedelta(seconds=time.monotonic() - self._started)

    def renew(self, *, progress_percent: int | None = None) -> None:
        """Push the lease on (and record progress); raises `LeaseLost` if it is not ours."""
        if self._lost.is_set():
            raise LeaseLost(_("报表任务已由另一个进程接手"))
        now = self.now()
        changes: dict[str, object] = {
            "heartbeat_at": now, "lease_expires_at": now + timedelta(seconds=lease_seconds()),
        }
        if progress_percent is not None:
            changes["progress_percent"] = progress_percent
        if not self._held().update(**changes):
            self._lost.set()
            raise LeaseLost(_("报表任务已由另一个进程接手"))

    def _held(self) -> QuerySet[ReportRun]:
        return ReportRun.objects.filter(pk=self.run_id, status=Status.RUNNING,
                                        lease_holder=self.holder)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(lease_seconds() / 4):
                try:
                    self.renew()
                except LeaseLost:
                    return
                except DatabaseError as error:  # the main thread meets it too; try again
                    logger.warning("report run %s: heartbeat failed: %s", self.run_id, error)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> Lease:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
