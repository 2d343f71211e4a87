"""Runs are records: deduplicated, idempotent, crash-safe; their files read back correctly."""

from __future__ import annotations

import csv
import io
import tempfile
import tracemalloc
from datetime import UTC, datetime, timedelta

import pypdf
import pypdfium2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from openpyxl import load_workbook

from accounts.models import AuditEntry, Region, User
from devtools.factories.vouchers import TZ, authority
from reporting.exporters import render_csv, render_pdf, render_xlsx
from reporting.exporters import xlsx as xlsx_exporter
from reporting.models import Discrepancy, ReportFile, ReportRun
from reporting.services import discrepancies, files, runs
from reporting.services.documents import COUNT, MONEY, Column, ReportDocument, Section

NOW = datetime(2025, 2, 1, 10, 0, tzinfo=TZ)
Kind = ReportRun.Kind


def operator() -> User:
    from devtools.factories.accounts import OrganisationFactory, UserFactory

    return UserFactory(role=User.Role.OPERATOR, organisation=OrganisationFactory(
        kind="operator", credit_code=None, city=None, name="平台运营方"))


def executed(run: ReportRun) -> ReportRun:
    """What the worker does once the request has committed (the task, called directly)."""
    from reporting.tasks import execute_report_run

    execute_report_run(run_id=run.pk)
    run.refresh_from_db()
    return run


def annual(actor=None, region=None) -> ReportRun:
    return executed(runs.report_request(actor=actor, kind=Kind.ANNUAL_TOTALS, region=region,
                                        parameters={"year": 2024}, now=NOW))


def reconciliation(region_code="SH") -> ReportRun:
    return executed(runs.report_request(
        actor=None, kind=Kind.RECONCILIATION, region=Region.objects.get(short_code=region_code),
        parameters={"date_from": "2024-03-01", "date_to": "2024-04-30", "due_days": 30},
        now=NOW))


