"""Pricing rules, on records in memory: the ratio's precedence, the threshold, rounding."""

from __future__ import annotations

import pytest

from accounts.errors import ApplicationError
from accounts.models import Organisation
from vouchers.models import Program, ProgramCategory
from vouchers.pricing import require_voucher_share, voucher_portion, voucher_ratio_bp

JIANGSU, SHANGHAI = 32, 31


def program(**fields) -> Program:
    values = {"ratio_bp": 5000, "same_region_ratio_bp": None, "other_region_ratio_bp": None,
              "small_order_threshold_fen": None}
    return Program(**{**values, **fields})


def parties(institution_region: int = SHANGHAI) -> tuple[Organisation, Organisation]:
    return Organisation(region_id=JIANGSU), Organisation(region_id=institution_region)


@pytest.mark.parametrize(
    ("rule_ratio", "institution_region", "expected"),
    [
        (None, JIANGSU, 6000),  # same region
        (None, SHANGHAI, 4000),  # other region
        (8000, JIANGSU, 8000),  # the category's own ratio wins over the region's
        (8000, SHANGHAI, 8000),
        (0, SHANGHAI, 0),  # a category ratio of 0 is a ratio, not "none"
    ],
)
def test_the_ratio_by_category_then_region(rule_ratio, institution_region, expected):
    enterprise, institution = parties(institution_region)
    rule = ProgramCategory(ratio_bp=rule_ratio)
    chosen = program(same_region_ratio_bp=6000, other_region_ratio_bp=4000)
    assert voucher_ratio_bp(chosen, enterprise, institution, rule) == expected


@pytest.mark.parametrize("institution_region", [JIANGSU, SHANGHAI])
def test_without_region_ratios_the_programs_ratio_applies(institution_region):
    enterprise, institution = parties(institution_region)
    assert voucher_ratio_bp(program(), enterprise, institution, ProgramCategory()) == 5000


def test_a_zero_region_ratio_is_kept_not_replaced_by_the_programs():
    enterprise, institution = parties(JIANGSU)
    chosen = program(same_region_ratio_bp=0)
    assert voucher_ratio_bp(chosen, enterprise, institution, ProgramCategory()) == 0


def test_the_portion_is_the_fee_times_the_ratio_rounded_down():
    enterprise, institution = parties()
    chosen = program(ratio_bp=3333)
    assert voucher_portion(chosen, enterprise, institution, ProgramCategory(), 10_000) == (
        3333, 3333,
    )
    assert voucher_portion(chosen, enterprise, institution, ProgramCategory(), 299) == (3333, 99)


def test_below_the_threshold_the_voucher_pays_the_whole_fee():
    enterprise, institution = parties()
    chosen = program(small_order_threshold_fen=2_000_00)
    rule = ProgramCategory(ratio_bp=8000)
    assert voucher_portion(chosen, enterprise, institution, rule, 1_999_99) == (10_000, 1_999_99)
    assert voucher_portion(chosen, enterprise, institution, rule, 2_000_00) == (8000, 1_600_00)
    assert voucher_portion(chosen, enterprise, institution, rule, 1) == (10_000, 1)


def test_a_threshold_of_zero_pays_nothing_whole():
    enterprise, institution = parties()
    chosen = program(small_order_threshold_fen=0)
    assert voucher_portion(chosen, enterprise, institution, ProgramCategory(), 100) == (5000, 50)


def test_a_share_of_one_fen_is_accepted():
    assert require_voucher_share(1, 1, 10_000) is None


def test_a_share_that_rounds_to_nothing_is_refused_with_the_figures():
    with pytest.raises(ApplicationError) as info:
        require_voucher_share(1, 0, 99_99)
    assert info.value.code == "voucher_share_zero"
    assert str(info.value.message) == (
        "按补贴比例0.01%计算，服务费¥99.99中创新券可支付的金额不足1分，"
        "不能使用创新券支付；请由企业全额自付"
    )
    assert info.value.extra == {"ratio_bp": 1, "total_fee_fen": 99_99}
