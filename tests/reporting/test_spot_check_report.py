"""Report set 5, spot-check results and sanctions: its figures equal an independent query over
the tables, and the CSV, XLSX and PDF files carry them."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pypdf
import pytest
from django.db import connection
from openpyxl import load_workbook

from accounts.models import User
from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW, TZ
from reporting.models import ReportRun
from reporting.services import runs
from reporting.services.spot_check_report import rate_text
from tests.reporting.test_runs_and_exports import executed, operator
from vouchers.models import Program, SpotCheckItem
from vouchers.services import (
    oversight,
    oversight_cases,
    redemptions,
    settlements,
    spot_check_programme,
)

JULY = datetime(2024, 7, 1, 2, 0, tzinfo=TZ)
REPORTED_AT = datetime(2025, 2, 1, 10, 0, tzinfo=TZ)
Kind = ReportRun.Kind


@pytest.fixture
def checked_year(db):
    """Jiangsu 2024: the sweep samples half of four approved redemptions (H1), one passes,
    one fails and is clawed back; a manual 2.5 % draw stays pending; the institution is
    blacklisted. Zhejiang blacklists someone too (outside Jiangsu's report)."""
    approver, checker = build.authority("JS"), build.authority("JS")
    finance = build.authority("JS", role=User.Role.AUTHORITY_FINANCE)
    program = build.make_program(actor=approver)
    Program.objects.filter(pk=program.pk).update(spot_check_rate_bp=5000)
    enterprise, institution = build.enterprise_user("JS"), build.institution_user("SH")
    voucher = build.issue_voucher(program, enterprise, 100_000_00, reviewer=approver)
    for fee in (1_000_00, 2_000_00, 3_000_00, 4_000_00):
        order = build.place_order(voucher, enterprise, institution.organisation, fee)
        build.delivered_and_confirmed(order, institution, enterprise)
        redemptions.redemption_approve(
            actor=approver, redemption=build.request_redemption(order, institution), now=NOW)
    batch = settlements.payment_batch_create(actor=finance, payee=institution.organisation,
                                             now=NOW)
    settlements.payment_batch_pay(actor=finance, batch=batch, payment_reference="GK-1",
                                  paid_on=date(2024, 3, 1), now=NOW)
    (draw,) = spot_check_programme.spot_checks_sweep(now=JULY)
    passed, failed = draw.items.order_by("pk")
    oversight.spot_check_record(actor=checker, item=passed, passed=True, note="齐全", now=JULY)
    oversight.spot_check_record(actor=checker, item=failed, passed=False, note="报告伪造",
                                now=JULY)
    oversight.redemption_claw_back(actor=checker, redemption=failed.redemption,
                                   reason="报告伪造", now=JULY)
    oversight_cases.oversight_case_close(actor=checker, case=failed.case, outcome="claw_back",
                                         reason="已追回", now=JULY)
    oversight.organisation_blacklist(actor=checker, organisation=institution.organisation,
                                     reason="报告伪造", now=JULY)
    oversight.spot_check_draw(actor=checker, period_start=date(2024, 3, 1),
                              period_end=date(2024, 3, 31), percentage="2.5", seed=5, now=JULY)
    oversight.organisation_blacklist(actor=build.authority("ZJ"), reason="其他",
                                     organisation=build.institution_user("ZJ").organisation,
                                     now=JULY)
    return approver, checker


def _independent_figures(region_code: str) -> dict[str, int]:
    """The headline straight from the tables, in SQL written here."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT COUNT(DISTINCT c.id), COUNT(i.id),
                      SUM(CASE WHEN i.state = 'passed' THEN 1 ELSE 0 END),
                      SUM(CASE WHEN i.state = 'failed' THEN 1 ELSE 0 END),
                      SUM(CASE WHEN i.state = 'pending' THEN 1 ELSE 0 END)
               FROM vouchers_spotcheck c
               JOIN accounts_region r ON r.id = c.region_id
               LEFT JOIN vouchers_spotcheckitem i ON i.spot_check_id = c.id
               WHERE r.short_code = %s AND c.period_end BETWEEN %s AND %s""",
            [region_code, date(2024, 1, 1), date(2024, 12, 31)])
        draws, sample, passed, failed, pending = cursor.fetchone()
        cursor.execute(
            """SELECT SUM(c.population_count) FROM vouchers_spotcheck c
               JOIN accounts_region r ON r.id = c.region_id
               WHERE r.short_code = %s AND c.period_end BETWEEN %s AND %s""",
            [region_code, date(2024, 1, 1), date(2024, 12, 31)])
        (population,) = cursor.fetchone()
        cursor.execute(
            """SELECT COUNT(*), COALESCE(SUM(k.amount_fen), 0) FROM vouchers_clawback k
               JOIN vouchers_redemption d ON d.id = k.redemption_id
               JOIN vouchers_program p ON p.id = d.program_id
               JOIN accounts_region r ON r.id = p.region_id
               WHERE r.short_code = %s AND k.created_at >= %s AND k.created_at < %s""",
            [region_code, datetime(2024, 1, 1, tzinfo=TZ), datetime(2025, 1, 1, tzinfo=TZ)])
        claw_backs, clawed_back_fen = cursor.fetchone()
        cursor.execute(
            """SELECT COUNT(*) FROM vouchers_blacklisting b
               JOIN accounts_region r ON r.id = b.region_id
               WHERE r.short_code = %s AND b.created_at >= %s AND b.created_at < %s""",
            [region_code, datetime(2024, 1, 1, tzinfo=TZ), datetime(2025, 1, 1, tzinfo=TZ)])
        (blacklistings,) = cursor.fetchone()
        cursor.execute(
            """SELECT COUNT(*), SUM(CASE WHEN o.state = 'closed' THEN 1 ELSE 0 END)
               FROM vouchers_oversightcase o JOIN accounts_region r ON r.id = o.region_id
               WHERE r.short_code = %s""", [region_code])
        cases, cases_closed = cursor.fetchone()
    return {"draws": draws, "population": population, "sample": sample,
            "checked": passed + failed, "passed": passed, "failed": failed, "pending": pending,
            "cases": cases, "cases_closed": cases_closed, "cases_open": cases - cases_closed,
            "claw_backs": claw_backs, "clawed_back_fen": clawed_back_fen,
            "blacklistings": blacklistings}


