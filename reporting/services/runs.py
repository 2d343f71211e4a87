"""Report runs: request (deduplicated by fingerprint), execute (idempotent), fail, download.

A run computes with reads only, renders its files, then writes every result in one final
transaction; a worker killed before that leaves nothing half-written and the redelivered
task simply does the whole run again. A run that already succeeded is never recomputed.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.access import Scope, require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, Conflict, InvalidInput, NotFound
from accounts.models import Region, User
from reporting import selectors
from reporting.exporters import RENDERERS
from reporting.models import Discrepancy, ReportFile, ReportRun
from reporting.services.annual_totals import annual_totals_compute
from reporting.services.documents import (
    ReportDocument,
    annual_document,
    reconciliation_document,
)
from reporting.services.reconciliation import (
    Finding,
    due_days_default,
    reconciliation_findings,
)

Kind, Status = ReportRun.Kind, ReportRun.Status
MAX_PERIOD_DAYS = 3 * 366


def report_scope_region(actor: User | None, region: Region | None) -> Region | None:
    """The region a run of `actor` covers: an authority only its own; the operator any."""
    if actor is None:
        return region
    scope = require_action(actor, "report.request")
    if scope == Scope.ALL:
        return region
    own = actor.organisation.region
    if region is not None and region.pk != own.pk:
        raise AccessDenied("主管部门只能申请本地区的报表", code="other_region")
    return own


def _annual_parameters(parameters: dict[str, Any], now: datetime) -> dict[str, Any]:
    try:
        year = int(parameters.get("year"))
    except (TypeError, ValueError) as error:
        raise InvalidInput("请填写年度", extra={"field": "year"}) from error
    if not 2000 <= year <= now.year:
        raise InvalidInput(f"年度须在2000至{now.year}之间", extra={"field": "year"})
    return {"year": year}


def _reconciliation_parameters(parameters: dict[str, Any], now: datetime) -> dict[str, Any]:
    try:
        date_from = date.fromisoformat(str(parameters.get("date_from")))
        date_to = date.fromisoformat(str(parameters.get("date_to")))
    except ValueError as error:
        raise InvalidInput("日期格式应为YYYY-MM-DD", extra={"field": "date_from"}) from error
    if date_from > date_to or (date_to - date_from).days > MAX_PERIOD_DAYS:
        raise InvalidInput("对账期间无效（起始不能晚于截止，且不超过三年）",
                           extra={"field": "date_to"})
    if date_to >= timezone.localdate(now):
        raise InvalidInput("只能对今天以前的期间对账", extra={"field": "date_to"})
    due_days = int(parameters.get("due_days") or due_days_default())
    if not 1 <= due_days <= 365:
        raise InvalidInput("支付期限须为1至365天", extra={"field": "due_days"})
    return {"date_from": date_from.isoformat(), "date_to": date_to.isoformat(),
            "due_days": due_days}


def _fingerprint(kind: str, region: Region | None, parameters: dict, version: str) -> str:
    payload = json.dumps(
        {"kind": kind, "region": region.short_code if region else None,
         "parameters": parameters, "data": version}, sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


@transaction.atomic(durable=True)
def report_request(
    *, actor: User | None, kind: str, region: Region | None, parameters: dict[str, Any],
    now: datetime,
) -> ReportRun:
    """Ask for a report. The same report over the same data returns the existing run (a
    failed one is queued again); a new run is enqueued once this transaction commits.
    `actor=None` is the scheduler."""
    region = report_scope_region(actor, region)
    if kind == Kind.ANNUAL_TOTALS:
        parameters = _annual_parameters(parameters, now)
    elif kind == Kind.RECONCILIATION:
        if region is None:
            raise InvalidInput("对账须选择地区", extra={"field": "region"})
        parameters = _reconciliation_parameters(parameters, now)
    else:
        raise InvalidInput("未知的报表类型", extra={"field": "kind"})
    version = selectors.data_version()
    fingerprint = _fingerprint(kind, region, parameters, version)
    run = ReportRun.objects.filter(fingerprint=fingerprint).first()
    if run is not None and run.status != Status.FAILED:
        return run
    if run is not None:
        ReportRun.objects.filter(pk=run.pk, status=Status.FAILED).update(
            status=Status.QUEUED, error="", progress_percent=0)
        run.refresh_from_db()
    else:
        run = _create(kind, region, parameters, version, fingerprint, actor, now)
    audit_record(actor=actor, action="report_request", target=run, region=region, now=now,
                 after={"kind": kind, "parameters": parameters})
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _create(kind, region, parameters, version, fingerprint, actor, now) -> ReportRun:
    try:
        with transaction.atomic():
            return ReportRun.objects.create(
                kind=kind, region=region, parameters=parameters, data_version=version,
                fingerprint=fingerprint, status=Status.QUEUED, requested_by=actor,
                requested_at=now,
            )
    except IntegrityError as error:  # the same request raced us and won
        raise Conflict("同一报表正在申请中，请刷新", code="report_in_flight") from error


def _enqueue(run_id: int) -> None:
    from reporting.tasks import execute_report_run

    execute_report_run.delay(run_id=run_id)


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
    files = _render(run, document)
    _finish(run, result=result, findings=findings, files=files, now=now)
    run.refresh_from_db()
    return run


def _progress(run_id: int):
    def report(done: int, total: int) -> None:
        percent = 5 + int(75 * done / total)  # rendering and writing take the rest
        ReportRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
            progress_percent=percent)

    return report


def _compute(run: ReportRun) -> tuple[dict, list[Finding], ReportDocument]:
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


def _render(run: ReportRun, document: ReportDocument) -> dict[str, tuple[str, int, str]]:
    """Each format into a temporary file, then to storage under a fixed name (a retry
    overwrites it). Returns format → (name, size, sha256)."""
    stored = {}
    for index, (fmt, render) in enumerate(RENDERERS.items(), start=1):
        with tempfile.TemporaryFile() as handle:
            render(document, handle)
            size, digest = handle.tell(), _sha256(handle)
            name = f"reports/run-{run.pk}.{fmt}"
            if default_storage.exists(name):
                default_storage.delete(name)
            stored[fmt] = (default_storage.save(name, File(handle, name=name)), size, digest)
        ReportRun.objects.filter(pk=run.pk).update(progress_percent=80 + 5 * index)
    return stored


def _sha256(handle) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


def _finish(run, *, result, findings: list[Finding], files, now: datetime) -> None:
    with transaction.atomic(durable=True):
        Discrepancy.objects.filter(run=run).delete()  # none unless an earlier write committed
        Discrepancy.objects.bulk_create(
            [Discrepancy(run=run, region=run.region, **asdict(finding)) for finding in findings],
            batch_size=1000,
        )
        for fmt, (name, size, digest) in files.items():
            ReportFile.objects.update_or_create(
                run=run, format=fmt, defaults={"file": name, "size_bytes": size, "sha256": digest}
            )
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


def require_run_visible(actor: User, run: ReportRun, action: str = "report.view") -> None:
    scope = require_action(actor, action)
    if scope != Scope.ALL and run.region_id != actor.region_id_or_none:
        raise NotFound("报表不存在", code="not_found")


@transaction.atomic(durable=True)
def report_download(*, actor: User, run: ReportRun, fmt: str, now: datetime) -> ReportFile:
    """The file of a finished run, for an actor allowed to see its region; audited."""
    require_run_visible(actor, run, "report.download")
    if run.status != Status.SUCCEEDED:
        raise Conflict("报表尚未完成", code="report_not_ready")
    report_file = ReportFile.objects.filter(run=run, format=fmt).first()
    if report_file is None:
        raise NotFound("没有该格式的报表文件", code="not_found")
    audit_record(actor=actor, action="report_download", target=run, region=run.region,
                 now=now, after={"format": fmt, "kind": run.kind, "sha256": report_file.sha256})
    return report_file


@transaction.atomic(durable=True)
def discrepancy_resolve(
    *, actor: User, discrepancy: Discrepancy, note: str, now: datetime
) -> Discrepancy:
    """An authority user of the discrepancy's region closes it with a note (audited)."""
    require_action(actor, "reconciliation.resolve")
    if actor.region_id_or_none != discrepancy.region_id:
        raise AccessDenied("只能处理本地区的对账差异", code="other_region")
    if not note.strip():
        raise InvalidInput("请填写处理说明", extra={"field": "note"})
    updated = Discrepancy.objects.filter(pk=discrepancy.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor, resolution_note=note.strip())
    if updated != 1:
        raise Conflict("该差异已处理", code="discrepancy_already_resolved")
    discrepancy.refresh_from_db()
    audit_record(actor=actor, action="discrepancy_resolve", target=discrepancy,
                 region=discrepancy.region, now=now, reason=note.strip(),
                 before={"resolved": False}, after={"resolved": True, "kind": discrepancy.kind},
                 amount_fen=discrepancy.actual_fen)
    return discrepancy
