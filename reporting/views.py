"""The reports page: request, watch, download, import the treasury file, resolve findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import action_required
from accounts.errors import ApplicationError
from accounts.forms import add_application_error
from reporting import selectors
from reporting.exporters import CONTENT_TYPES
from reporting.forms import (
    AnnualReportForm,
    ReconciliationForm,
    RepaymentImportForm,
    ResolveForm,
    SpotCheckReportForm,
    TreasuryImportForm,
)
from reporting.models import Discrepancy, ReportRun
from reporting.services import (
    access,
    discrepancies,
    files,
    repayment_import,
    runs,
    treasury_import,
)
from reporting.services.documents import ageing_sections, annual_charts
from vouchers.charts import chart_context


def _page(request, **forms):
    latest = selectors.runs_for(actor=request.user).filter(
        kind=ReportRun.Kind.ANNUAL_TOTALS, status=ReportRun.Status.SUCCEEDED).first()
    context = {
        "latest_annual": latest, "charts": _run_charts(latest) if latest else [],
        "annual_form": AnnualReportForm(initial={"year": timezone.localdate().year}),
        "reconciliation_form": ReconciliationForm(),
        "spot_check_form": SpotCheckReportForm(initial={"year": timezone.localdate().year}),
        "import_form": TreasuryImportForm(),
        "repayment_form": RepaymentImportForm(),
        "resolve_form": ResolveForm(),
        "runs": selectors.runs_for(actor=request.user)[:30],
        "discrepancies": selectors.discrepancies_for(actor=request.user)[:200],
        **forms,
    }
    return render(request, "reporting/index.html", context)


@action_required("report.view")
def index(request):
    return _page(request)


@action_required("report.request")
@require_POST
def request_annual(request):
    form = AnnualReportForm(request.POST)
    if form.is_valid():
        try:
            run = runs.report_request(
                actor=request.user, kind=ReportRun.Kind.ANNUAL_TOTALS, region=None,
                parameters=form.cleaned_data, now=timezone.now(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("reporting:run", pk=run.pk)
    return _page(request, annual_form=form)


@action_required("report.request")
@require_POST
def request_spot_checks(request):
    """Report set 5: spot-check results and sanctions of a year (the actor's region, or all
    regions for the operator)."""
    form = SpotCheckReportForm(request.POST)
    if form.is_valid():
        try:
            run = runs.report_request(
                actor=request.user, kind=ReportRun.Kind.SPOT_CHECKS, region=None,
                parameters=form.cleaned_data, now=timezone.now(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("reporting:run", pk=run.pk)
    return _page(request, spot_check_form=form)


@action_required("report.request")
@require_POST
def request_reconciliation(request):
    form = ReconciliationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            run = runs.report_request(
                actor=request.user, kind=ReportRun.Kind.RECONCILIATION, region=data["region"],
                parameters={"date_from": data["date_from"].isoformat(),
                            "date_to": data["date_to"].isoformat(),
                            "due_days": data["due_days"]},
                now=timezone.now(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("reporting:run", pk=run.pk)
    return _page(request, reconciliation_form=form)


def _visible_run(request, pk: int, action: str = "report.view") -> ReportRun:
    run = get_object_or_404(ReportRun.objects.select_related("region"), pk=pk)
    try:
        access.require_run_visible(request.user, run, action, now=timezone.now())
    except ApplicationError as error:  # another region's run: as if it did not exist
        raise Http404(error.message) from error
    return run


@action_required("report.view")
def run_detail(request, pk: int):
    run = _visible_run(request, pk)
    return render(request, "reporting/run.html",
                  {"run": run, "formats": CONTENT_TYPES, "charts": _run_charts(run),
                   "ageing_tables": _ageing_tables(run)})


def _ageing_tables(run: ReportRun) -> list[dict]:
    """A finished reconciliation run's ageing tables (its stored result), titles translated."""
    if run.kind != ReportRun.Kind.RECONCILIATION or not run.result:
        return []
    return [{"title": _(section.title), "rows": list(section.rows())}
            for section in ageing_sections(run.result.get("ageing", {}))]


def _run_charts(run: ReportRun) -> list[dict]:
    """A finished annual run's charts (its stored figures), ready for includes/chart.html."""
    if run.kind != ReportRun.Kind.ANNUAL_TOTALS or run.status != ReportRun.Status.SUCCEEDED:
        return []
    return [chart_context(chart, element_id=f"chart-{chart.key}")
            for chart in annual_charts(run.result)]


@action_required("report.view")
def run_progress(request, pk: int):
    run = _visible_run(request, pk)
    return JsonResponse({"id": run.pk, "status": run.status, "progress": run.progress_percent,
                         "error": run.error_display, "done": run.status in ("succeeded", "failed")})


@action_required("report.download")
def run_download(request, pk: int, fmt: str):
    run = _visible_run(request, pk, "report.download")
    try:
        report_file = files.report_download(actor=request.user, run=run, fmt=fmt,
                                           now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reporting:run", pk=run.pk)
    return FileResponse(report_file.file.open("rb"), as_attachment=True,
                        filename=f"{run.kind}-{run.pk}.{fmt}", content_type=CONTENT_TYPES[fmt])


@action_required("treasury.import")
@require_POST
def treasury_upload(request):
    def imported(created) -> str:
        return _("已导入%(count)s条国库支付记录。") % {"count": len(created)}

    return _treasury_file_upload(request, TreasuryImportForm, "import_form",
                                 treasury_import.treasury_payments_import, imported)


@action_required("treasury.import")
@require_POST
def repayment_upload(request):
    def recorded(result) -> str:
        counts = {"count": len(result.recorded), "again": result.already_imported}
        return _("已登记%(count)s笔追回款退回（%(again)s笔此前已导入，未重复登记）。") % counts

    return _treasury_file_upload(request, RepaymentImportForm, "repayment_form",
                                 repayment_import.treasury_repayments_import, recorded)


def _treasury_file_upload(request, form_class, form_name: str,
                          importer: Callable[..., Any], success: Callable[[Any], str]):
    """A treasury file (payments or receipts) imported into the caller's region: a refused
    file names each refused line on the form, and the page is shown again with it."""
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importer(actor=request.user, region=request.user.organisation.region,
                              name=upload.name, content=upload.read(), now=timezone.now())
        except ApplicationError as error:
            add_application_error(form, error)
            for row in error.extra.get("errors", []):
                form.add_error("file", _("第%(line)s行：%(reason)s") % row)
        else:
            messages.success(request, success(result))
            return redirect("reporting:index")
    return _page(request, **{form_name: form})


@action_required("reconciliation.resolve")
@require_http_methods(["POST"])
def discrepancy_resolve(request, pk: int):
    discrepancy = get_object_or_404(
        Discrepancy, pk=pk, region_id=request.user.organisation.region_id
    )
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            discrepancies.discrepancy_resolve(actor=request.user, discrepancy=discrepancy,
                                     note=form.cleaned_data["note"], now=timezone.now())
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("差异已处理。"))
    else:
        messages.error(request, _("请填写处理说明。"))
    return redirect("reporting:index")
