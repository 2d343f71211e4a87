"""A simulated year of vouchers built through the real services (`manage.py simulate_year`)."""

from __future__ import annotations

import time

from django.db import connection

from vouchers.models import Program
from vouchers.simulation.summary import YearSummary, year_summary
from vouchers.simulation.year import Progress, YearSimulation, program_name


def simulate_year(
    *,
    year: int,
    scale: float = 1.0,
    enterprises: int = 6000,
    institutions: int = 3000,
    seed: int = 2024,
    progress: Progress | None = None,
) -> YearSummary:
    """Build the year (refused if it was already simulated) and return its figures."""
    if Program.objects.filter(year=year, name=program_name(year)).exists():
        raise ValueError(f"{year} has already been simulated in this database")
    started = time.monotonic()
    _commit_without_waiting_for_disk()
    simulation = YearSimulation(
        year=year,
        scale=scale,
        enterprises=enterprises,
        institutions=institutions,
        seed=seed,
        progress=progress,
    )
    simulation.run()
    summary = year_summary(
        programs=list(simulation.programs.values()),
        refusals=simulation.refusals,
        registered=simulation.registered(),
    )
    summary.runtime_seconds = round(time.monotonic() - started, 1)
    return summary


def _commit_without_waiting_for_disk() -> None:
    """For this connection only: a commit does not wait for the disk flush.

    Results are the same (each service still commits its own transaction, all or none);
    only a power cut during the run could lose its last commits. Most of a run's time was
    otherwise spent waiting for one flush per service call.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET synchronous_commit TO off")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous = NORMAL")


__all__ = ["YearSummary", "simulate_year"]
