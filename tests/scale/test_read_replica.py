"""Step 3 of docs/scaling.md: a streaming replica for the reports (config/db_routers.py).

A private primary cluster and a hot standby made from it with `pg_basebackup -R`, each on a
spare port; the project runs as real processes with DATABASE_URL (the primary) and
DATABASE_REPLICA_URL. Pausing the standby's replay (`pg_wal_replay_pause()`) makes it lag on
purpose, so a read shows where it went: the annual figures see the replica's older state,
reconciliation sees the primary's, and a whole report run writes on the primary.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.faults.servers import (
    PrivatePostgres,
    PrivateRedis,
    PrivateReplica,
    manage,
    stack_environment,
    wait_until,
)

pytestmark = [pytest.mark.scale, pytest.mark.postgres]

DATABASE = "vouchers_replica"
RENAMED = "江苏省（改名后）"
# The names the annual figures label the 4 × 4 flow with: they come from the regions table.
FLOW_NAMES = """
import json
from django.utils import timezone
from reporting.services.annual_totals import annual_totals_compute
result = annual_totals_compute(year=timezone.localdate().year, region=None)
print(json.dumps(sorted({cell["issuing_region_name"] for cell in result["by_flow"]})))
"""
RECONCILE = """
import json
from django.utils import timezone
from accounts.models import Region
from config.db_routers import reading_reports
from reporting.services.reconciliation import reconciliation_findings
region, today = Region.objects.get(short_code="JS"), timezone.localdate()
with reading_reports():  # as inside a report: reconciliation still reads the primary
    findings = reconciliation_findings(region=region, date_from=today, date_to=today,
                                       due_days=30)
print(json.dumps(sorted(finding.subject for finding in findings)))
"""
UNMATCHED_PAYMENT = """
REFERENCE = "LAG-1"
from django.utils import timezone
from accounts.models import Region, User
from reporting.models import TreasuryPayment
TreasuryPayment.objects.create(
    region=Region.objects.get(short_code="JS"), batch_reference="NO-SUCH-BATCH",
    credit_code="91320000MA1XXXXXX0", amount_fen=12345, paid_on=timezone.localdate(),
    bank_reference=REFERENCE, source_name="lag.csv", line_number=1,
    imported_by=User.objects.get(username="operator"), imported_at=timezone.now())
"""
REPORT_RUN = """
import json
from django.utils import timezone
from reporting.models import ReportRun
from reporting.services import runs
now = timezone.now()
run = runs.report_request(actor=None, kind="annual_totals", region=None,
                          parameters={"year": now.year}, now=now, dispatch=False)
run = runs.report_run_execute(run_id=run.pk, now=now)
names = sorted({cell["issuing_region_name"] for cell in run.result["by_flow"]})
print(json.dumps({"status": run.status, "files": run.files.count(), "names": names}))
"""

STREAMED_EXPORT = """
import json
from django.db import connections
from accounts import selectors
from accounts.models import User
from config.db_routers import streaming
entries = selectors.audit_entries_visible_to(actor=User.objects.get(username="operator"))
exported = streaming(entries)  # as the audit trail's CSV download
rows = exported.iterator(chunk_size=5)
first = [next(rows) for _ in range(6)]
with connections[exported.db].cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery(), count(*) FROM pg_cursors")
    standby, cursors = cursor.fetchone()
print(json.dumps({"alias": exported.db, "standby": standby, "cursors": cursors,
                  "streamed": len(first) + sum(1 for _ in rows), "total": entries.count()}))
