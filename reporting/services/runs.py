"""Report runs: request (deduplicated by fingerprint), execute (idempotent), fail, schedule.

A run computes with reads only, renders its files, then writes every result in one final
transaction; a worker killed before that leaves nothing half-written and the run is simply
done again from scratch. A run that already succeeded is never recomputed. The process that
computes holds the run's lease (leases.py); a run nobody holds is re-sent by the sweep
(recovery.py).
Parameters, access, files and discrepancies have modules of their own beside this one.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit import audit_record
from accounts.errors import Conflict
from accounts.models import Region, User
from accounts.transactions import service_transaction
from config.db_routers import reading_primary, reading_reports, replica_configured
from reporting import selectors
from reporting.models import Discrepancy, ReportRun
from reporting.services.access import report_scope_region
from reporting.services.ageing import reconciliation_ageing
from reporting.services.annual_totals import annual_totals_compute
from reporting.services.dispatch import EXECUTE_TASK, report_run_dispatch
from reporting.services.documents import (
    ReportDocument,
    annual_document,
    reconciliation_document,
)
from reporting.services.files import StoredFile, report_files_record, report_files_render
from reporting.services.leases import Lease, LeaseLost, report_run_claim
from reporting.services.parameters import report_fingerprint, report_parameters_clean
from reporting.services.reconciliation import Finding, reconciliation_findings
from reporting.services.spot_check_report import spot_check_document, spot_check_report_compute
from reporting.spot_check_selectors import spot_check_data_version

Kind, Status = ReportRun.Kind, ReportRun.Status
__all__ = ["EXECUTE_TASK", "LeaseLost", "report_request", "report_run_execute",
           "report_run_fail", "report_runs_schedule_nightly"]


@service_transaction
def report_request(
    *, actor: User | None, kind: str, region: Region | None, parameters: dict[str, Any],
    now: datetime, dispatch: bool = True,
) -> ReportRun:
    """Ask for a report. The same report over the same data returns the existing run (a
    failed one is queued again, as a new request: its attempts start from zero); a new run is
    sent to the workers once this transaction commits, unless `dispatch=False` (the caller
    computes it in-process). A broker that is down does not refuse the request: the sweep
    sends the run later. `actor=None` is the scheduler."""
    region = report_scope_region(actor, region, now=now)
    parameters = report_parameters_clean(kind=kind, region=region, parameters=parameters,
                                         now=now)
    version = data_version(kind)
    fingerprint = report_fingerprint(kind=kind, region=region, parameters=parameters,
                                     data_version=version)
    run = ReportRun.objects.filter(fingerprint=fingerprint).first()
    if run is not None and run.status != Status.FAILED:
        return run
    if run is not None:
        ReportRun.objects.filter(pk=run.pk, status=Status.FAILED).update(
            status=Status.QUEUED, error="", progress_percent=0, attempts=0, lease_holder="",
            lease_expires_at=None, dispatched_at=None, finished_at=None)
        run.refresh_from_db()
    else:
        run = _create(kind=kind, region=region, parameters=parameters, version=version,
                      fingerprint=fingerprint, actor=actor, now=now)
    audit_record(actor=actor, action="report_request", target=run, region=region, now=now,
                 after={"kind": kind, "parameters": parameters})
    run_id = run.pk
    if dispatch:
        transaction.on_commit(lambda: report_run_dispatch(run_id=run_id, now=now))
    return run


def data_version(kind: str) -> str:
    """The version of the data a run of `kind` reads: the journal's, deliveries' and
    treasury's; for spot checks also the draws', results', cases' and sanctions'."""
    version = selectors.data_version()
    if kind == Kind.SPOT_CHECKS:
        version = f"{version}|{spot_check_data_version()}"
    return version


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


def report_run_execute(
    *, run_id: int, now: datetime, holder: str | None = None, worker: str = ""
) -> ReportRun:
    """Claim the run's lease, compute it, render its files and write everything in one
    transaction.

    Idempotent: a succeeded or failed run, or one whose live lease another process holds,
    is returned unchanged; a queued run, or a running one whose lease expired (its process
    died) or that `holder` already holds (a retried task), is computed from scratch. Raises
    `LeaseLost` if the sweep gave the run to another process meanwhile."""
    holder = holder or f"call:{uuid.uuid4().hex}"
    claimed = report_run_claim(run_id=run_id, holder=holder, worker=worker, now=now)
    run = ReportRun.objects.select_related("region").get(pk=run_id)
    if not claimed:
        return run
    with Lease(run_id=run_id, holder=holder, now=now) as lease:
        result, findings, document = _compute(run, lease)
        files = report_files_render(
            run, document, progress=lambda percent: lease.renew(progress_percent=percent))
        _finish(run, result=result, findings=findings, files=files, holder=holder,
                now=lease.now())
    run.refresh_from_db()
    return run


def _progress(lease: Lease) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        percent = 5 + int(75 * done / total)  # rendering and writing take the rest
        lease.renew(progress_percent=percent)

    return report


