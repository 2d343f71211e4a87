"""Benchmark 2: `annual_totals_compute` against a hand-written GROUP BY over the same tables.

Data: one varied year through the real services (`bench/year_seed.py`), copied in SQL up to
1 M and then 10 M ledger transfers (`bench/annual_totals_data.py` documents the shortcut). The
service (all regions) and the floor (`bench/annual_totals_floor.py`) each run a few times, best
time kept; the bench fails unless both give the same figures.
"""

from __future__ import annotations

import math
import time

from bench.annual_totals_data import clone_template_parties, clone_year, template_of
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
SIZES = (1_000_000, 10_000_000)
SMOKE_SIZES = (3_000,)
# Best of 3 runs; at 10 M of 2 (each run of both takes about a minute there).
REPEATS = {10_000_000: 2}


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


def _best(repeats: int, function, *args, **kwargs) -> tuple[float, object]:
    times, value = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        value = function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return min(times), value


def _split() -> tuple[int, float, float]:
    """One run of the portable path (SQLite's; the service's on PostgreSQL before GROUPING
    SETS) in two halves: the grouped rows its four queries ship to Python, the seconds to
    read them and the seconds to roll them up."""
    from reporting import selectors

    started = time.perf_counter()
    sources = selectors.annual_sources(year=YEAR, region=None)
    read = time.perf_counter() - started
    selectors.annual_headline_of(sources)
    for dims in selectors.BREAKDOWNS.values():
        selectors.annual_rollup(sources, dims)
    return sum(len(source.rows) for source in sources), read, time.perf_counter() - started - read


def _measure(transfers: int, built: float, repeats: int) -> tuple[list[object], dict[str, int]]:
    """One row of the table: the sizes, both timings and their ratio; raises unless the
    service's figures equal the floor's."""
    from reporting.selectors import year_bounds
    from reporting.services.annual_totals import annual_totals_compute
    from vouchers.models import Delivery, Redemption, ServiceOrder

    first, next_first, start, end = year_bounds(YEAR)
    bounds = {"first": first, "next": next_first, "start": start, "end": end}
    service_seconds, result = _best(repeats, annual_totals_compute, year=YEAR, region=None)
    floor_seconds, floor = _best(repeats, floor_totals, bounds=bounds)
    service, expected = _normalised(_service_totals(result)), _normalised(floor)
    if service != expected:
        raise AssertionError(f"annual totals differ from the floor:\n{service}\n{expected}")
    grouped, read, rollup = _split()
    row = [
        f"{transfers:,}",
        f"{ServiceOrder.objects.count():,}",
        f"{Delivery.objects.count():,}",
        f"{Redemption.objects.count():,}",
        built,
        repeats,
        service_seconds,
        floor_seconds,
        service_seconds / floor_seconds,
        f"{grouped:,}",
        read,
        rollup,
    ]
    return row, service["headline"][()]


def run(*, smoke: bool) -> list[Table]:
    from bench.year_seed import build_year
    from vouchers.ledger.models import Transfer

    started = time.monotonic()
    build_year()
    template = template_of()
    clone_template_parties(template)
    per_year = Transfer.objects.count()
    rows, headlines, copied = [], [], 0
    for target in SMOKE_SIZES if smoke else SIZES:
        copies = max(0, math.ceil(target / per_year) - 1)
        clone_year(template, first=copied + 1, last=copies)
        copied = copies
        row, headline = _measure(
            Transfer.objects.count(), time.monotonic() - started, REPEATS.get(target, 3)
        )
        rows.append(row)
        headlines.append(headline)
        started = time.monotonic()
    table = Table(
        "Annual totals (annual_totals_compute vs hand-written GROUP BY GROUPING SETS)",
        [
            "transfers",
            "orders",
            "deliveries",
            "redemptions",
            "built s",
            "runs",
            "service s",
            "floor s",
            "ratio",
            "grouped rows",
            "read s",
            "roll-up s",
        ],
        rows,
    )
    figures = "; ".join(
        f"{row[0]} transfers: service {h['service_fen']:,} fen, redeemed {h['redeemed_fen']:,} "
        f"fen, returned {h['returned_fen']:,} fen"
        for row, h in zip(rows, headlines, strict=True)
    )
    enterprise, institution = template.parties
    parties = (
        f"{len(enterprise.originals) * enterprise.per_party:,} enterprises, "
        f"{len(institution.originals) * institution.per_party:,} institutions"
    )
    table.notes = [
        f"Year {YEAR}, all regions; best of `runs` runs each; the figures of both agree exactly "
        f"({figures}).",
        "Data: `bench/year_seed.build_year()` through the real services, then its orders, "
        "deliveries, redemptions and transfers copied in SQL with suffixed unique keys and "
        "dates shifted by k % 9 months (`bench/annual_totals_data.py`: copy k's ids are "
        "id + k × stride, secondary indexes rebuilt after the copies, no per-row foreign-key "
        "triggers, row counts checked, VACUUM ANALYZE). `built s` is the time to reach the "
        "row's size from the previous row's (the first row includes the services' template).",
        f"Cardinality: copy k's orders and redemptions name clone k % n of their template "
        f"enterprise, institution and payee ({parties}; `bench/annual_totals_parties.py`). "
        "`grouped rows`: the rows the portable path's four grouped queries ship to Python "
        "(`annual_figures_portable`, SQLite's path; on PostgreSQL the service uses one "
        "GROUPING SETS query per source instead), from one run of it split into `read s` "
        "(the queries) and `roll-up s` (Python).",
        "Floor: four queries (deliveries, approvals, payments, returns), each grouped by every "
        "breakdown at once with GROUPING SETS (`bench/annual_totals_floor.py`). Goal: ratio "
        "<= 1.5.",
    ]
    return [table]
