"""Report set 5, spot-check results and sanctions: its figures (stored as the run's result)
and its document (what the CSV, XLSX and PDF render).

Per region and period (one row per draw): rate, population, sample size, checked, passed,
failed, pending, and sampled items that no reviewer may check; then the findings (failed
checks), the follow-ups (cases and their outcomes) and the sanctions (claw-backs with their
amounts, blacklistings). Definitions: docs/reporting.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from accounts.models import Region
from reporting import spot_check_selectors as read
from reporting.services.documents import (
    COUNT,
    MONEY,
    Column,
    ReportDocument,
    Section,
    SectionRow,
    cut_off,
    end_of,
)
from vouchers.models import OversightCase, SpotCheckItem
from vouchers.services.spot_check_sampling import rate_percent_text

HEADLINE = [  # key, label, kind
    ("draws", "抽查批次", COUNT),
    ("population", "总体数量", COUNT),
    ("sample", "样本数量", COUNT),
    ("checked", "已核查", COUNT),
    ("passed", "核查通过", COUNT),
    ("failed", "发现问题", COUNT),
    ("pending", "待核查", COUNT),
    ("without_checker", "无合格核查人", COUNT),
    ("cases", "核查问题", COUNT),
    ("cases_open", "处理中的核查问题", COUNT),
    ("cases_closed", "已结案的核查问题", COUNT),
    ("claw_backs", "追回笔数", COUNT),
    ("clawed_back_fen", "追回金额", MONEY),
    ("blacklistings", "列入黑名单", COUNT),
]
DRAW_COLUMNS = [
    Column("region_name", "地区"), Column("period", "期间"), Column("program_name", "项目"),
    Column("rate", "抽查比例"), Column("population", "总体数量", COUNT),
    Column("sample", "样本数量", COUNT), Column("checked", "已核查", COUNT),
    Column("passed", "核查通过", COUNT), Column("failed", "发现问题", COUNT),
    Column("pending", "待核查", COUNT), Column("without_checker", "无合格核查人", COUNT),
]
FINDING_COLUMNS = [
    Column("region_name", "地区"), Column("period", "期间"), Column("redemption", "兑付编号"),
    Column("payee_name", "收款方"), Column("approved_fen", "核定金额（元）", MONEY),
    Column("checked_by", "核查人"), Column("checked_at", "核查时间"),
    Column("note", "核查结果"), Column("case_state", "处理状态"),
    Column("outcome", "处理结果"),
]
CASE_COLUMNS = [
    Column("case", "核查问题编号"), Column("region_name", "地区"),
    Column("redemption", "兑付编号"), Column("payee_name", "收款方"),
    Column("state", "状态"), Column("outcome", "处理结果"), Column("reason", "结案说明"),
    Column("opened_at", "立案时间"), Column("closed_at", "结案时间"),
]
CLAW_BACK_COLUMNS = [
    Column("region_name", "地区"), Column("redemption", "兑付编号"),
    Column("payee_name", "收款方"), Column("amount_fen", "追回金额（元）", MONEY),
    Column("created_at", "追回时间"), Column("reason", "原因"),
]
BLACKLISTING_COLUMNS = [
    Column("region_name", "地区"), Column("organisation_name", "名称"),
    Column("credit_code", "统一社会信用代码"), Column("created_at", "列入时间"),
    Column("reason", "原因"),
]


def rate_text(rate_bp: int) -> str:
    """250 basis points as "2.5%", 500 as "5%" (vouchers' rate_percent_text)."""
    return rate_percent_text(rate_bp)


def _period(start: date, end: date) -> str:
    return f"{start.isoformat()} 至 {end.isoformat()}"


def _moment(value: datetime | None) -> str:
    return "" if value is None else timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def spot_check_report_compute(*, year: int, region: Region | None) -> dict[str, Any]:
    """The figures of report set 5 for a year (all regions when `region` is None)."""
    draws = [{
        "region_name": row["region__name"],
        "period": _period(row["period_start"], row["period_end"]),
        "program_name": row["program__name"] or "", "rate_bp": row["rate_bp"],
        "population": row["population_count"], "sample": row["sample"],
        "checked": row["passed"] + row["failed"], "passed": row["passed"],
        "failed": row["failed"], "pending": row["pending"],
        "without_checker": row["without_checker"],
    } for row in read.draws(year=year, region=region)]
    findings = [{
        "region_name": item.spot_check.region.name,
        "period": _period(item.spot_check.period_start, item.spot_check.period_end),
        "redemption": f"#{item.redemption_id}", "payee_name": item.redemption.payee.name,
        "approved_fen": item.redemption.approved_fen,
        "checked_by": item.checked_by.get_username() if item.checked_by else "",
        "checked_at": _moment(item.checked_at), "note": item.note,
        **_case_fields(item),
    } for item in read.findings(year=year, region=region)]
    cases = [{
        "case": f"#{case.pk}", "region_name": case.region.name,
        "redemption": f"#{case.redemption_id}", "payee_name": case.redemption.payee.name,
        "state": case.state, "outcome": case.outcome, "reason": case.reason,
        "opened_at": _moment(case.opened_at), "closed_at": _moment(case.closed_at),
    } for case in read.cases(year=year, region=region)]
    claw_backs = [{
        "region_name": claw_back.redemption.program.region.name,
        "redemption": f"#{claw_back.redemption_id}",
        "payee_name": claw_back.redemption.payee.name, "amount_fen": claw_back.amount_fen,
        "created_at": _moment(claw_back.created_at), "reason": claw_back.reason,
    } for claw_back in read.claw_backs(year=year, region=region)]
    blacklistings = [{
        "region_name": entry.region.name, "organisation_name": entry.organisation.name,
        "credit_code": entry.organisation.credit_code,
        "created_at": _moment(entry.created_at), "reason": entry.reason,
    } for entry in read.blacklistings(year=year, region=region)]
    return {
        "year": year, "region": region.name if region else None,
        "headline": _headline(draws, cases, claw_backs, blacklistings),
        "draws": draws, "findings": findings, "cases": cases, "claw_backs": claw_backs,
        "blacklistings": blacklistings,
    }


def _case_fields(item: SpotCheckItem) -> dict[str, str]:
    """A finding's case: its state and outcome (none for a failure recorded before cases)."""
    try:
        case = item.case
    except OversightCase.DoesNotExist:
        return {"case_state": "", "outcome": ""}
    return {"case_state": case.state, "outcome": case.outcome}


Rows = list[dict[str, Any]]


def _headline(draws: Rows, cases: Rows, claw_backs: Rows, blacklistings: Rows) -> dict[str, int]:
    totals = {key: sum(row[key] for row in draws) for key in (
        "population", "sample", "checked", "passed", "failed", "pending", "without_checker")}
    closed = sum(1 for case in cases if case["state"] == OversightCase.State.CLOSED)
    return {"draws": len(draws), **totals, "cases": len(cases),
            "cases_open": len(cases) - closed, "cases_closed": closed,
            "claw_backs": len(claw_backs),
            "clawed_back_fen": sum(row["amount_fen"] for row in claw_backs),
            "blacklistings": len(blacklistings)}


def spot_check_document(
    result: dict[str, Any], *, authority: str, region_name: str = "",
    generated_at: datetime | None = None,
) -> ReportDocument:
    """The stored figures as a document; labels of states and outcomes in the active
    language, data as stored."""
    states = dict(OversightCase.State.choices)
    outcomes = dict(OversightCase.Outcome.choices)

    def labelled(name: str, **fields: dict[str, Any]) -> Callable[[], Iterator[SectionRow]]:
        def rows() -> Iterator[SectionRow]:
            for row in result[name]:
                yield {**row, **{field: str(labels.get(row[field], row[field]))
                                 for field, labels in fields.items()}}
        return rows

    def draw_rows() -> Iterator[SectionRow]:
        for row in result["draws"]:
            yield {**row, "rate": rate_text(row["rate_bp"]),
                   "program_name": row["program_name"] or "人工抽取（本地区全部项目）"}

    year = result["year"]
    scope = f"（{result['region']}）" if result.get("region") else "（全部地区）"
    return ReportDocument(
        title=f"{year}年度创新券兑付抽查结果与处罚{scope}",
        period=f"{year}-01-01 至 {year}-12-31", authority=authority,
        headline=[(label, result["headline"][key], kind) for key, label, kind in HEADLINE],
        sections=[
            Section("draws", "按地区和期间的抽查", DRAW_COLUMNS, rows=draw_rows),
            Section("findings", "核查发现的问题", FINDING_COLUMNS,
                    rows=labelled("findings", case_state=states, outcome=outcomes)),
            Section("cases", "后续处理（核查问题）", CASE_COLUMNS,
                    rows=labelled("cases", state=states, outcome=outcomes)),
            Section("claw_backs", "处罚：追回", CLAW_BACK_COLUMNS,
                    rows=lambda: result["claw_backs"]),
            Section("blacklistings", "处罚：列入黑名单", BLACKLISTING_COLUMNS,
                    rows=lambda: result["blacklistings"]),
        ],
        kind="spot_checks", year=year, region_name=region_name, generated_at=generated_at,
        cut_off_at=cut_off(end_of(date(year, 12, 31)), generated_at),
    )
