"""Benchmark: not built yet (see docs/benchmarks.md, "Not yet measured")."""

from __future__ import annotations

from bench.common import Table


def run(*, smoke: bool) -> list[Table]:
    # TODO: build this benchmark; the plan is in docs/benchmarks.md.
    return [
        Table("application_window: not built yet", ["status"], [["TODO, see docs/benchmarks.md"]])
    ]