def _compute(
    run: ReportRun, lease: Lease
) -> tuple[dict[str, Any], list[Finding], ReportDocument]:
    params, progress = run.parameters, _progress(lease)
    authority = run.region.authority_name if run.region else "长三角科技创新券通用通兑平台"
    if run.kind == Kind.ANNUAL_TOTALS:
        with _reads_for(run):
            result = annual_totals_compute(year=params["year"], region=run.region,
                                           progress=progress)
        return result, [], annual_document(
            result, authority=authority, region_name=run.region.name if run.region else "",
            generated_at=lease.now())
    if run.kind == Kind.SPOT_CHECKS:
        with _reads_for(run):
            result = spot_check_report_compute(year=params["year"], region=run.region)
        progress(1, 1)
        return result, [], spot_check_document(
            result, authority=authority, region_name=run.region.name if run.region else "",
            generated_at=lease.now())
    if run.region is None:  # report_parameters_clean gives every reconciliation a region
        raise ValueError(f"reconciliation run {run.pk} has no region")
    findings = reconciliation_findings(
        region=run.region, date_from=date.fromisoformat(params["date_from"]),
        date_to=date.fromisoformat(params["date_to"]), due_days=params["due_days"],
        progress=progress,
    )
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.kind] = counts.get(finding.kind, 0) + 1
    with reading_primary():
        ageing = reconciliation_ageing(region=run.region,
                                       on=date.fromisoformat(params["date_to"]))
    result = {"counts": counts, "total": len(findings), "ageing": ageing}
    rows = [{**asdict(finding), "resolved_at": None, "resolution_note": ""}
            for finding in findings]
    document = reconciliation_document(run, authority=authority, rows=lambda: rows,
                                       counts=counts, generated_at=lease.now(), ageing=ageing)
    return result, findings, document


def _reads_for(run: ReportRun) -> AbstractContextManager[None]:
    """The replica if it has the data the run was asked for (its fingerprint's version), else
    the primary: a run computed on older data would be returned for that version forever."""
    if not replica_configured():
        return reading_reports()
    with reading_reports():
        replica_version = data_version(run.kind)
    return reading_reports() if replica_version == run.data_version else reading_primary()


def _finish(
    run: ReportRun, *, result: dict[str, Any], findings: list[Finding],
    files: dict[str, StoredFile], holder: str, now: datetime,
) -> None:
    with transaction.atomic(durable=True):
        Discrepancy.objects.filter(run=run).delete()  # none unless an earlier write committed
        Discrepancy.objects.bulk_create(
            [Discrepancy(run=run, region=run.region, **asdict(finding)) for finding in findings],
            batch_size=1000,
        )
        report_files_record(run, files)
        updated = ReportRun.objects.filter(
            pk=run.pk, status=Status.RUNNING, lease_holder=holder
        ).update(status=Status.SUCCEEDED, result=result, progress_percent=100,
                 finished_at=now, lease_expires_at=None)
        if updated != 1:  # rolls the files' rows and findings back with it
            raise LeaseLost(_("报表任务已由另一个进程接手"))
        audit_record(actor=None, action="report_run_succeed", target=run, region=run.region,
                     now=now, after={"attempts": run.attempts, "files": sorted(files)})


@transaction.atomic(durable=True)
def report_run_fail(*, run_id: int, holder: str, error: str, now: datetime) -> bool:
    """Record that the computation `holder` leads failed for good (an error, not a lost
    process); asking for the same report again queues it anew. False if `holder` no longer
    holds the run."""
    failed = ReportRun.objects.filter(
        pk=run_id, status=Status.RUNNING, lease_holder=holder
    ).update(status=Status.FAILED, error=error[:2000], finished_at=now, lease_expires_at=None)
    if failed:
        run = ReportRun.objects.select_related("region").get(pk=run_id)
        audit_record(actor=None, action="report_run_fail", target=run, region=run.region,
                     now=now, after={"attempts": run.attempts, "error": run.error})
    return bool(failed)


def report_runs_schedule_nightly(*, now: datetime) -> list[ReportRun]:
    """Nightly: reconcile yesterday for each region; refresh this year's annual totals and
    its spot checks and sanctions (all regions, and each region's own view)."""
    today = timezone.localdate(now)  # the platform's day (Asia/Shanghai), whatever `now`'s zone
    yesterday = today - timedelta(days=1)
    runs = []
    for region in Region.objects.order_by("code"):
        runs.append(report_request(
            actor=None, kind=Kind.RECONCILIATION, region=region, now=now,
            parameters={"date_from": yesterday.isoformat(), "date_to": yesterday.isoformat()},
        ))
    scopes: list[Region | None] = [None, *Region.objects.order_by("code")]
    for scope in scopes:
        for kind in (Kind.ANNUAL_TOTALS, Kind.SPOT_CHECKS):
            runs.append(report_request(actor=None, kind=kind, region=scope,
                                       parameters={"year": today.year}, now=now))
    return runs
