"""Sending a report run's message to the broker, which may be away: the run's row is the job.

A message that could not be sent is logged and left to the sweep (`dispatched_at` stays
empty), so a request made while the broker is down is still accepted.
"""

from __future__ import annotations

import logging
from datetime import datetime

from celery import current_app
from kombu.exceptions import OperationalError as BrokerUnavailable

from reporting.models import ReportRun

# Registered by reporting.apps; looked up by name so that services never import tasks.
EXECUTE_TASK = "reporting.tasks.execute_report_run"
# What publishing raises when the broker cannot be reached within the retry policy.
BROKER_ERRORS = (BrokerUnavailable, OSError)
logger = logging.getLogger(__name__)


def report_run_dispatch(*, run_id: int, now: datetime) -> bool:
    """Send the run's message; False (logged) if the broker is unreachable. Call it after
    the run's transaction has committed."""
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(
        dispatched_at=now)
    try:
        current_app.tasks[EXECUTE_TASK].apply_async(kwargs={"run_id": run_id})
    except BROKER_ERRORS as error:
        logger.warning("report run %s not sent, the sweep will send it: %r", run_id, error)
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED,
                                 dispatched_at=now).update(dispatched_at=None)
        return False
    return True
