"""Reconciliation of claw-back recovery: overdue claw-backs, repayments matched against the
ledger both ways, and the four ageing tables with their bucket boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from reporting.models import Discrepancy
from reporting.services.ageing import reconciliation_ageing
from reporting.services.reconciliation import reconciliation_findings
from tests.vouchers.services.test_recovery import clawed_back, repay
from tests.vouchers.services.test_settlements import approved_redemption
from vouchers.ageing import age_in_days, bucket_for
from vouchers.ledger.models import Account
from vouchers.ledger.services import TransferSpec, ledger_post
from vouchers.models import ClawBackRepayment
from vouchers.services import oversight, sanctions, vouchers

pytestmark = pytest.mark.django_db
Kind = Discrepancy.Kind


def kinds(world, date_to: date) -> list[tuple[str, str]]:
    return [(f.kind, f.subject) for f in reconciliation_findings(
        region=world.program.region, date_from=date(2024, 3, 1), date_to=date_to, due_days=30)]


def repayment_kinds(world, date_to=date(2024, 3, 31)) -> list[tuple[str, str]]:
    return [pair for pair in kinds(world, date_to) if pair[0] != Kind.UNPAID_OVERDUE]


def test_a_claw_back_is_overdue_from_the_day_after_its_due_date(world, voucher):
    claw_back = clawed_back(world, voucher)
    assert repayment_kinds(world, date(2024, 3, 31)) == []
    [finding] = [f for f in reconciliation_findings(
        region=world.program.region, date_from=date(2024, 3, 1), date_to=date(2024, 4, 1),
        due_days=30) if f.kind == Kind.CLAW_BACK_OVERDUE]
    assert (finding.subject, finding.expected_fen, finding.actual_fen) == (
        f"claw_back:{claw_back.pk}", 5_000_00, 0)
    assert finding.details == {"due_on": "2024-03-31", "owed_fen": 5_000_00}


def test_a_claw_back_repaid_by_the_period_end_is_not_overdue(world, voucher):
    claw_back = clawed_back(world, voucher)
    repay(world, claw_back, 2_000_00, "YH-1")
    [finding] = [f for f in reconciliation_findings(
        region=world.program.region, date_from=date(2024, 3, 1), date_to=date(2024, 4, 1),
        due_days=30) if f.kind == Kind.CLAW_BACK_OVERDUE]
    assert finding.actual_fen == 2_000_00
    repay(world, claw_back, 3_000_00, "YH-2")
    assert [k for k, _s in kinds(world, date(2024, 4, 1)) if k == Kind.CLAW_BACK_OVERDUE] == []


def test_recorded_repayments_match_their_postings(world, voucher, ledger_clean):
    repay(world, clawed_back(world, voucher), 1_000_00)
    assert repayment_kinds(world) == []


def test_a_repayment_without_its_posting_is_found(world, voucher):
    claw_back = clawed_back(world, voucher)
    row = ClawBackRepayment.objects.create(
        claw_back=claw_back, region=world.program.region, amount_fen=1_00,
        received_on=date(2024, 3, 1), bank_reference="YH-X", source="manual",
        recorded_by=world.finance, recorded_at=NOW)
    assert repayment_kinds(world) == [(Kind.RECORD_WITHOUT_POSTING, f"repayment:{row.pk}")]


def test_a_repayment_posting_without_its_record_is_found(world, voucher):
    clawed_back(world, voucher)
    owed = Account.objects.get(kind="clawback")
    funding = Account.objects.get(kind="funding", owner_id="32")
    ledger_post(transfers=[TransferSpec(
        idempotency_key="clawback-repay:999", debit_account_id=owed.pk,
        credit_account_id=funding.pk, amount_fen=1_00, business_type="claw_back_repayment",
        business_id="999")], now=NOW)
    assert repayment_kinds(world) == [(Kind.POSTING_WITHOUT_RECORD,
                                       "transfer:clawback-repay:999")]


@pytest.mark.parametrize(("days", "bucket"), [
    (0, "0_30"), (30, "0_30"), (31, "31_90"), (90, "31_90"), (91, "91_180"),
    (180, "91_180"), (181, "over_180"), (5000, "over_180"),
])
def test_bucket_boundaries(days, bucket):
    assert bucket_for(days).key == bucket


def test_an_age_counts_beijing_days():
    late_on_the_first = datetime.fromisoformat("2024-03-01T15:59:59+00:00")  # 23:59 Beijing
    early_on_the_second = datetime.fromisoformat("2024-03-01T16:00:00+00:00")  # 00:00
    assert age_in_days(late_on_the_first, on=date(2024, 3, 31)) == 30
    assert age_in_days(early_on_the_second, on=date(2024, 3, 31)) == 29


def _bucket(ageing, table):
    return {row["bucket"]: (row["count"], row["amount_fen"])
            for row in ageing[table] if row["count"]}


@pytest.mark.parametrize(("on", "bucket"), [
    (date(2024, 3, 31), "0_30"), (date(2024, 4, 1), "31_90"), (date(2024, 5, 30), "31_90"),
    (date(2024, 5, 31), "91_180"), (date(2024, 8, 28), "91_180"),
    (date(2024, 8, 29), "over_180"),
])
def test_outstanding_claw_backs_age_from_their_booking(world, voucher, on, bucket):
    clawed_back(world, voucher)
    assert _bucket(reconciliation_ageing(region=world.program.region, on=on),
                   "claw_backs") == {bucket: (1, 5_000_00)}


def test_a_repayment_counts_from_the_day_it_was_received(world, voucher):
    claw_back = clawed_back(world, voucher)
    repay(world, claw_back, 1_000_00)
    region = world.program.region
    assert _bucket(reconciliation_ageing(region=region, on=date(2024, 3, 1)),
                   "claw_backs") == {"0_30": (1, 4_000_00)}
    assert _bucket(reconciliation_ageing(region=region, on=date(2024, 2, 29)),
                   "claw_backs") == {}


def test_claims_and_holds_are_aged_as_of_the_period_end(world, voucher):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation,
                              2_000_00)
    requested = build.request_redemption(
        _confirmed(world, voucher, 4_000_00), world.institution)
    approved_redemption(world, voucher, 6_000_00)
    ageing = reconciliation_ageing(region=world.program.region, on=date(2024, 4, 1))
    assert _bucket(ageing, "held_undelivered") == {"31_90": (1, order.voucher_fen)}
    assert _bucket(ageing, "claims_requested") == {"31_90": (1, requested.requested_fen)}
    assert _bucket(ageing, "claims_approved") == {"31_90": (1, 3_000_00)}
    before = reconciliation_ageing(region=world.program.region, on=date(2024, 2, 29))
    assert all(row["count"] == 0 for table in before.values() for row in table)


def test_a_claim_stopped_by_a_sanction_leaves_the_ageing_from_its_stop(world, voucher):
    """A withdrawn approval and a voided request were open until they were stopped (10 March),
    then neither awaits review nor payment again."""
    withdrawn = approved_redemption(world, voucher, 6_000_00)
    other = build.issue_voucher(world.program, world.enterprise, 10_000_00,
                                reviewer=world.reviewer)
    voided = build.request_redemption(_confirmed(world, other, 4_000_00), world.institution)
    stopped = NOW + timedelta(days=9)
    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn, reason="虚假",
                                  destination="budget", now=stopped)
    vouchers.voucher_revoke(actor=world.reviewer, voucher=other, reason="骗补", now=stopped)
    region = world.program.region
    before = reconciliation_ageing(region=region, on=date(2024, 3, 9))
    assert _bucket(before, "claims_approved") == {"0_30": (1, 3_000_00)}
    assert _bucket(before, "claims_requested") == {"0_30": (1, voided.requested_fen)}
    after = reconciliation_ageing(region=region, on=date(2024, 3, 10))
    assert _bucket(after, "claims_approved") == _bucket(after, "claims_requested") == {}


def test_the_approval_of_a_withdrawn_or_suspended_claim_is_a_posting_with_its_record(
    world, voucher
):
    """The capture of a claim approved and then withdrawn, or suspended by a blacklisting,
    still has its record: the claim's approved amount."""
    withdrawn = approved_redemption(world, voucher, 6_000_00)
    suspended = approved_redemption(world, voucher, 4_000_00)
    sanctions.redemption_withdraw(actor=world.reviewer, redemption=withdrawn, reason="更正",
                                  destination="hold", now=NOW)
    oversight.organisation_blacklist(actor=world.reviewer, reason="伪造报告", now=NOW,
                                     organisation=world.institution.organisation)
    suspended.refresh_from_db()
    assert suspended.state == "suspended"
    assert [pair for pair in kinds(world, date(2024, 3, 31))
            if pair[0] in (Kind.POSTING_WITHOUT_RECORD, Kind.RECORD_WITHOUT_POSTING)] == []


