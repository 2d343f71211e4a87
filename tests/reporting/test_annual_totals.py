"""Annual totals equal independent sums over the ledger's journal, to the fen."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.db.models import Sum

from accounts.models import Region
from devtools.factories.vouchers import TZ
from reporting.selectors import (
    annual_breakdown,
    annual_figures_grouping_sets,
    annual_figures_portable,
    annual_headline,
)
from reporting.services.annual_totals import annual_totals_compute
from vouchers.ledger.models import Account, Transfer
from vouchers.models import Delivery, Redemption, ServiceOrder

START, END = datetime(2024, 1, 1, tzinfo=TZ), datetime(2025, 1, 1, tzinfo=TZ)


def journal(**filters) -> int:
    transfers = Transfer.objects.filter(created_at__gte=START, created_at__lt=END, **filters)
    return transfers.aggregate(total=Sum("amount_fen"))["total"] or 0


def delivered_orders():
    ids = Delivery.objects.filter(state="confirmed").values_list("order_id", flat=True)
    return ServiceOrder.objects.filter(pk__in=ids)


def test_headline_figures_equal_the_ledger_to_the_fen(year):
    headline = annual_headline(year=2024, region=None)

    holds = [f"order-hold:{order.pk}" for order in delivered_orders()]
    assert headline == {
        "service_fen": sum(order.total_fee_fen for order in delivered_orders()),
        "voucher_used_fen": journal(idempotency_key__in=holds, phase="pending"),
        "redeemed_fen": journal(phase="post_pending", business_type="redemption"),
        "paid_fen": journal(debit_account__kind=Account.Kind.PAYABLE,
                            credit_account__kind=Account.Kind.PAID),
        "returned_fen": journal(debit_account__kind=Account.Kind.VOUCHER,
                                credit_account__kind=Account.Kind.BUDGET),
        "orders": 5, "enterprises": 4, "institutions": 3,
    }
    assert headline["service_fen"] == 10_000_00 + 6_000_01 + 8_000_00 + 12_000_00 + 20_000_00
    assert headline["redeemed_fen"] == 5_000_00 + 3_000_00 + 3_000_00 + 6_000_00 + 10_000_00
    assert headline["paid_fen"] == 5_000_00 + 3_000_00 + 3_000_00 + 10_000_00


def test_flow_matrix_cells_equal_the_ledger_per_region_pair(year):
    cells = {(row["issuing_region"], row["serving_region"]): row
             for row in annual_totals_compute(year=2024, region=None)["by_flow"]}

    assert len(cells) == 16
    for (issuing, serving), cell in cells.items():
        redemptions = Redemption.objects.filter(
            program__region__short_code=issuing,
            order__institution__region__short_code=serving,
        )
        keys = [f"redemption-approve:{pk}" for pk in redemptions.values_list("pk", flat=True)]
        assert cell["redeemed_fen"] == journal(idempotency_key__in=keys), (issuing, serving)
        paid_keys = [f"settlement-pay:{pk}" for pk in redemptions.values_list("pk", flat=True)]
        assert cell["paid_fen"] == journal(idempotency_key__in=paid_keys), (issuing, serving)
    assert cells[("JS", "SH")]["service_fen"] == 16_000_01
    assert cells[("JS", "SH")]["orders"] == 2
    assert cells[("SH", "ZJ")]["paid_fen"] == 0
    assert cells[("ZJ", "JS")]["voucher_used_fen"] == 10_000_00
    assert cells[("AH", "AH")]["orders"] == 0


def test_breakdowns_add_up_to_the_headline(year):
    headline = annual_headline(year=2024, region=None)
    for dims in (("category",), ("city",), ("month",)):
        rows = annual_breakdown(year=2024, region=None, dims=dims)
        for figure in ("service_fen", "voucher_used_fen", "redeemed_fen", "paid_fen", "orders"):
            assert sum(row[figure] for row in rows) == headline[figure], (dims, figure)
    months = {row["month"]: row for row in annual_breakdown(year=2024, region=None,
                                                            dims=("month",))}
    assert months[3]["redeemed_fen"] == headline["redeemed_fen"]
    assert months[4]["paid_fen"] == headline["paid_fen"]
    assert months[12]["returned_fen"] == headline["returned_fen"]
    category = {row["category"]: row for row in annual_breakdown(year=2024, region=None,
                                                                  dims=("category",))}
    assert category["consulting"]["service_fen"] == 6_000_01


def test_a_region_sees_its_business_as_issuer_and_as_server(year, region):
    headline = annual_headline(year=2024, region=region)

    # Jiangsu issued three orders and served Zhejiang's one; SH→ZJ is not its business.
    assert headline["orders"] == 4
    assert headline["service_fen"] == 10_000_00 + 6_000_01 + 8_000_00 + 20_000_00
    # Returned money is the issuer's alone: Jiangsu's vouchers only.
    assert headline["returned_fen"] == journal(
        debit_account__kind=Account.Kind.VOUCHER, credit_account__kind=Account.Kind.BUDGET,
        debit_account__owner_id__startswith="JS-",
    )
    assert headline["returned_fen"] > 0


def test_another_year_is_empty(year):
    assert annual_headline(year=2023, region=None)["service_fen"] == 0


def test_the_query_count_does_not_grow_with_the_rows(year, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        annual_totals_compute(year=2024, region=None)


def test_distinct_counts_count_each_enterprise_and_institution_once_per_row(year):
    # Given a Jiangsu enterprise with two orders (testing, consulting) at one Shanghai
    # institution, all five deliveries in February
    result = annual_totals_compute(year=2024, region=None)

    def counts(rows, *dims):
        return {tuple(row[d] for d in dims): (row["orders"], row["enterprises"],
                                              row["institutions"]) for row in rows}

    # Then an enterprise or institution counts once per row, however many orders it has
    assert counts(result["by_flow"], "issuing_region", "serving_region")[("JS", "SH")] == (2, 1, 1)
    assert counts(result["by_category"], "category") == {("consulting",): (1, 1, 1),
                                                         ("testing",): (4, 4, 3)}
    assert counts(result["by_city"], "city") == {("310100",): (1, 1, 1), ("320100",): (3, 2, 2),
                                                 ("330100",): (1, 1, 1)}
    assert counts(result["by_month"], "month") == {(2,): (5, 4, 3), (3,): (0, 0, 0),
                                                   (4,): (0, 0, 0), (12,): (0, 0, 0)}


def test_the_report_reads_each_source_once(year, django_assert_num_queries):
    # Three reference tables, one grouped read per source (deliveries, approvals, payments,
    # returns), the region codes of the flow matrix and the funnel, and the funnel's four
    # grouped reads (budgets, issued vouchers, open holds, claw-backs)
    with django_assert_num_queries(12):
        annual_totals_compute(year=2024, region=None)


@pytest.mark.postgres
@pytest.mark.parametrize(("year_number", "region_code"), [(2024, None), (2024, "JS"),
                                                          (2024, "ZJ"), (2023, None)])
def test_grouping_sets_give_the_portable_result_on_the_same_data(year, year_number,
                                                                 region_code):
    # Given the varied year on PostgreSQL, all regions or one, with business or none
    region = Region.objects.get(short_code=region_code) if region_code else None

    # When both paths compute every figure
    in_database = annual_figures_grouping_sets(year=year_number, region=region)
    portable = annual_figures_portable(year=year_number, region=region)

    # Then they are identical: rows, their order, key order and value types (JSON-ready)
    assert in_database == portable
    assert json.dumps(in_database) == json.dumps(portable)
