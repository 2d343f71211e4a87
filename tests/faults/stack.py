"""The fault tests' stack: the private servers, the processes started on them, and reads of
the report run's row (tests/faults/test_report_runs.py, test_task_queues.py)."""

from __future__ import annotations

from pathlib import Path

from tests.faults.servers import (
    PrivatePostgres,
    PrivateRedis,
    Process,
    celery_worker,
    manage,
    stack_environment,
    wait_until,
)

FAULTS_DATABASE = "vouchers_faults"  # on the private cluster (conftest.py)

SHORT_LEASES = {
    "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
    "REPORT_RUN_LEASE_SECONDS": "3",
    "REPORT_RUN_SWEEP_SECONDS": "1",
    "REPORT_RUN_REDISPATCH_SECONDS": "3",
}
REQUEST = """
import time
from django.utils import timezone
from reporting.services import runs
started = time.monotonic()
run = runs.report_request(actor=None, kind="annual_totals", region=None,
                          parameters={"year": YEAR}, now=timezone.now())
print(run.pk, run.status, round(time.monotonic() - started, 2))
"""


class Stack:
    """The private servers, the processes started on them, and reads of the run's row."""

    def __init__(self, postgres: PrivatePostgres, redis: PrivateRedis, var_dir: Path,
                 database_url: str) -> None:
        self.postgres, self.redis, self.var_dir = postgres, redis, var_dir
        self.database_url = database_url
        self.processes: list[Process] = []

    def env(self, **extra: str) -> dict[str, str]:
        return stack_environment(database_url=self.database_url, redis=self.redis,
                                 var_dir=self.var_dir, **SHORT_LEASES, **extra)

    def worker(self, name: str, *, beat: bool = True, **extra: str) -> Process:
        process = celery_worker(env=self.env(**extra), log=self.var_dir / f"{name}.log",
                                beat=beat)
        self.processes.append(process)
        return process

    def request(self, year: int = 2025) -> tuple[int, str, float]:
        """Ask for a year's totals in a fresh process: (run id, status, seconds taken)."""
        code = REQUEST.replace("YEAR", str(year))
        run_id, status, seconds = manage("shell", "-c", code, env=self.env()).split()[-3:]
        return int(run_id), status, float(seconds)

    def sql(self, query: str) -> str:
        return self.postgres.psql(query, database=FAULTS_DATABASE)

    def column(self, run_id: int, expression: str) -> str:
        """One value of the run's row; ids are integers and expressions fixed in this file."""
        return self.sql(f"SELECT {expression} FROM reporting_reportrun WHERE id = {run_id:d}")  # noqa: S608

    def run(self, run_id: int) -> tuple[str, int]:
        status, attempts = self.column(run_id, "status, attempts").split("|")
        return status, int(attempts)

    def audit_count(self, run_id: int, action: str) -> int:
        query = ("SELECT count(*) FROM accounts_auditentry"  # noqa: S608 - fixed actions
                 f" WHERE object_type = 'reporting.reportrun' AND object_id = '{run_id:d}'"
                 f" AND action = '{action}'")
        return int(self.sql(query))

    def file_count(self, run_id: int) -> int:
        return int(self.column(run_id, "(SELECT count(*) FROM reporting_reportfile f"
                                       " WHERE f.run_id = reporting_reportrun.id)"))

    def wait_for_status(self, run_id: int, status: str, *, timeout: float) -> None:
        try:
            wait_until(lambda: self.run(run_id)[0] == status, timeout=timeout,
                       what=f"run {run_id} {status}")
        except AssertionError as error:
            raise AssertionError(f"{error}; now {self.run(run_id)}\n{self.logs()}") from None

    def logs(self) -> str:
        return "\n".join(f"--- {p.log.name}\n{p.output()[-1500:]}" for p in self.processes)