def _confirmed(world, voucher, fee):
    order = build.place_order(voucher, world.enterprise, world.institution.organisation, fee)
    build.delivered_and_confirmed(order, world.institution, world.enterprise)
    return order


def test_the_run_its_files_and_its_page_carry_the_ageing_tables(world, voucher, client):
    from django.urls import reverse
    from openpyxl import load_workbook

    from reporting.models import ReportRun
    from reporting.services import runs
    from reporting.tasks import execute_report_run

    clawed_back(world, voucher)
    run = runs.report_request(
        actor=None, kind=ReportRun.Kind.RECONCILIATION, region=world.program.region,
        parameters={"date_from": "2024-03-01", "date_to": "2024-04-01", "due_days": 30},
        now=NOW + timedelta(days=40))
    execute_report_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.result["ageing"]["claw_backs"][1] == {
        "bucket": "31_90", "count": 1, "amount_fen": 5_000_00}
    csv_text = run.files.get(format="csv").file.open("rb").read().decode("utf-8-sig")
    assert "【追回款账龄（尚欠）】" in csv_text
    assert "31–90天,1,5000.00" in csv_text
    workbook = load_workbook(run.files.get(format="xlsx").file.open("rb"), read_only=True)
    assert "已预留未交付的订单账龄" in "".join(workbook.sheetnames)
    assert run.files.filter(format="pdf").exists()

    client.force_login(world.finance)
    page = client.get(reverse("reporting:run", args=[run.pk])).content.decode()
    assert "追回款账龄（尚欠）" in page
    assert "31–90天" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("reporting:run", args=[run.pk])).content.decode()
    assert "Claw-backs owed, by age" in page
    assert "31–90 days" in page
