"""Report runs: request (deduplicated by fingerprint), execute (idempotent), fail, schedule.

A run computes with reads only, renders its files, then writes every result in one final
transaction; a worker killed before that leaves nothing half-written and the redelivered
task simply does the whole run again. A run that already succeeded is never recomputed.
Parameters, access, files and discrepancies have modules of their own beside this one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from celery import current_app
from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.audit import audit_record
from accounts.errors import Conflict
from accounts.models import Region, User
from accounts.transactions import service_transaction
from reporting import selectors
from reporting.models import Discrepancy, ReportRun
from reporting.services.access import report_scope_region
from reporting.services.annual_totals import annual_totals_compute
from reporting.services.documents import (
    ReportDocument,
    annual_document,
    reconciliation_document,
)
from reporting.services.files import StoredFile, report_files_record, report_files_render
from reporting.services.parameters import report_fingerprint, report_parameters_clean
from reporting.services.reconciliation import Finding, reconciliation_findings

Kind, Status = ReportRun.Kind, ReportRun.Status
# Registered by reporting.apps; looked up by name so that services never import tasks.
EXECUTE_TASK = "reporting.tasks.execute_report_run"


@service_transaction
def report_request(
    *, actor: User | None, kind: str, region: Region | None, parameters: dict[str, Any],
    now: datetime,
) -> ReportRun:
    """Ask for a report. The same report over the same data returns the existing run (a
    failed one is queued again); a new run is enqueued once this transaction commits.
    `actor=None` is the scheduler."""
    region = report_scope_region(actor, region, now=now)
    parameters = report_parameters_clean(kind=kind, region=region, parameters=parameters,
                                         now=now)
    version = selectors.data_version()
    fingerprint = report_fingerprint(kind=kind, region=region, parameters=parameters,
                                     data_version=version)
    run = ReportRun.objects.filter(fingerprint=fingerprint).first()
    if run is not None and run.status != Status.FAILED:
        return run
    if run is not None:
        ReportRun.objects.filter(pk=run.pk, status=Status.FAILED).update(
            status=Status.QUEUED, error="", progress_percent=0)
        run.refresh_from_db()
    else:
        run = _create(kind=kind, region=region, parameters=parameters, version=version,
                      fingerprint=fingerprint, actor=actor, now=now)
    audit_record(actor=actor, action="report_request", target=run, region=region, now=now,
                 after={"kind": kind, "parameters": parameters})
    run_id = run.pk
    transaction.on_commit(lambda: current_app.tasks[EXECUTE_TASK].delay(run_id=run_id))
    return run


def _create(
    *, kind: str, region: Region | None, parameters: dict[str, Any], version: str,
    fingerprint: str, actor: User | None, now: datetime,
) -> ReportRun:
    try:
        with transaction.atomic():
            return ReportRun.objects.create(
                kind=kind, region=region, parameters=parameters, data_version=version,
                fingerprint=fingerprint, status=Status.QUEUED, requested_by=actor,
                requested_at=now,
            )
    except IntegrityError as error:  # the same request raced us and won
        raise Conflict("同一报表正在申请中，请刷新", code="report_in_flight") from error


def report_run_execute(*, run_id: int, now: datetime) -> ReportRun:
    """Compute a run, render its files and write everything in one transaction.

    Idempotent: a succeeded run is returned unchanged; a queued, running (redelivered after
    a crash) or failed run is computed again from scratch."""
    claimed = ReportRun.objects.filter(
        pk=run_id, status__in=[Status.QUEUED, Status.RUNNING, Status.FAILED]
    ).update(status=Status.RUNNING, started_at=now, progress_percent=1, error="",
             attempts=F("attempts") + 1)
    run = ReportRun.objects.select_related("region").get(pk=run_id)
    if not claimed:
        return run
    result, findings, document = _compute(run)
    files = report_files_render(run, document)
    _finish(run, result=result, findings=findings, files=files, now=now)
    run.refresh_from_db()
    return run


def _progress(run_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        percent = 5 + int(75 * done / total)  # rendering and writing take the rest
        ReportRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            progress_percent=percent)

    return report


def _compute(run: ReportRun) -> tuple[dict[str, Any], list[Finding], ReportDocument]:
    params, progress = run.parameters, _progress(run.pk)
    authority = run.region.authority_name if run.region else "长三角科技创新券通用通兑平台"
    if run.kind == Kind.ANNUAL_TOTALS:
        result = annual_totals_compute(year=params["year"], region=run.region, progress=progress)
        return result, [], annual_document(result, authority=authority)
    findings = reconciliation_findings(
        region=run.region, date_from=date.fromisoformat(params["date_from"]),
        date_to=date.fromisoformat(params["date_to"]), due_days=params["due_days"],
        progress=progress,
    )
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    result = {"counts": counts, "total": len(findings)}
    rows = [{**asdict(finding), "resolved_at": None, "resolution_note": ""}
            for finding in findings]
    document = reconciliation_document(run, authority=authority, rows=lambda: rows,
                                       counts=counts)
    return result, findings, document


def _finish(
    run: ReportRun, *, result: dict[str, Any], findings: list[Finding],
    files: dict[str, StoredFile], now: datetime,
) -> None:
    with transaction.atomic(durable=True):
        Discrepancy.objects.filter(run=run).delete()  # none unless an earlier write committed
        Discrepancy.objects.bulk_create(
            [Discrepancy(run=run, region=run.region, **asdict(finding)) for finding in findings],
            batch_size=1000,
        )
        report_files_record(run, files)
        updated = ReportRun.objects.filter(pk=run.pk, status=Status.RUNNING).update(
            status=Status.SUCCEEDED, result=result, progress_percent=100, finished_at=now)
        if updated != 1:
            raise Conflict("报表任务已被另一次执行完成", code="report_run_concurrent")


def report_run_fail(*, run_id: int, error: str, now: datetime) -> None:
    """Record a failure; asking for the same report again queues it anew."""
    ReportRun.objects.filter(pk=run_id, status__in=[Status.QUEUED, Status.RUNNING]).update(
        status=Status.FAILED, error=error[:2000], finished_at=now)


def report_runs_schedule_nightly(*, now: datetime) -> list[ReportRun]:
    """Nightly: reconcile yesterday for each region, refresh this year's annual totals
    (all regions, and each region's own view)."""
    yesterday = (now - timedelta(days=1)).date()
    runs = []
    for region in Region.objects.order_by("code"):
        runs.append(report_request(
            actor=None, kind=Kind.RECONCILIATION, region=region, now=now,
            parameters={"date_from": yesterday.isoformat(), "date_to": yesterday.isoformat()},
        ))
    for region in [None, *Region.objects.order_by("code")]:
        runs.append(report_request(actor=None, kind=Kind.ANNUAL_TOTALS, region=region,
                                   parameters={"year": now.year}, now=now))
    return runs
