"""Fault-injection fixtures: a private Redis and a private, migrated PostgreSQL cluster.

Each test module here sets `pytestmark = [pytest.mark.faults, pytest.mark.postgres]`: the
suite runs in CI's PostgreSQL run (where every `postgres` test must pass) and is deselected
on the embedded default. The processes under test (worker, beat, gunicorn) are real
subprocesses on the private servers, so a test may kill them or the servers at will.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.servers import PrivatePostgres, PrivateRedis, manage, stack_environment
from tests.faults.stack import FAULTS_DATABASE, Stack


@pytest.fixture(scope="session")
def private_postgres() -> Iterator[PrivatePostgres]:
    if shutil.which("pg_createcluster") is None:
        pytest.fail("fault tests need Debian's postgresql-common (pg_createcluster)")
    cluster = PrivatePostgres()
    cluster.create()
    try:
        yield cluster
    finally:
        cluster.drop()


@pytest.fixture(scope="session")
def migrated_database(private_postgres: PrivatePostgres, tmp_path_factory) -> str:
    """A database on the private cluster, migrated once, holding the demo data."""
    private_postgres.psql(f"CREATE DATABASE {FAULTS_DATABASE}")
    url = private_postgres.url(FAULTS_DATABASE)
    # A broker URL with no server: what load_demo's messages send waits in their outbox rows.
    redis = PrivateRedis()
    environment = stack_environment(database_url=url, redis=redis,
                                    var_dir=tmp_path_factory.mktemp("faults-setup"))
    manage("migrate", "--noinput", env=environment)
    manage("load_demo", env=environment)
    return url


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    try:
        yield server
    finally:
        if server.running:
            server.stop()


@pytest.fixture
def var_dir(tmp_path: Path) -> Path:
    (tmp_path / "media").mkdir()
    return tmp_path


@pytest.fixture
def stack(private_postgres, migrated_database, private_redis, var_dir) -> Iterator[Stack]:
    # Each test starts with no report runs (audit lines stay: run ids are never reused).
    private_postgres.psql("DELETE FROM reporting_discrepancy; DELETE FROM reporting_reportfile;"
                          " DELETE FROM reporting_reportrun;", database=FAULTS_DATABASE)
    stack = Stack(private_postgres, private_redis, var_dir, migrated_database)
    try:
        yield stack
    finally:
        for process in stack.processes:
            process.kill()
        if not private_postgres._ready():
            private_postgres.start()
