"""What a simulated year looks like: each region's program and the mix of behaviours.

Figures are chosen so that at scale 1.0 the year lands near the published 2024 totals of
the Yangtze River Delta vouchers (about 300 million CNY of services, over 95 million CNY
redeemed, more than 6,000 enterprises); budgets and counts are multiplied by `scale`.
Checked on PostgreSQL with `simulate_year --year 2024 --scale 1.0 --seed 2024`: services
304.4 million CNY, redeemed 100.4 million CNY, 6,000 enterprises registered of which 5,331
had a voucher approved and 5,193 a service delivered in the year (the published 6,000 count
enterprises since 2021, not in one year). Smaller scales land a few per cent higher.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
YUAN = 100


@dataclass(frozen=True)
class RegionPlan:
    """One region's program for the year and its share of the parties."""

    short_code: str
    enterprise_share: float
    institution_share: float
    budget_yuan: int
    payee_mode: str  # "institution" (通兑) or "enterprise" (通用)
    cap_yuan: int
    ratio_bp: int
    other_region_ratio_bp: int | None = None
    small_order_threshold_yuan: int | None = None
    per_claim_max_yuan: int | None = None
    category_ratios: dict[str, int] = field(default_factory=dict)
    excluded_categories: tuple[str, ...] = ()
    opens: tuple[int, int] = (2, 1)  # month, day
    closes: tuple[int, int] = (6, 30)
    use_by: tuple[int, int] = (11, 1)
    redemption_deadline: tuple[int, int] = (12, 10)
    pay_months: tuple[int, ...] = tuple(range(1, 13))  # month ends with a payment run


REGIONS = (
    RegionPlan(
        "SH",
        0.30,
        0.32,
        40_000_000,
        "institution",
        300_000,
        5000,
        other_region_ratio_bp=4000,
        category_ratios={"instruments": 6000},
        opens=(2, 1),
        closes=(6, 30),
    ),
    RegionPlan(
        "JS",
        0.30,
        0.30,
        37_000_000,
        "institution",
        200_000,
        5000,
        small_order_threshold_yuan=2_000,
        excluded_categories=("pilot",),
        opens=(3, 1),
        closes=(5, 31),
        pay_months=(3, 6, 9, 12),
    ),
    RegionPlan(
        "ZJ",
        0.28,
        0.27,
        32_500_000,
        "institution",
        100_000,
        5000,
        per_claim_max_yuan=100_000,
        opens=(2, 15),
        closes=(7, 31),
    ),
    RegionPlan(
        "AH",
        0.12,
        0.11,
        10_500_000,
        "enterprise",
        100_000,
        4000,
        other_region_ratio_bp=3000,
        opens=(3, 1),
        closes=(6, 30),
        use_by=(10, 31),
        pay_months=(3, 6, 9, 12),
    ),
)

# Behaviour mix (probabilities) of the simulated parties and reviewers.
APPLY_RATE = 0.97
APPLICATION_REJECT_RATE = 0.05
APPLICATION_REDUCE_RATE = 0.12
ORDERS_PER_VOUCHER = ((1, 0.40), (2, 0.35), (3, 0.25))
OFF_DIAGONAL_RATE = 0.40  # orders from an institution of another region
ORDER_CANCEL_RATE = 0.04
DISPUTE_RATE = 0.05
REDEMPTION_REJECT_RATE = 0.05
REDEMPTION_REDUCE_RATE = 0.10
# An order's fee against what the voucher could still pay at its ratio: above 1 the
# portion is capped by the balance and the enterprise pays more than its share.
FEE_FACTOR = (0.9, 2.25)
APPLICATION_MEDIAN_YUAN = 19_000
EVIDENCE_KINDS = ("contract", "invoice", "payment_proof", "report")


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime.combine(date(year, month, day), time(hour), tzinfo=SHANGHAI)


def days(value: float) -> timedelta:
    return timedelta(days=value)
