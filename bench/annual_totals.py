"""Benchmark 2: `annual_totals_compute` against a hand-written GROUP BY over the same tables.

Data: one varied year through the real services, cloned in SQL up to N ledger transfers
(`bench/annual_totals_data.py` documents the shortcut). The service (all regions) and the
floor (`bench/annual_totals_floor.py`) each run a few times, best time kept; the bench fails
unless both give the same figures.
"""

from __future__ import annotations

import math
import time

from bench.annual_totals_data import clone_year, template_transfer_count
from bench.annual_totals_floor import SETS, floor_totals
from bench.common import Table

YEAR = 2024
FIGURES = (
    "service_fen",
    "voucher_used_fen",
    "redeemed_fen",
    "paid_fen",
    "returned_fen",
    "orders",
    "enterprises",
    "institutions",
)
REPEATS = 3


def _service_totals(result: dict) -> dict[str, dict[tuple, dict[str, int]]]:
    """The service's output keyed like the floor's, empty rows dropped."""
    keyed = {"headline": {(): {f: int(result["headline"][f] or 0) for f in FIGURES}}}
    for name, dims in SETS.items():
        if name != "headline":
            keyed[name] = {
                tuple(row[d] for d in dims): {f: int(row[f] or 0) for f in FIGURES}
                for row in result[name]
            }
    return keyed


def _normalised(totals: dict) -> dict:
    return {
        name: {
            key: {f: figures.get(f, 0) for f in FIGURES}
            for key, figures in rows.items()
            if any(figures.get(f, 0) for f in FIGURES)
        }
        for name, rows in totals.items()
    }


def _best(function, *args, **kwargs) -> tuple[float, object]:
    times, value = [], None
    for _ in range(REPEATS):
        started = time.perf_counter()
        value = function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return min(times), value


def build(transfers: int) -> int:
    """Template year plus SQL copies; returns the transfers in the ledger."""
    from bench.year_seed import build_year
    from vouchers.ledger.models import Transfer

    build_year()
    per_year = template_transfer_count()
    clone_year(max(0, math.ceil(transfers / per_year) - 1))
    return Transfer.objects.count()


def run(*, smoke: bool) -> list[Table]:
    from reporting.selectors import _year_bounds
    from reporting.services.annual_totals import annual_totals_compute
    from vouchers.models import Delivery, Redemption, ServiceOrder

    target = 3_000 if smoke else 1_000_000
    started = time.monotonic()
    transfers = build(target)
    built = time.monotonic() - started
    first, next_first, start, end = _year_bounds(YEAR)
    bounds = {"first": first, "next": next_first, "start": start, "end": end}
    service_seconds, result = _best(annual_totals_compute, year=YEAR, region=None)
    floor_seconds, floor = _best(floor_totals, bounds=bounds)
    service, expected = _normalised(_service_totals(result)), _normalised(floor)
    if service != expected:
        raise AssertionError(f"annual totals differ from the floor:\n{service}\n{expected}")
    headline = service["headline"][()]
    table = Table(
        "Annual totals (annual_totals_compute vs hand-written GROUP BY GROUPING SETS)",
        ["transfers", "orders", "deliveries", "redemptions", "service s", "floor s", "ratio"],
        [
            [
                f"{transfers:,}",
                f"{ServiceOrder.objects.count():,}",
                f"{Delivery.objects.count():,}",
                f"{Redemption.objects.count():,}",
                service_seconds,
                floor_seconds,
                service_seconds / floor_seconds,
            ]
        ],
    )
    table.notes = [
        f"Year {YEAR}, all regions; best of {REPEATS} warm runs each; the figures of both "
        f"agree exactly (headline service {headline['service_fen']:,} fen, redeemed "
        f"{headline['redeemed_fen']:,} fen, returned {headline['returned_fen']:,} fen).",
        "Data: `bench/year_seed.build_year()` through the real services, then its "
        "orders, deliveries, redemptions and transfers copied in SQL with suffixed unique keys "
        f"and dates shifted by k % 9 months (`bench/annual_totals_data.py`); built in "
        f"{built:.0f} s.",
        "Floor: four queries (deliveries, approvals, payments, returns), each grouped by every "
        "breakdown at once with GROUPING SETS (`bench/annual_totals_floor.py`). Goal: ratio "
        "<= 1.5.",
    ]
    return [table]
