"""The funnel per issuing region equals raw SQL over the tables, written here on its own.

The SQL below reads the journal (`ledger_transfer`) wherever the money is — issuance, holds,
redemptions, returns, claw-backs — and the business tables only for what the journal has
not: budgets, service fees, the treasury's payment date. It shares nothing with the report's
code, and runs on SQLite and on PostgreSQL (which checks the GROUPING SETS path).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import connection

from accounts.models import Region
from devtools.factories import vouchers as build
from devtools.factories.vouchers import TZ
from reporting.services.annual_totals import annual_totals_compute
from vouchers.services import applications, orders, oversight

CODES = ["SH", "JS", "ZJ", "AH"]
FIGURES = ["budget_fen", "issued_fen", "vouchers_issued", "enterprises_claimed", "held_fen",
           "service_fen", "voucher_used_fen", "redeemed_fen", "paid_fen", "returned_fen",
           "clawed_back_fen"]
YEAR_END_2024 = datetime(2025, 1, 1, tzinfo=TZ)

# A voucher account's region: its voucher's program's; a paid account's: its program's
# (owner_id = program id). Written out in full in each query, for the auditor's eye.
SQL = {
    "budget_fen": """SELECT r.short_code, SUM(p.budget_fen) FROM vouchers_program p
        JOIN accounts_region r ON r.id = p.region_id WHERE p.year = %(year)s
        GROUP BY r.short_code""",
    "issued_fen": """SELECT r.short_code, SUM(t.amount_fen) FROM ledger_transfer t
        JOIN vouchers_voucher v ON v.account_id = t.credit_account_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE t.idempotency_key LIKE 'voucher-issue:%%'
          AND t.created_at >= %(start)s AND t.created_at < %(end)s GROUP BY r.short_code""",
    "vouchers_issued": """SELECT r.short_code, COUNT(*) FROM ledger_transfer t
        JOIN vouchers_voucher v ON v.account_id = t.credit_account_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE t.idempotency_key LIKE 'voucher-issue:%%'
          AND t.created_at >= %(start)s AND t.created_at < %(end)s GROUP BY r.short_code""",
    "enterprises_claimed": """SELECT r.short_code, COUNT(DISTINCT v.enterprise_id)
        FROM ledger_transfer t JOIN vouchers_voucher v ON v.account_id = t.credit_account_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE t.idempotency_key LIKE 'voucher-issue:%%'
          AND t.created_at >= %(start)s AND t.created_at < %(end)s GROUP BY r.short_code""",
    "held_fen": """SELECT r.short_code, SUM(t.amount_fen) FROM ledger_transfer t
        JOIN vouchers_voucher v ON v.account_id = t.debit_account_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE t.phase = 'pending' AND t.created_at < %(end)s
          AND NOT EXISTS (SELECT 1 FROM ledger_transfer x
                          WHERE x.pending_transfer_id = t.id AND x.created_at < %(end)s)
        GROUP BY r.short_code""",
    "service_fen": """SELECT r.short_code, SUM(o.total_fee_fen) FROM vouchers_delivery d
        JOIN vouchers_serviceorder o ON o.id = d.order_id
        JOIN vouchers_voucher v ON v.id = o.voucher_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE d.state = 'confirmed' AND d.delivered_on >= %(first)s AND d.delivered_on < %(next)s
        GROUP BY r.short_code""",
    "voucher_used_fen": """SELECT r.short_code, SUM(t.amount_fen) FROM vouchers_delivery d
        JOIN ledger_transfer t ON t.idempotency_key = 'order-hold:' || d.order_id
        JOIN vouchers_voucher v ON v.account_id = t.debit_account_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE d.state = 'confirmed' AND d.delivered_on >= %(first)s AND d.delivered_on < %(next)s
        GROUP BY r.short_code""",
    "redeemed_fen": """SELECT r.short_code, SUM(t.amount_fen) FROM ledger_transfer t
        JOIN vouchers_voucher v ON v.account_id = t.debit_account_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE t.phase = 'post_pending' AND t.business_type = 'redemption'
          AND t.created_at >= %(start)s AND t.created_at < %(end)s GROUP BY r.short_code""",
    "paid_fen": """SELECT r.short_code, SUM(x.approved_fen) FROM vouchers_redemption x
        JOIN vouchers_paymentbatch b ON b.id = x.batch_id
        JOIN vouchers_program p ON p.id = x.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE x.state IN ('paid', 'clawed_back') AND b.paid_on >= %(first)s
          AND b.paid_on < %(next)s GROUP BY r.short_code""",
    "returned_fen": """SELECT r.short_code, SUM(t.amount_fen) FROM ledger_transfer t
        JOIN ledger_account budget ON budget.id = t.credit_account_id AND budget.kind = 'budget'
        JOIN vouchers_voucher v ON v.account_id = t.debit_account_id
        JOIN vouchers_program p ON p.id = v.program_id JOIN accounts_region r ON r.id = p.region_id
        WHERE t.phase = 'posted' AND t.created_at >= %(start)s AND t.created_at < %(end)s
        GROUP BY r.short_code""",
    "clawed_back_fen": """SELECT r.short_code, SUM(t.amount_fen) FROM ledger_transfer t
        JOIN ledger_account paid ON paid.id = t.debit_account_id AND paid.kind = 'paid'
        JOIN ledger_account owed ON owed.id = t.credit_account_id AND owed.kind = 'clawback'
        JOIN vouchers_program p ON CAST(p.id AS VARCHAR(64)) = paid.owner_id
        JOIN accounts_region r ON r.id = p.region_id
        WHERE t.created_at >= %(start)s AND t.created_at < %(end)s GROUP BY r.short_code""",
}


def funnel_by_sql(year: int) -> list[dict]:
    """Every figure of every region, zeros included, in region-code order."""
    ops = connection.ops
    params = {
        "year": year,
        "first": ops.adapt_datefield_value(date(year, 1, 1)),
        "next": ops.adapt_datefield_value(date(year + 1, 1, 1)),
        "start": ops.adapt_datetimefield_value(datetime(year, 1, 1, tzinfo=TZ)),
        "end": ops.adapt_datetimefield_value(datetime(year + 1, 1, 1, tzinfo=TZ)),
    }
    rows = {code: {"issuing_region": code, **dict.fromkeys(FIGURES, 0)} for code in CODES}
    with connection.cursor() as cursor:
        for figure, sql in SQL.items():
            cursor.execute(sql, params)
            for code, value in cursor.fetchall():
                rows[code][figure] = int(value)
    return list(rows.values())


def figures_of(funnel: list[dict]) -> list[dict]:
    return [{key: row[key] for key in ("issuing_region", *FIGURES)} for row in funnel]


@pytest.fixture
def story(year):
    """The reporting year, plus: a second Jiangsu voucher for an enterprise that already has
    one, a Shanghai order left open, a Jiangsu order cancelled a second before the year ends,
    Zhejiang's open order lapsing at the first instant of 2025, a claw-back in each year and
    a Jiangsu program of 2025 whose first voucher is issued at the first instant of 2025."""
    js_enterprise = year.vouchers["js"].enterprise.users.get()
    build.issue_voucher(year.programs["JS"], js_enterprise, 20_000_00,
                        reviewer=year.reviewers["JS"])
    sh_voucher = year.redemptions["sh_zj"].order.voucher
    sh_enterprise = sh_voucher.enterprise.users.get()
    build.place_order(sh_voucher, sh_enterprise, year.institutions["ZJ"].organisation, 3_000_00)
    cancelled = build.place_order(year.vouchers["js"], js_enterprise,
                                  year.institutions["JS"].organisation, 2_000_00)
    orders.order_cancel(actor=js_enterprise, order=cancelled, reason="企业取消",
                        now=datetime(2024, 12, 31, 23, 59, 59, tzinfo=TZ))
    zj_open = year.vouchers["zj"].orders.get(state="placed")
    orders.order_lapse(order=zj_open, now=YEAR_END_2024)
    oversight.redemption_claw_back(actor=year.reviewers["JS"], redemption=year.redemptions["js_sh"],
                                   reason="抽查发现服务未实际提供",
                                   now=datetime(2024, 6, 3, 10, 0, tzinfo=TZ))
    oversight.redemption_claw_back(actor=year.reviewers["ZJ"], redemption=year.redemptions["zj_js"],
                                   reason="发票重复使用",
                                   now=datetime(2025, 1, 2, 10, 0, tzinfo=TZ))
    next_program = build.make_program(
        region_code="JS", actor=year.reviewers["JS"], name="科技创新券（2025）", year=2025,
        budget_fen=2_000_000_00, funded_fen=500_000_00,
        applications_open_at=datetime(2025, 1, 1, tzinfo=TZ),  # a program's dates are its year's
        applications_close_at=datetime(2025, 6, 1, tzinfo=TZ),
        use_by_at=datetime(2025, 12, 1, tzinfo=TZ),
        redemption_deadline_at=datetime(2026, 1, 1, tzinfo=TZ))
    # Applied for and approved at the first instant of 2025: issued in 2025
    application = applications.application_submit(
        actor=js_enterprise, program=next_program, amount_fen=30_000_00, purpose="新产品检测",
        planned_categories=[build.category()], now=YEAR_END_2024)
    applications.application_approve(actor=year.reviewers["JS"], application=application,
                                      now=YEAR_END_2024)
    return year


def test_the_funnel_equals_raw_sql_over_the_tables(story):
    funnel = annual_totals_compute(year=2024, region=None)["funnel"]

    assert figures_of(funnel) == funnel_by_sql(2024)


def test_the_funnel_figures_of_2024_by_hand(story):
    funnel = {row["issuing_region"]: row for row in
              annual_totals_compute(year=2024, region=None)["funnel"]}

    assert [row["issuing_region_name"] for row in funnel.values()] == [
        "上海市", "江苏省", "浙江省", "安徽省"]
    assert funnel["JS"] == {
        "issuing_region": "JS", "issuing_region_name": "江苏省",
        "budget_fen": 1_000_000_00,  # the 2025 program is not 2024's budget
        "issued_fen": 100_000_00 + 50_000_00 + 20_000_00, "vouchers_issued": 3,
        "enterprises_claimed": 2,  # two vouchers, one enterprise
        "held_fen": 0,  # the order cancelled at 23:59:59 released its hold in 2024
        "service_fen": 10_000_00 + 6_000_01 + 8_000_00,
        "voucher_used_fen": 5_000_00 + 3_000_00 + 4_000_00,  # 6,000.01 × 50 % rounds down
        "redeemed_fen": 5_000_00 + 3_000_00 + 3_000_00,
        "paid_fen": 5_000_00 + 3_000_00 + 3_000_00,  # a claw-back does not undo "paid"
        "returned_fen": 50_000_00 - 3_000_00,  # the partly approved voucher's rest, at expiry
        "clawed_back_fen": 5_000_00,
    }
    assert funnel["SH"]["held_fen"] == 1_500_00  # the open order's 50 %
    assert funnel["SH"]["paid_fen"] == 0  # approved, not yet paid
    # Zhejiang's order lapsed at 2025-01-01 00:00 Shanghai time: still held at the year's end
    assert funnel["ZJ"]["held_fen"] == 2_000_00
    assert funnel["ZJ"]["returned_fen"] == 60_000_00 - 10_000_00 - 2_000_00
    assert funnel["ZJ"]["clawed_back_fen"] == 0  # clawed back in 2025
    assert funnel["AH"] == {"issuing_region": "AH", "issuing_region_name": "安徽省",
                            **dict.fromkeys(FIGURES, 0)}


def test_the_next_year_has_its_own_flows_and_the_holds_still_open(story):
    funnel = annual_totals_compute(year=2025, region=None)["funnel"]

    assert figures_of(funnel) == funnel_by_sql(2025)
    by_code = {row["issuing_region"]: row for row in funnel}
    assert by_code["JS"]["budget_fen"] == 2_000_000_00
    assert (by_code["JS"]["issued_fen"], by_code["JS"]["vouchers_issued"],
            by_code["JS"]["enterprises_claimed"]) == (30_000_00, 1, 1)
    assert by_code["SH"]["held_fen"] == 1_500_00  # a stock: still open at the end of 2025
    assert by_code["ZJ"]["held_fen"] == 0
    assert by_code["ZJ"]["returned_fen"] == 2_000_00  # the lapsed hold, on 2025-01-01
    assert by_code["ZJ"]["clawed_back_fen"] == 10_000_00


@pytest.mark.parametrize("code", ["JS", "ZJ"])
def test_a_regions_run_has_its_own_row_as_issuer(story, code):
    region = Region.objects.get(short_code=code)
    everyone = {row["issuing_region"]: row for row in
                annual_totals_compute(year=2024, region=None)["funnel"]}

    funnel = annual_totals_compute(year=2024, region=region)["funnel"]

    # Jiangsu served Zhejiang's order, but that money is Zhejiang's: one row, the issuer's
    assert funnel == [everyone[code]]


def test_the_funnel_is_all_zeros_in_a_year_without_business(story):
    funnel = annual_totals_compute(year=2023, region=None)["funnel"]

    assert figures_of(funnel) == funnel_by_sql(2023)
    assert all(row[figure] == 0 for row in funnel for figure in FIGURES)
