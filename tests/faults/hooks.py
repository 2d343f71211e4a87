"""Test-only fault hooks, installed by tests/faults/settings.py into a worker process.

`FAULTS_REPORT_PROGRESS` acts at each progress step of an annual-totals run, after the step
has been recorded (the run is claimed and its lease renewed):
- `sleep:<seconds>`: the step takes that long (a slow run, to kill or cut off mid-way);
- `exit`: the process dies on the spot (`os._exit`), as a worker killed by the OOM killer.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

from django.apps import AppConfig


def _act(mode: str) -> Callable[[], None]:
    if mode == "exit":
        return lambda: os._exit(1)
    seconds = float(mode.removeprefix("sleep:"))
    return lambda: time.sleep(seconds)


class FaultHooksConfig(AppConfig):
    name = "tests.faults"
    label = "faults_hooks"

    def ready(self) -> None:
        mode = os.environ.get("FAULTS_REPORT_PROGRESS", "")
        if not mode:
            return
        from reporting.services import runs

        act, compute = _act(mode), runs.annual_totals_compute

        def hooked_compute(*, progress: Callable[[int, int], None] | None = None,
                           **kwargs: Any) -> dict[str, Any]:
            def step(done: int, total: int) -> None:
                if progress is not None:
                    progress(done, total)
                act()

            return compute(progress=step, **kwargs)

        runs.annual_totals_compute = hooked_compute  # type: ignore[assignment]
