"""gunicorn on 127.0.0.1 for the HTTP benchmarks, and wrk with its latency report parsed."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.common import ROOT

WORKERS = 4
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
# The master's process id of each running gunicorn, by base URL (for its CPU time).
_MASTERS: dict[str, int] = {}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(environment: dict[str, str] | None = None):
    """A gunicorn with bench.settings on a free local port; yields its base URL.

    `environment` adds variables (a benchmark's cache, say) to the server's.
    """
    port = _free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "API_WRITE_RATE": "1000000/min",  # the write throttle would cap the bench otherwise
        **(environment or {}),
    }
    gunicorn_bin = str(Path(sys.executable).parent / "gunicorn")
    process = subprocess.Popen(  # noqa: S603 - fixed program, local address
        [
            gunicorn_bin,
            "config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=environment,
    )
    base = f"http://127.0.0.1:{port}"
    _MASTERS[base] = process.pid
    try:
        _wait_until_up(base, process)
        yield base
    finally:
        _MASTERS.pop(base, None)
        process.terminate()
        process.wait(timeout=30)


def server_cpu_seconds(base: str) -> float:
    """User and system CPU seconds used so far by the gunicorn (master and workers) at `base`.

    Workers are the master's children. (Their command lines cannot tell: with setproctitle
    installed, gunicorn rewrites them to "gunicorn: worker [config.wsgi]".)
    """
    master = _MASTERS[base]
    ticks = 0
    for process in Path("/proc").iterdir():
        if not process.name.isdigit():
            continue
        try:
            stat = (process / "stat").read_text()
        except OSError:  # ended meanwhile
            continue
        fields = stat.rsplit(")", 1)[1].split()  # from field 3 (state) on
        if int(process.name) == master or int(fields[1]) == master:  # pid, or ppid
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        try:
            with urllib.request.urlopen(f"{base}/bench/bare/", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    script: Path | None = None,
    environment: dict | None = None,
) -> dict:
    """Run wrk; requests/s, p50 and p99 in ms, and the non-2xx/3xx count."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(  # noqa: S603 - fixed program, local URL
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
        env={**os.environ, **(environment or {})},
    ).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": _latency(out, "50%"),
        "p99": _latency(out, "99%"),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "errors": _errors(out),
    }


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s|m)", out).groups()
    return float(value) * UNITS[unit]


def _errors(out: str) -> int:
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), "
        r"timeout (\d+)",
        out,
    )
    return (int(found.group(1)) if found else 0) + (
        sum(int(n) for n in socket_errors.groups()) if socket_errors else 0
    )