def test_the_same_report_over_the_same_data_is_one_run(year, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = runs.report_request(actor=None, kind=Kind.ANNUAL_TOTALS, region=None,
                                    parameters={"year": 2024}, now=NOW)
    second = annual()

    assert second.pk == first.pk
    assert len(callbacks) == 1  # enqueued once, after commit (eager in tests)
    first.refresh_from_db()
    assert first.status == ReportRun.Status.SUCCEEDED
    assert first.result["headline"]["redeemed_fen"] == 27_000_00
    assert set(first.files.values_list("format", flat=True)) == {"csv", "xlsx", "pdf"}


def test_new_data_makes_a_new_run(year):
    first = annual()
    from vouchers.services import vouchers

    vouchers.voucher_expire(voucher=year.vouchers["js"], now=NOW)
    assert annual().pk != first.pk


def test_a_crash_before_the_final_write_leaves_nothing_and_the_retry_completes(
    year, monkeypatch, django_capture_on_commit_callbacks
):
    run = reconciliation()  # eager: already done once; compute a fresh one by hand below
    run = ReportRun.objects.create(
        kind=run.kind, region=run.region, parameters=run.parameters, data_version="x",
        fingerprint="crash-test", status=ReportRun.Status.QUEUED, requested_at=NOW)
    real_render = runs.report_files_render

    def crash(run_, document, progress=None):
        real_render(run_, document, progress)  # partial work: files written to storage
        raise RuntimeError("worker killed")

    monkeypatch.setattr(runs, "report_files_render", crash)
    with pytest.raises(RuntimeError):
        runs.report_run_execute(run_id=run.pk, now=NOW)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING
    assert not Discrepancy.objects.filter(run=run).exists()
    assert not ReportFile.objects.filter(run=run).exists()

    # Its lease still live, another process may not take it; once it expired, one may.
    monkeypatch.setattr(runs, "report_files_render", real_render)
    assert runs.report_run_execute(run_id=run.pk, now=NOW).status == "running"
    later = NOW + timedelta(seconds=settings.REPORT_RUN_LEASE_SECONDS + 60)
    runs.report_run_execute(run_id=run.pk, now=later)
    runs.report_run_execute(run_id=run.pk, now=later)  # a late redelivery changes nothing

    run.refresh_from_db()
    assert (run.status, run.attempts, run.result["total"]) == ("succeeded", 2, 1)
    assert Discrepancy.objects.filter(run=run).count() == 1
    assert ReportFile.objects.filter(run=run).count() == 3


def test_a_failed_task_is_recorded_and_a_new_request_queues_it_again(year, monkeypatch):
    from reporting import tasks

    def broken(**kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(runs, "annual_totals_compute", broken)
    run = runs.report_request(actor=None, kind=Kind.ANNUAL_TOTALS, region=None,
                              parameters={"year": 2024}, now=NOW)
    # As a worker runs it: the task fails for good and its failure hook records that.
    outcome = tasks.execute_report_run.apply(kwargs={"run_id": run.pk}, throw=False)
    assert outcome.failed()
    assert str(outcome.result) == "boom"
    run.refresh_from_db()
    # (the reason shown to the user names no exception; the worker's log has it)
    assert (run.status, run.error, run.attempts) == (
        "failed", "计算出错，错误已记入运行日志；可重新申请", 1)
    with translation.override("en"):
        assert run.error_display == (
            "The computation failed and the error was logged; you may ask for the report again")
    monkeypatch.undo()
    assert annual().pk == run.pk
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("succeeded", 1)  # attempts count per request
    assert tasks.execute_report_run.acks_late


def test_csv_xlsx_and_pdf_read_back(year):
    run = annual()
    files = {f.format: f.file.open("rb").read() for f in run.files.all()}

    text = files["csv"].decode("utf-8")
    assert text.startswith("\ufeff报表")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    flow = rows[rows.index(["【跨区域流向（发券地区×服务地区）】"]) + 1:]
    js_sh = next(row for row in flow if row[:2] == ["江苏省", "上海市"])
    assert js_sh[2] == "16000.01"

    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    assert workbook.sheetnames[0] == "概览"
    sheet = workbook["跨区域流向（发券地区×服务地区）"]
    assert sheet.freeze_panes == "A2"
    cell = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "江苏省"
                and r[1].value == "上海市")[2]
    assert (cell.value, cell.number_format) == (16000.01, "#,##0.00")

    reader = pypdf.PdfReader(io.BytesIO(files["pdf"]))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "2024年度长三角科技创新券统计" in text
    assert "跨区域流向矩阵" in text
    assert "¥270,000.00".replace("270,000", "27,000") in text  # headline redeemed


def test_the_pdf_cover_renders_chinese_glyphs(year):
    pdf = annual().files.get(format="pdf").file.open("rb").read()
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=1).to_pil().convert("L")
    width, height = image.size
    # The title sits a third of the way down the cover; a missing font leaves it blank.
    title_band = image.crop((0, int(height * 0.2), width, int(height * 0.45)))
    dark = sum(1 for value in title_band.tobytes() if value < 128)
    assert dark > 2000


