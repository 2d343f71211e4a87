"""Queues by job kind (issue 23): a long report run never delays a money-moving sweep.

The workers are started from their systemd units' own arguments (one per queue, as deployed),
on a private Redis and a private PostgreSQL cluster; the report run is slowed down by the
test-only hook of tests/faults/hooks.py.
"""

from __future__ import annotations

import pytest

from tests.faults.servers import Process, manage, unit_worker
from tests.faults.stack import Stack

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

EXPIRE_NOW = """
import time
from vouchers.tasks import expire_due_vouchers
started = time.monotonic()
expired = expire_due_vouchers.apply_async().get(timeout=30)
print(expired, round(time.monotonic() - started, 2))
"""


def test_an_expiry_runs_at_once_while_the_reports_worker_is_busy_with_a_long_run(stack: Stack):
    # Given each queue's worker, as deployed, and the reports worker busy with a slow run
    workers = {
        queue: unit_worker(queue, env=stack.env(FAULTS_REPORT_PROGRESS="sleep:60"),
                           log=stack.var_dir / f"{queue}.log")
        for queue in ("money", "reports", "notifications")
    }
    stack.processes.extend(workers.values())
    run_id, _, _ = stack.request()
    stack.wait_for_status(run_id, "running", timeout=45)

    # When the money queue's sweep is sent, Then it is done within seconds, by the money worker
    _expired, seconds = manage("shell", "-c", EXPIRE_NOW, env=stack.env()).split()[-2:]
    assert float(seconds) < 10, f"the expiry waited {seconds} s\n{stack.logs()}"
    assert received(workers["money"], "vouchers.tasks.expire_due_vouchers")
    # And the report run is still running on the reports worker, which took nothing else
    assert stack.run(run_id)[0] == "running"
    assert received(workers["reports"], "reporting.tasks.execute_report_run")
    assert not received(workers["reports"], "vouchers.tasks.expire_due_vouchers")
    for queue in ("money", "notifications"):
        assert not received(workers[queue], "reporting.tasks.execute_report_run")


def received(process: Process, task: str) -> bool:
    """Whether the worker's log has a message of `task` (its id in brackets; the start-up
    banner lists every task name without one)."""
    process.output()  # flushes
    return f"{task}[" in process.log.read_text(errors="replace")