"""


@dataclass
class Servers:
    primary: PrivatePostgres
    replica: PrivateReplica
    environment: dict[str, str]

    def run(self, script: str, *, replica: bool = True) -> object:
        """The JSON a script prints, run as a project process (with or without the replica)."""
        environment = dict(self.environment)
        if not replica:
            del environment["DATABASE_REPLICA_URL"]
        output = manage("shell", "--no-imports", "-c", script, env=environment)
        return json.loads(output.strip().splitlines()[-1]) if output.strip() else None

    def rename_region_on_primary(self, name: str) -> None:
        """A change the annual figures show (their region labels), made on the primary."""
        sql = f"UPDATE accounts_region SET name = '{name}' WHERE short_code = 'JS'"
        self.primary.psql(sql, database=DATABASE)

    def lagging(self) -> None:
        self.replica.psql("SELECT pg_wal_replay_pause()")

    def catch_up(self) -> None:
        self.replica.psql("SELECT pg_wal_replay_resume()")
        wait_until(self.replica.caught_up, timeout=30, what="replica caught up")


@pytest.fixture(scope="module")
def servers(tmp_path_factory) -> Iterator[Servers]:
    if shutil.which("pg_createcluster") is None or shutil.which("pg_basebackup") is None:
        pytest.fail("the replica test needs Debian's postgresql (pg_createcluster, pg_basebackup)")
    primary = PrivatePostgres()
    primary.create()
    replica = PrivateReplica(primary)
    try:
        replica.create()
        primary.psql(f"CREATE DATABASE {DATABASE}")
        # A broker URL with no server: what load_demo's messages send waits in outbox rows.
        environment = stack_environment(
            database_url=primary.url(DATABASE), redis=PrivateRedis(),
            var_dir=tmp_path_factory.mktemp("replica"),
            DATABASE_REPLICA_URL=replica.url(DATABASE),
        )
        manage("migrate", "--noinput", env=environment)
        manage("load_demo", env=environment)
        wait_until(replica.caught_up, timeout=60, what="replica caught up with the demo data")
        yield Servers(primary, replica, environment)
    finally:
        replica.drop()
        primary.drop()


def test_the_replica_is_a_hot_standby_of_the_primary(servers):
    assert servers.replica.psql("SELECT pg_is_in_recovery()") == "t"
    users = "SELECT count(*) FROM accounts_user"
    assert servers.replica.psql(users, database=DATABASE) == servers.primary.psql(
        users, database=DATABASE)


def test_a_list_export_streams_from_a_server_side_cursor_on_the_replica(servers):
    facts = servers.run(STREAMED_EXPORT)
    assert facts["alias"] == "replica"
    assert facts["standby"] is True
    assert facts["cursors"] == 1  # Django's named cursor, open on the standby
    assert facts["streamed"] == facts["total"] > 6


def test_annual_figures_read_the_replica_and_see_its_older_state(servers):
    original = servers.primary.psql("SELECT name FROM accounts_region WHERE short_code = 'JS'",
                                    database=DATABASE)
    servers.lagging()
    try:
        servers.rename_region_on_primary(RENAMED)
        on_replica = servers.run(FLOW_NAMES)
        on_primary = servers.run(FLOW_NAMES, replica=False)  # the same code, no replica
    finally:
        servers.catch_up()
    assert original in on_replica
    assert RENAMED not in on_replica
    assert RENAMED in on_primary
    assert original not in on_primary
    assert RENAMED in servers.run(FLOW_NAMES)  # replayed: the replica has it now


def test_reconciliation_matches_the_ledger_exactly_while_the_replica_lags(servers):
    before = servers.run(RECONCILE)
    servers.lagging()
    try:
        servers.run(UNMATCHED_PAYMENT, replica=False)  # payment LAG-1
        replica_only = {**servers.environment,
                        "DATABASE_URL": servers.environment["DATABASE_REPLICA_URL"]}
        del replica_only["DATABASE_REPLICA_URL"]
        stale = json.loads(manage("shell", "--no-imports", "-c", RECONCILE,
                                  env=replica_only).splitlines()[-1])
        fresh = servers.run(RECONCILE)
    finally:
        servers.catch_up()
    assert "payment:LAG-1" not in before
    assert stale == before  # what reading the lagging replica would have reported
    assert fresh == sorted([*before, "payment:LAG-1"])  # the primary's: exact


def test_a_report_run_reads_the_replica_and_writes_only_on_the_primary(servers):
    servers.lagging()
    try:
        servers.rename_region_on_primary("江苏省（第三名）")
        # A write on a hot standby fails ("read-only transaction"): the run succeeding shows
        # that its rows, files and audit lines all went to the primary.
        outcome = servers.run(REPORT_RUN)
        runs = servers.primary.psql("SELECT status FROM reporting_reportrun",
                                    database=DATABASE)
    finally:
        servers.catch_up()
    assert outcome["status"] == "succeeded"
    assert outcome["files"] > 0
    assert RENAMED in outcome["names"]  # figures from the lagging replica
    assert "江苏省（第三名）" not in outcome["names"]
    assert runs == "succeeded"


def test_a_report_run_asked_for_data_the_replica_lacks_reads_the_primary(servers):
    servers.lagging()
    try:
        # New data (its version changes) and a new name, both on the primary only.
        servers.run(UNMATCHED_PAYMENT.replace('"LAG-1"', '"LAG-2"'), replica=False)
        servers.rename_region_on_primary("江苏省（第四名）")
        outcome = servers.run(REPORT_RUN)
    finally:
        servers.catch_up()
    assert outcome["status"] == "succeeded"
    # Stored under the primary's data version, so computed from the primary's data.
    assert "江苏省（第四名）" in outcome["names"]
