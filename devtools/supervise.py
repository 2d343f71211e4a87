"""`python -m devtools.supervise COMMAND…`: run COMMAND and start it again whenever it exits.

What `make run` keeps its Celery worker alive with (production uses systemd's
`Restart=always`, deploy/systemd/). A child that dies soon after starting is restarted after
a growing pause (1 s doubling up to 30 s), so a worker that cannot start does not spin.
SIGTERM or SIGINT to the supervisor stops the child (SIGTERM, then SIGKILL after 10 s) and
ends the supervisor; it never restarts a child it was asked to stop.

The child runs in a process group of its own, and whatever is left of that group when the
child exits is killed: a worker SIGKILLed with `--beat` otherwise leaves its beat process
running beside the next worker's (systemd's KillMode=control-group does the same).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from types import FrameType

STABLE_SECONDS = 10.0  # a child up this long is healthy: the next restart is immediate
MAX_PAUSE_SECONDS = 30.0
STOP_GRACE_SECONDS = 10.0


class Supervisor:
    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.stopping = False
        self.child: subprocess.Popen[bytes] | None = None

    def stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            self.child.terminate()

    def run(self) -> int:
        pause = 0.5
        while not self.stopping:
            started = time.monotonic()
            # The command is the developer's own (the Makefile's), not outside input.
            child = self.child = subprocess.Popen(self.argv, start_new_session=True)  # noqa: S603
            code = self._wait(child)
            with contextlib.suppress(ProcessLookupError):  # the group may be empty already
                os.killpg(child.pid, signal.SIGKILL)
            if self.stopping:
                return 0
            lived = time.monotonic() - started
            pause = 1.0 if lived >= STABLE_SECONDS else min(pause * 2, MAX_PAUSE_SECONDS)
            print(f"supervise: {self.argv[0]} exited with {code} after {lived:.0f} s; "
                  f"restarting in {pause:.0f} s", file=sys.stderr, flush=True)
            deadline = time.monotonic() + pause
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.1)
        return 0

    def _wait(self, child: subprocess.Popen[bytes]) -> int:
        """The child's exit code; once asked to stop, SIGTERM then SIGKILL after a grace."""
        kill_at: float | None = None
        while True:
            try:
                return child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if not self.stopping:
                    continue
                if kill_at is None:  # also covers a signal that came before Popen returned
                    child.terminate()
                    kill_at = time.monotonic() + STOP_GRACE_SECONDS
                elif time.monotonic() > kill_at:
                    child.kill()


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m devtools.supervise COMMAND [ARGUMENT…]", file=sys.stderr)
        return 2
    supervisor = Supervisor(argv)
    signal.signal(signal.SIGTERM, supervisor.stop)
    signal.signal(signal.SIGINT, supervisor.stop)
    return supervisor.run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
