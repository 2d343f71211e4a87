"""A real Celery worker consumes the report task from the broker (filesystem here, Redis in
CI's real run) and the result equals the in-process computation."""

from __future__ import annotations

import time
from datetime import datetime

from bench.year_seed import build_year
from devtools.factories.vouchers import TZ
from reporting.models import ReportRun
from reporting.services import runs
from reporting.services.annual_totals import annual_totals_compute


def test_a_worker_computes_the_requested_report(live_celery_worker):
    build_year()
    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS, region=None,
                              parameters={"year": 2024},
                              now=datetime(2025, 2, 1, tzinfo=TZ))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (ReportRun.Status.SUCCEEDED, ReportRun.Status.FAILED):
            break
        time.sleep(0.2)

    assert run.status == ReportRun.Status.SUCCEEDED, run.error
    assert run.result == annual_totals_compute(year=2024, region=None)
    assert run.files.count() == 3
