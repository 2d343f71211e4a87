"""Running the simulated year's events: in this process, or one worker process per group
of regions (PostgreSQL only).

Each event is still one call of a real service in its own transaction; workers only run
regions side by side, as their authorities, enterprises and institutions would. Regions
touch no common row between two sweeps (the periodic jobs that act on every region), so
before each sweep every worker runs its regions up to the sweep's time and waits for the
others at a barrier; one worker runs the sweep; all go on. The figures are the same for
any number of workers (tests/vouchers/test_simulation.py); the row ids are not.
"""

from __future__ import annotations

import gc
import heapq
import multiprocessing
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from django.db import connection, connections

from devtools.simulation import plan
from devtools.simulation.plan import SHANGHAI
from devtools.simulation.year import Progress, YearSimulation

POLL_SECONDS = 0.25


def commit_without_waiting_for_disk() -> None:
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


def default_workers() -> int:
    """One worker per core, at most one per region, on PostgreSQL; one on SQLite."""
    if connection.vendor != "postgresql":
        return 1
    return max(1, min(len(plan.REGIONS), os.cpu_count() or 1))


def run_events(simulation: YearSimulation, *, workers: int, progress: Progress | None) -> int:
    """Run every scheduled event; returns how many ran. Refusals land in
    `simulation.refusals`."""
    groups = region_groups(simulation, workers)
    # The set-up's objects live until the end: the collector need not scan them again (and
    # forked workers then share their pages instead of copying them).
    gc.freeze()
    try:
        if len(groups) == 1:
            return _run_here(simulation, progress)
        return _run_in_workers(simulation, groups, progress)
    finally:
        gc.unfreeze()


def region_groups(simulation: YearSimulation, workers: int) -> list[set[str]]:
    """At most `workers` groups of regions, the largest regions first into the lightest
    group, so that the groups carry about equal numbers of enterprises."""
    groups: list[tuple[float, set[str]]] = [(0.0, set()) for _ in range(max(1, workers))]
    plans = sorted(
        simulation.plans.values(), key=lambda region: (-region.enterprise_share, region.short_code)
    )
    for region in plans:
        load, regions = min(groups, key=lambda group: group[0])
        groups.remove((load, regions))
        groups.append((load + region.enterprise_share, regions | {region.short_code}))
    return [regions for _, regions in groups if regions]


def _drain(simulation: YearSimulation, until: datetime | None, tick: Callable) -> None:
    """Events before `until` (all of them if None), in time order."""
    queue = simulation.queue
    while queue and (until is None or queue[0].when < until):
        event = heapq.heappop(queue)
        simulation.dispatch(event)
        tick(event.when)


def _run_here(simulation: YearSimulation, progress: Progress | None) -> int:
    processed = 0

    def tick(when: datetime) -> None:
        nonlocal processed
        processed += 1
        if progress is not None:
            progress(processed, when)

    for sweep in sorted(simulation.sweeps):
        _drain(simulation, sweep.when, tick)
        simulation.sweep(sweep)
        tick(sweep.when)
    _drain(simulation, None, tick)
    return processed


def _run_in_workers(
    simulation: YearSimulation, groups: list[set[str]], progress: Progress | None
) -> int:
    context = multiprocessing.get_context("fork")  # the simulation's state is inherited
    barrier = context.Barrier(len(groups))
    counts = context.Array("q", len(groups), lock=False)
    clocks = context.Array("d", len(groups), lock=False)
    results = context.SimpleQueue()
    connections.close_all()  # each worker opens its own connection
    processes = [
        context.Process(
            target=_work,
            args=(simulation, index, regions, barrier, counts, clocks, results),
            daemon=True,
        )
        for index, regions in enumerate(groups)
    ]
    for process in processes:
        process.start()
    reports = _collect(processes, barrier, counts, clocks, results, progress)
    for process in processes:
        process.join()
    errors = [error for _, error in reports.values() if error]
    if errors:
        raise RuntimeError("a simulation worker failed:\n" + "\n".join(errors))
    for refusals, _ in reports.values():
        simulation.refusals.update(refusals)
    simulation.queue.clear()
    return sum(counts)


def _collect(processes, barrier, counts, clocks, results, progress) -> dict:
    """Wait for every worker's report, showing progress; a worker that dies without one
    breaks the barrier so that the others stop too."""
    reports: dict[int, tuple[Counter, str | None]] = {}
    while len(reports) < len(processes):
        while not results.empty():
            index, refusals, error = results.get()
            reports[index] = (refusals, error)
        for index, process in enumerate(processes):
            if process.exitcode is not None and index not in reports and results.empty():
                barrier.abort()
                reports[index] = (Counter(), f"worker {index} exited with {process.exitcode}")
        if progress is not None and all(clocks):
            progress(sum(counts), datetime.fromtimestamp(min(clocks), tz=SHANGHAI))
        time.sleep(POLL_SECONDS)
    return reports


def _work(simulation, index, regions, barrier, counts, clocks, results) -> None:
    """One worker: its regions' events; at each sweep, the barrier (worker 0 sweeps)."""

    def tick(when: datetime) -> None:
        counts[index] += 1
        clocks[index] = when.timestamp()

    try:
        commit_without_waiting_for_disk()
        simulation.queue = [event for event in simulation.queue if event.region in regions]
        heapq.heapify(simulation.queue)
        for sweep in sorted(simulation.sweeps):
            _drain(simulation, sweep.when, tick)
            barrier.wait()
            if index == 0:
                simulation.sweep(sweep)
                tick(sweep.when)
            barrier.wait()
        _drain(simulation, None, tick)
        results.put((index, simulation.refusals, None))
    except BaseException:  # reported to the parent, which raises it
        barrier.abort()
        results.put(
            (index, Counter(), f"worker {index} ({sorted(regions)}):\n{traceback.format_exc()}")
        )
    finally:
        connections.close_all()
