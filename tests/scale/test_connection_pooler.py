"""Step 4 of docs/scaling.md: PgBouncer in transaction mode in front of the primary.

A private cluster and a PgBouncer (pool_mode=transaction, four server connections) on spare
ports. DATABASE_URL goes through the pooler, DATABASE_DIRECT_URL straight to the cluster:
the default alias then has server-side cursors off, and the exports that stream with
`.iterator()` use the direct alias. A real part of the suite (the ledger with its threaded
concurrency, idempotency under concurrent requests, the streamed exports and report files)
runs through the pooler in a subprocess and must pass; its test database is created,
migrated and dropped over the direct connection (tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.faults.servers import (
    ROOT,
    PgBouncer,
    PrivatePostgres,
    PrivateRedis,
    manage,
    stack_environment,
)

pytestmark = [pytest.mark.scale, pytest.mark.postgres]

DATABASE = "vouchers_pooled"
POOL_SIZE = 4
# Row locks and real threads, idempotency claims raced by concurrent requests, the list CSV
# downloads and the report files: what would break first behind a transaction pooler.
THROUGH_THE_POOLER = [
    "tests/vouchers/ledger",
    "tests/api/test_idempotency_concurrency.py",
    "tests/views/test_enterprise_pages.py",
    "tests/views/test_institution_pages.py",
    "tests/reporting/test_runs_and_exports.py",
    "tests/config/test_db_routers.py",
]
STREAMING = """
import json
from django.db import connections
from accounts import selectors
from accounts.models import User
from config.db_routers import streaming

def open_cursors(alias):
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]

entries = selectors.audit_entries_visible_to(actor=User.objects.get(username="operator"))
exported = streaming(entries)  # as the audit trail's CSV download
rows = exported.iterator(chunk_size=5)
first = [next(rows) for _ in range(6)]  # a second chunk: fetched from the open cursor
print(json.dumps({
    "alias": exported.db,
    "direct_cursors_while_streaming": open_cursors("direct"),
    "streamed": len(first) + sum(1 for _ in rows),
    "total": entries.count(),
    "pooled_server_side_cursors_off": connections["default"].settings_dict[
        "DISABLE_SERVER_SIDE_CURSORS"],
    "direct_server_side_cursors_off": connections["direct"].settings_dict.get(
        "DISABLE_SERVER_SIDE_CURSORS", False),
}))
"""


@dataclass
class Pooled:
    cluster: PrivatePostgres
    pooler: PgBouncer
    environment: dict[str, str]


@pytest.fixture(scope="module")
def pooled(tmp_path_factory) -> Iterator[Pooled]:
    if shutil.which("pg_createcluster") is None:
        pytest.fail("the pooler test needs Debian's postgresql-common (pg_createcluster)")
    cluster = PrivatePostgres()
    cluster.create()
    pooler = PgBouncer(server_port=cluster.port, pool_size=POOL_SIZE)
    try:
        pooler.start()
        cluster.psql(f"CREATE DATABASE {DATABASE}")
        environment = stack_environment(
            database_url=pooler.url(DATABASE), redis=PrivateRedis(),
            var_dir=tmp_path_factory.mktemp("pooled"),
            DATABASE_DIRECT_URL=cluster.url(DATABASE),
        )
        # Migrations over the direct connection (as `make install` runs them), the rest pooled.
        manage("migrate", "--noinput", env={**environment, "DATABASE_URL": cluster.url(DATABASE)})
        manage("load_demo", env=environment)
        yield Pooled(cluster, pooler, environment)
    finally:
        pooler.stop()
        cluster.drop()


def test_a_streamed_export_uses_a_server_side_cursor_on_the_direct_connection(pooled):
    output = manage("shell", "--no-imports", "-c", STREAMING, env=pooled.environment)
    facts = json.loads(output.strip().splitlines()[-1])
    assert facts["alias"] == "direct"
    assert facts["direct_cursors_while_streaming"] == 1  # Django's named cursor, still open
    assert facts["streamed"] == facts["total"] > 6
    assert facts["pooled_server_side_cursors_off"] is True
    assert facts["direct_server_side_cursors_off"] is False


def test_the_ledger_idempotency_and_export_tests_pass_through_the_pooler(pooled):
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "CELERY_", "CACHE_", "PYTEST", "DJANGO_",
                               "VOUCHERS_REQUIRE"))
    }
    environment.update({
        "DATABASE_URL": pooled.pooler.url(DATABASE),
        "DATABASE_DIRECT_URL": pooled.cluster.url(DATABASE),
        "PYTHONPATH": str(ROOT),
    })
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *THROUGH_THE_POOLER],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=900, check=False,
    )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary + result.stderr[-2000:]
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None, summary
    assert int(passed.group(1)) >= 100, summary
    assert "PostgreSQL-only tests passed" in summary  # it really ran on PostgreSQL
    # Clients shared the pooler's few server connections, transaction by transaction...
    stats = {row["database"]: row for row in pooled.pooler.show("STATS")}
    assert int(stats[f"test_{DATABASE}"]["total_xact_count"]) > 1000
    # ...and the test database was dropped (pytest-django only warns when it cannot be):
    # the pooler's server connections to it were ended first (tests/conftest.py).
    assert pooled.cluster.psql(
        f"SELECT count(*) FROM pg_database WHERE datname = 'test_{DATABASE}'") == "0"
