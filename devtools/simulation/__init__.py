"""A simulated year of vouchers built through the real services (`manage.py simulate_year`)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection

from devtools.simulation.engine import (
    commit_without_waiting_for_disk,
    region_groups,
    run_events,
)
from devtools.simulation.summary import YearSummary, year_summary
from devtools.simulation.year import Progress, YearSimulation, program_name
from vouchers.models import Program


@dataclass
class Timings:
    """Wall-clock seconds of the phases of one run."""

    set_up: float = 0.0
    events: float = 0.0
    summary: float = 0.0
    events_run: int = 0
    workers: int = 1


def simulate_year(
    *,
    year: int,
    scale: float = 1.0,
    enterprises: int = 6000,
    institutions: int = 3000,
    seed: int = 2024,
    workers: int = 1,
    bulk_registration: bool = True,
    progress: Progress | None = None,
    timings: Timings | None = None,
) -> YearSummary:
    """Build the year (refused if it was already simulated) and return its figures.

    `workers` > 1 runs groups of regions in parallel processes (PostgreSQL only): the same
    figures, sooner. `bulk_registration=False` registers the parties one service call at
    a time instead of writing the same rows in bulk (devtools/simulation/bulk.py).
    """
    if Program.objects.filter(year=year, name=program_name(year)).exists():
        raise ValueError(f"{year} has already been simulated in this database")
    if workers > 1 and connection.vendor != "postgresql":
        raise ValueError("parallel workers need PostgreSQL (SQLite has one writer at a time)")
    timings = timings if timings is not None else Timings()
    started = time.monotonic()
    commit_without_waiting_for_disk()
    simulation = YearSimulation(
        year=year,
        scale=scale,
        enterprises=enterprises,
        institutions=institutions,
        seed=seed,
        bulk_registration=bulk_registration,
    )
    simulation.set_up()
    timings.set_up = time.monotonic() - started
    timings.workers = len(region_groups(simulation, workers))
    timings.events_run = run_events(simulation, workers=workers, progress=progress)
    timings.events = time.monotonic() - started - timings.set_up
    summary = year_summary(
        programs=list(simulation.programs.values()),
        refusals=simulation.refusals,
        registered=simulation.registered(),
    )
    summary.runtime_seconds = round(time.monotonic() - started, 1)
    timings.summary = summary.runtime_seconds - timings.set_up - timings.events
    return summary


__all__ = ["Timings", "YearSummary", "simulate_year"]