def _report(actor) -> ReportRun:
    return executed(runs.report_request(actor=actor, kind=Kind.SPOT_CHECKS, region=None,
                                        parameters={"year": 2024}, now=REPORTED_AT))


def test_the_reports_figures_equal_an_independent_query(checked_year):
    _approver, checker = checked_year
    run = _report(checker)
    assert (run.status, run.region.short_code) == (ReportRun.Status.SUCCEEDED, "JS")
    headline = run.result["headline"]
    expected = _independent_figures("JS")
    assert {key: headline[key] for key in expected} == expected
    clawed_back = expected.pop("clawed_back_fen")
    assert clawed_back in (1_000_00 * 0.5, 2_000_00 * 0.5, 3_000_00 * 0.5, 4_000_00 * 0.5)
    assert expected == {  # the worked example, by hand
        "draws": 2, "population": 8, "sample": 3, "checked": 2, "passed": 1, "failed": 1,
        "pending": 1, "cases": 1, "cases_open": 0, "cases_closed": 1, "claw_backs": 1,
        "blacklistings": 1}
    sweep_row, manual_row = sorted(run.result["draws"], key=lambda row: row["program_name"],
                                   reverse=True)
    assert (sweep_row["rate_bp"], sweep_row["population"], sweep_row["sample"]) == (5000, 4, 2)
    assert (manual_row["rate_bp"], manual_row["sample"], manual_row["pending"]) == (250, 1, 1)
    (finding,) = run.result["findings"]
    assert (finding["note"], finding["case_state"], finding["outcome"]) == (
        "报告伪造", "closed", "claw_back")


def test_the_operators_report_covers_every_region(checked_year):
    run = _report(operator())
    assert run.region is None
    assert run.result["headline"]["blacklistings"] == 2


def test_a_result_recorded_later_makes_a_new_run(checked_year):
    _approver, checker = checked_year
    first = _report(checker)
    item = SpotCheckItem.objects.get(state="pending")
    oversight.spot_check_record(actor=checker, item=item, passed=True, note="齐全", now=JULY)
    second = _report(checker)
    assert second.pk != first.pk
    assert second.result["headline"]["pending"] == 0


@pytest.mark.parametrize("rate_bp", [1, 250, 500, 1234, 10_000])
def test_rates_print_exactly(rate_bp):
    assert rate_text(rate_bp) == {1: "0.01%", 250: "2.5%", 500: "5%", 1234: "12.34%",
                                  10_000: "100%"}[rate_bp]


def _file(run: ReportRun, fmt: str) -> bytes:
    with run.files.get(format=fmt).file.open("rb") as handle:
        return handle.read()


def test_the_three_formats_carry_the_figures(checked_year):
    _approver, checker = checked_year
    run = _report(checker)
    amount = run.result["headline"]["clawed_back_fen"]
    yuan = f"{amount // 100}.{amount % 100:02d}"

    lines = list(csv.reader(io.StringIO(_file(run, "csv").decode("utf-8-sig"))))
    assert lines[0][:2] == ["报表", "2024年度创新券兑付抽查结果与处罚（江苏省）"]
    figures = {line[0]: line[1] for line in lines if len(line) == 3}
    assert (figures["样本数量"], figures["发现问题"], figures["追回金额"]) == ("3", "1", yuan)
    titles = [line[0] for line in lines if len(line) == 1 and line[0].startswith("【")]
    assert titles == ["【主要数据】", "【按地区和期间的抽查】", "【核查发现的问题】",
                      "【后续处理（核查问题）】", "【处罚：追回】", "【处罚：列入黑名单】"]
    draws_at = lines.index(["【按地区和期间的抽查】"])
    assert "2.5%" in [cell for line in lines[draws_at:draws_at + 4] for cell in line]

    workbook = load_workbook(io.BytesIO(_file(run, "xlsx")), read_only=True)
    summary = {row[0]: row[1] for row in workbook["概览"].iter_rows(values_only=True)}
    assert (summary["样本数量"], summary["核查问题"], summary["追回金额"]) == (
        3, 1, pytest.approx(amount / 100))
    cases = list(workbook["后续处理（核查问题）"].iter_rows(values_only=True))
    assert cases[1][4:6] == ("已结案", "追回资金")

    text = "".join(page.extract_text() for page in pypdf.PdfReader(
        io.BytesIO(_file(run, "pdf"))).pages)
    assert "2024年度创新券兑付抽查结果与处罚报告" in text
    assert "附录：指标定义" in text
    assert "报告伪造" in text


def test_the_english_pdf_translates_its_labels(checked_year):
    from django.utils import translation

    from reporting.exporters import render_pdf
    from reporting.services.documents import run_document

    _approver, checker = checked_year
    run = _report(checker)
    output = io.BytesIO()
    with translation.override("en"):
        render_pdf(run_document(run), output)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(
        io.BytesIO(output.getvalue())).pages)
    for words in ("Innovation voucher spot-check results and sanctions, 2024",
                  "Spot checks by region and period", "Findings", "Follow-ups (cases)",
                  "Sanctions: claw-backs", "Sanctions: blacklistings", "Claw-back"):
        assert words in text