def test_formula_cells_are_neutralised_and_numbers_stay_numbers(tmp_path):
    document = ReportDocument(
        title="t", period="p", authority="a", headline=[],
        sections=[Section("s", "S", [Column("text", "文本"), Column("money", "金额", MONEY)],
                          rows=lambda: [{"text": "=HYPERLINK(\"x\")", "money": -1234}])],
    )
    buffer = io.BytesIO()
    render_csv(document, buffer)
    assert "'=HYPERLINK" in buffer.getvalue().decode("utf-8")
    assert ",-12.34" in buffer.getvalue().decode("utf-8")
    buffer = io.BytesIO()
    render_xlsx(document, buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["S"]
    assert sheet["A2"].value == "'=HYPERLINK(\"x\")"
    assert sheet["B2"].value == -12.34
    assert sheet["B2"].data_type == "n"


def test_a_section_longer_than_an_excel_sheet_goes_on_over_further_sheets(monkeypatch):
    # Excel refuses a sheet of more than 1,048,576 rows; a small limit shows the same split.
    monkeypatch.setattr(xlsx_exporter, "ROWS_PER_SHEET", 4)
    title = "差异明细" * 8  # longer than a sheet title may be
    document = ReportDocument(
        title="t", period="p", authority="a", headline=[],
        sections=[Section("s", title, [Column("name", "名称"), Column("fen", "金额", MONEY)],
                          rows=lambda: ({"name": f"第{i}项", "fen": i} for i in range(10)))],
    )
    buffer = io.BytesIO()
    render_xlsx(document, buffer)

    workbook = load_workbook(io.BytesIO(buffer.getvalue()))
    parts = workbook.sheetnames[1:]
    assert parts == [title[:31], title[:27] + " (2)", title[:27] + " (3)"]
    rows = [list(workbook[name].values) for name in parts]
    assert [len(sheet) for sheet in rows] == [5, 5, 3]  # each with its header
    assert all(sheet[0] == ("名称", "金额") for sheet in rows)
    names = [row[0] for sheet in rows for row in sheet[1:]]
    assert names == [f"第{i}项" for i in range(10)]


def _peak(render, count: int) -> int:
    document = ReportDocument(
        title="t", period="p", authority="a", headline=[],
        sections=[Section("s", "S", [Column("name", "名称"), Column("fen", "金额", MONEY),
                                     Column("n", "数", COUNT)],
                          rows=lambda: ({"name": f"机构{i}", "fen": i, "n": i}
                                        for i in range(count)))],
    )
    tracemalloc.start()
    with tempfile.TemporaryFile() as sink:
        render(document, sink)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# XLSX rows cost openpyxl ~0.2 ms each, far more under tracemalloc: the same tenfold step
# at a tenth of the size keeps the suite fast and still shows that memory does not grow.
@pytest.mark.parametrize(
    ("render", "small_count"), [(render_csv, 10_000), (render_xlsx, 500)], ids=["csv", "xlsx"]
)
def test_exports_stream_with_flat_memory(render, small_count):
    small, large = _peak(render, small_count), _peak(render, small_count * 10)
    assert large < small * 2, (small, large)


def test_the_pdf_lists_at_most_its_limit_of_rows():
    document = ReportDocument(
        title="对账", period="p", authority="a", headline=[],
        sections=[Section("s", "差异", [Column("name", "名称")],
                          rows=lambda: ({"name": f"第{i}项"} for i in range(10_000)))],
    )
    buffer = io.BytesIO()
    render_pdf(document, buffer)
    assert "完整清单见" in "".join(p.extract_text() for p in pypdf.PdfReader(buffer).pages[-2:])


def test_management_commands_call_the_same_services(year, tmp_path, capsys):
    output = tmp_path / "annual.xlsx"
    call_command("annual_report", year=2024, format="xlsx", output=str(output))
    months = load_workbook(output)["按月份"]
    assert [row[0].value for row in months.iter_rows(min_row=2)] == [2, 3, 4, 12]
    call_command("reconcile", region="SH", date_from="2024-03-01", date_to="2024-04-30")
    assert "unpaid_overdue: 1" in capsys.readouterr().out
    assert ReportRun.objects.count() == 2


def test_nightly_schedule_requests_each_region_once(year):
    created = runs.report_runs_schedule_nightly(now=NOW)
    again = runs.report_runs_schedule_nightly(now=NOW)
    # Reconciliation for each of the 4 regions; annual totals and spot checks (report set 5)
    # for all regions and for each.
    assert sorted((run.kind, run.region.short_code if run.region else "")
                  for run in created) == sorted(
        [(Kind.RECONCILIATION, code) for code in ("SH", "JS", "ZJ", "AH")]
        + [(kind, code) for kind in (Kind.ANNUAL_TOTALS, Kind.SPOT_CHECKS)
           for code in ("", "SH", "JS", "ZJ", "AH")])
    assert [run.pk for run in again] == [run.pk for run in created]


def test_nightly_schedule_reconciles_the_platforms_yesterday_whatever_the_clocks_zone(year):
    # Given beat's 02:30 on 1 January 2025 in Shanghai, as Celery passes it: in UTC, the
    # evening of 31 December 2024
    at_0230_shanghai = datetime(2024, 12, 31, 18, 30, tzinfo=UTC)
    runs_made = runs.report_runs_schedule_nightly(now=at_0230_shanghai)
    # Then yesterday is 31 December in Shanghai, and "this year" is 2025
    reconciliations = [run for run in runs_made if run.kind == Kind.RECONCILIATION]
    assert {(run.parameters["date_from"], run.parameters["date_to"])
            for run in reconciliations} == {("2024-12-31", "2024-12-31")}
    assert {run.parameters["year"] for run in runs_made
            if run.kind in (Kind.ANNUAL_TOTALS, Kind.SPOT_CHECKS)} == {2025}


def test_download_permissions_and_audit(year):
    run_js = annual(region=Region.objects.get(short_code="JS"))
    js, sh, boss = authority("JS"), authority("SH"), operator()

    assert files.report_download(actor=js, run=run_js, fmt="csv", now=NOW).format == "csv"
    assert files.report_download(actor=boss, run=run_js, fmt="pdf", now=NOW).format == "pdf"
    from accounts.errors import AccessDenied, NotFound

    with pytest.raises(NotFound) as other_region:  # another region's run does not exist for it
        files.report_download(actor=sh, run=run_js, fmt="csv", now=NOW)
    assert (other_region.value.code, other_region.value.message) == ("not_found", "报表不存在")
    enterprise = User.objects.filter(role=User.Role.ENTERPRISE).first()
    with pytest.raises(AccessDenied) as wrong_role:
        files.report_download(actor=enterprise, run=run_js, fmt="csv", now=NOW)
    assert wrong_role.value.code == "permission_denied"
    entries = AuditEntry.objects.filter(action="report_download").order_by("pk")
    assert [(e.actor_id, e.after["format"]) for e in entries] == [(js.pk, "csv"),
                                                                  (boss.pk, "pdf")]


def test_an_authority_requests_only_its_own_region(year):
    from accounts.errors import AccessDenied

    js = authority("JS")
    run = annual(actor=js)
    assert run.region.short_code == "JS"
    with pytest.raises(AccessDenied) as caught:
        annual(actor=js, region=Region.objects.get(short_code="SH"))
    assert (caught.value.code, caught.value.message) == (
        "other_region", "主管部门只能申请本地区的报表",
    )


def test_resolving_a_discrepancy_is_audited(year):
    run = reconciliation("SH")
    [item] = run.discrepancies.all()
    finance = authority("SH", role=User.Role.AUTHORITY_FINANCE)
    from accounts.errors import AccessDenied, Conflict

    with pytest.raises(AccessDenied) as caught:
        discrepancies.discrepancy_resolve(
            actor=authority("JS"), discrepancy=item, note="x", now=NOW
        )
    assert (caught.value.code, caught.value.message) == ("other_region", "只能处理本地区的对账差异")
    discrepancies.discrepancy_resolve(
        actor=finance, discrepancy=item, note="已与国库核实，3月底支付", now=NOW
    )
    item.refresh_from_db()
    assert (item.resolved_by, item.resolution_note) == (finance, "已与国库核实，3月底支付")
    entry = AuditEntry.objects.get(action="discrepancy_resolve")
    assert (entry.actor, entry.region.short_code) == (finance, "SH")
    with pytest.raises(Conflict) as again:
        discrepancies.discrepancy_resolve(actor=finance, discrepancy=item, note="again", now=NOW)
    assert again.value.code == "discrepancy_already_resolved"
