"""Private servers and processes for fault injection: never the shared ones on 5432/6379.

`PrivateRedis` is a `redis-server` on a spare port; `PrivatePostgres` a cluster made with
`pg_createcluster` on a spare port and dropped afterwards; `Process` a worker, beat or web
server started as a real subprocess, so that a test can SIGKILL it. Every test here may stop
and start these freely; the session's Django test database on the shared server is untouched.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    predicate: Callable[[], T], *, timeout: float, interval: float = 0.2, what: str = ""
) -> T:
    """The first truthy value of `predicate` within `timeout` seconds; exceptions count as
    not yet."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except Exception as error:
            last_error = error
        else:
            if value:
                return value
        time.sleep(interval)
    raise AssertionError(f"not within {timeout:.0f} s: {what or predicate!r} ({last_error!r})")


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class PrivateRedis:
    """A throwaway Redis without persistence; `stop()` and `start()` keep its port."""

    def __init__(self) -> None:
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _port_open(self.port), timeout=10, what="redis up")

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None
        wait_until(lambda: not _port_open(self.port), timeout=10, what="redis down")

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None


class PrivatePostgres:
    """A private PostgreSQL cluster (Debian's pg_createcluster), trust auth on 127.0.0.1."""

    def __init__(self) -> None:
        self.port = free_port()
        self.version = sorted(os.listdir("/etc/postgresql"), key=lambda v: int(v))[-1]
        self.name = f"faults_{self.port}"

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def create(self, settings: Mapping[str, str] | None = None) -> None:
        """Create and start the cluster; `settings` (postgresql.conf names and values, such as
        archive_mode) are written into its configuration before the first start."""
        options = [f"--pgoption={name}={value}" for name, value in (settings or {}).items()]
        subprocess.run(
            ["pg_createcluster", self.version, self.name, "-p", str(self.port), *options,
             "--start", "--", "--auth=trust"],
            check=True, capture_output=True,
        )
        wait_until(self._ready, timeout=30, what="private PostgreSQL up")

    def _ready(self) -> bool:
        return subprocess.run(
            ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)], check=False
        ).returncode == 0

    @property
    def running(self) -> bool:
        return self._ready()

    def psql(self, sql: str, database: str = "postgres", user: str = "postgres") -> str:
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", user, "-d", database,
             "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            check=True, capture_output=True, text=True,
        )
        return result.stdout.strip()

    def stop(self) -> None:
        """Fast shutdown: running sessions are cut off, as in a crash or failover."""
        subprocess.run(["pg_ctlcluster", self.version, self.name, "stop", "-m", "fast"],
                       check=True, capture_output=True)

    def start(self) -> None:
        subprocess.run(["pg_ctlcluster", self.version, self.name, "start"],
                       check=True, capture_output=True)
        wait_until(self._ready, timeout=30, what="private PostgreSQL back")

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", self.version, self.name],
                       check=False, capture_output=True)


class PrivateReplica(PrivatePostgres):
    """A hot standby of `primary`: a cluster of its own (configuration, port) whose data
    directory is replaced by a base backup of the primary (`pg_basebackup -R`), so it
    streams and replays the primary's WAL."""

    def __init__(self, primary: PrivatePostgres) -> None:
        super().__init__()
        self.primary = primary

    def create(self, settings: Mapping[str, str] | None = None) -> None:
        super().create(settings)
        data = Path(self.psql("SHOW data_directory"))
        self.stop()
        for entry in data.iterdir():  # emptied, not removed: its parent belongs to root
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", "pg_basebackup", "-h", "127.0.0.1",
             "-p", str(self.primary.port), "-U", "postgres", "-D", str(data), "-R",
             "-X", "stream", "-c", "fast"],
            check=True, capture_output=True,
        )
        self.start()

    def caught_up(self) -> bool:
        """Whether the replica has replayed everything the primary has written so far."""
        target = self.primary.psql("SELECT pg_current_wal_lsn()")
        return self.psql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t"


def ensure_debian_package(program: str, package: str) -> str:
    """The path of `program`, installing Debian's `package` first if needed (as .ci/run)."""
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin")
    if found is None:
        environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "RUNLEVEL": "1"}
        # A fresh machine may have no package lists yet: then once more after an update.
        for command in (["apt-get", "install", "-y", "-qq", package], ["apt-get", "update", "-qq"],
                        ["apt-get", "install", "-y", "-qq", package]):
            installed = subprocess.run(command, env=environment, capture_output=True, check=False)
            found = shutil.which(program) or shutil.which(program, path="/usr/sbin")
            if found is not None:
                break
        if found is None:
            raise AssertionError(f"{program} is missing and `apt-get install {package}` failed: "
                                 f"{installed.stderr.decode(errors='replace')[-500:]}")
    return found


