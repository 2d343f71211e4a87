"""`devtools.supervise` (what `make run` keeps its worker alive with): restarts a child that
dies, stops it and itself on SIGTERM, and leaves none of the child's process group behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.faults.servers import wait_until

ROOT = Path(__file__).resolve().parents[2]


def supervise(*command: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "devtools.supervise", *command],  # noqa: S603
                            cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stderr=subprocess.PIPE)


def test_a_child_that_dies_is_started_again(tmp_path):
    # Given a child that records its start and dies at once
    starts = tmp_path / "starts"
    supervisor = supervise("sh", "-c", f"echo start >> {starts}; exit 3")
    # Then it is started again (after 1 s, then 2 s)
    wait_until(lambda: starts.exists() and len(starts.read_text().split()) >= 2, timeout=10,
               what="a second start")
    # When the supervisor is asked to stop, Then it ends without starting the child again
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=15) == 0
    count = len(starts.read_text().split())
    assert b"exited with 3" in supervisor.stderr.read()
    assert count in (2, 3)


def test_stopping_kills_the_child_and_what_it_left_behind(tmp_path):
    # Given a child that ignores SIGTERM and has a grandchild of its own
    pids = tmp_path / "pids"
    supervisor = supervise(
        "sh", "-c", f"trap '' TERM; sleep 300 & echo $$ $! > {pids}; wait")
    child, grandchild = wait_until(lambda: pids.read_text().split(), timeout=10, what="pids")
    # When the supervisor is stopped
    supervisor.send_signal(signal.SIGTERM)
    # Then after the grace period the whole group is gone and the supervisor ends normally
    assert supervisor.wait(timeout=20) == 0
    for pid in (child, grandchild):
        wait_until(lambda pid=pid: not Path(f"/proc/{pid}").exists(), timeout=5,
                   what=f"process {pid} gone")