class PgBouncer:
    """PgBouncer in transaction mode on a spare port in front of a server on 127.0.0.1.

    Trust authentication, as the private clusters; few server connections, so that clients
    really share them. It runs as the postgres user (PgBouncer refuses root), from a folder
    of its own."""

    def __init__(self, *, server_port: int, pool_size: int = 4) -> None:
        self.port = free_port()
        self.server_port = server_port
        self.pool_size = pool_size
        self.folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database: str, user: str = "postgres") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        program = ensure_debian_package("pgbouncer", "pgbouncer")
        (self.folder / "users.txt").write_text('"postgres" ""\n')
        ini = self.folder / "pgbouncer.ini"
        ini.write_text(
            f"[databases]\n* = host=127.0.0.1 port={self.server_port}\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\n"
            f"unix_socket_dir =\nauth_type = trust\nauth_file = {self.folder}/users.txt\n"
            f"pool_mode = transaction\ndefault_pool_size = {self.pool_size}\n"
            "max_client_conn = 500\nquery_wait_timeout = 60\nadmin_users = postgres\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            f"logfile = {self.folder}/pgbouncer.log\n"
        )
        shutil.chown(self.folder, "postgres")
        for path in self.folder.iterdir():
            shutil.chown(path, "postgres")
        self._process = subprocess.Popen(
            [program, "-u", "postgres", str(ini)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _port_open(self.port), timeout=15, what="pgbouncer listening")

    def show(self, what: str) -> list[dict[str, str]]:
        """A SHOW command of the admin console (SHOW POOLS, SHOW STATS), as rows by column."""
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d",
             "pgbouncer", "-F", "\t", "-Ac", f"SHOW {what}"],
            check=True, capture_output=True, text=True,
        )
        header, *rows = [line.split("\t") for line in result.stdout.splitlines()[:-1]]
        return [dict(zip(header, row, strict=True)) for row in rows]

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=15)
            self._process = None
        shutil.rmtree(self.folder, ignore_errors=True)


class Process:
    """A project process (worker, beat, web server, manage.py command) as a subprocess."""

    def __init__(self, argv: list[str], *, env: Mapping[str, str], log: Path) -> None:
        self.log = log
        self._log_file = log.open("ab")
        self.popen = subprocess.Popen(
            argv, cwd=ROOT, env=dict(env), stdout=self._log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (a prefork worker's children too)."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, sig)
        self.popen.wait(timeout=30)
        self._log_file.close()

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        if not self._log_file.closed:  # closed once the process was killed
            self._log_file.flush()
        return self.log.read_text(errors="replace")[-4000:]


def stack_environment(
    *, database_url: str, redis: PrivateRedis, var_dir: Path, **extra: str
) -> dict[str, str]:
    """The environment of a worker or web process on the private servers."""
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "PYTEST", "DJANGO_"))
    }
    environment.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis.url(0),
        "CELERY_RESULT_BACKEND": redis.url(1),
        "CACHE_URL": f"rediscache://127.0.0.1:{redis.port}/2",
        "VOUCHERS_VAR_DIR": str(var_dir),
        "DJANGO_MEDIA_ROOT": str(var_dir / "media"),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": str(ROOT),  # this checkout's code, whatever the virtualenv points at
    })
    environment.update(extra)
    return environment


def manage(*args: str, env: Mapping[str, str], timeout: float = 300) -> str:
    """Run a manage.py command to completion; its output, or an assertion with its log."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=dict(env), capture_output=True,
        text=True, timeout=timeout, check=False,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr[-3000:]}"
    return result.stdout


def celery_worker(*, env: Mapping[str, str], log: Path, beat: bool = False) -> Process:
    argv = [str(BIN / "celery"), "-A", "config", "worker", "--loglevel=INFO",
            "--concurrency=1", "--without-gossip", "--without-mingle"]
    if beat:
        argv += ["--beat", "--schedule", str(Path(env["VOUCHERS_VAR_DIR"]) / "beat-schedule")]
    return Process(argv, env=env, log=log)


def unit_worker(queue: str, *, env: Mapping[str, str], log: Path) -> Process:
    """The worker of one queue, started with its systemd unit's own ExecStart arguments
    (deploy/systemd/vouchers-worker-<queue>.service), this virtualenv's celery and host `test`."""
    unit = ROOT / "deploy" / "systemd" / f"vouchers-worker-{queue}.service"
    (line,) = (each for each in unit.read_text().splitlines() if each.startswith("ExecStart="))
    program, *arguments = line.removeprefix("ExecStart=").replace("%H", "test").split()
    assert program.endswith("/bin/celery"), line
    return Process([str(BIN / "celery"), *arguments], env=env, log=log)


def web_server(*, env: Mapping[str, str], log: Path, port: int, workers: int = 2) -> Process:
    process = Process(
        [str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--timeout", "60"],
        env=env, log=log,
    )
    wait_until(lambda: _port_open(port), timeout=30, what="gunicorn listening")
    return process
