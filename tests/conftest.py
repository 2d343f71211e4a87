"""Fixtures shared by the whole suite.

Tests marked `postgres` need PostgreSQL (row locks, triggers). On SQLite they are deselected
and reported; with VOUCHERS_REQUIRE_POSTGRES=1 (CI's PostgreSQL run) the session fails unless
the database is PostgreSQL and every one of them ran and passed.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings

from tests.factories.accounts import OrganisationFactory, UserFactory

REQUIRE_POSTGRES = os.environ.get("VOUCHERS_REQUIRE_POSTGRES") == "1"


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if REQUIRE_POSTGRES and not _is_postgres():
        raise pytest.UsageError("VOUCHERS_REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL")
    postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    config._postgres_only_count = len(postgres_only)
    if not _is_postgres() and postgres_only:
        config.hook.pytest_deselected(items=postgres_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    count = getattr(config, "_postgres_only_count", 0)
    if _is_postgres():
        passed = [
            report
            for report in terminalreporter.stats.get("passed", [])
            if "postgres" in report.keywords
        ]
        terminalreporter.write_line(f"PostgreSQL-only tests passed: {len(passed)} of {count}")
        if REQUIRE_POSTGRES and (count == 0 or len(passed) != count):
            terminalreporter.write_line("FAILED: not every PostgreSQL-only test ran and passed")
            config._postgres_requirement_failed = True
    else:
        terminalreporter.write_line(
            f"PostgreSQL-only tests deselected on SQLite: {count} (they run in CI's PostgreSQL run)"
        )


def pytest_sessionfinish(session, exitstatus):
    if getattr(session.config, "_postgres_requirement_failed", False):
        session.exitstatus = 1


@pytest.fixture
def region(db):
    from accounts.models import Region

    return Region.objects.get(short_code="JS")


@pytest.fixture
def authority_reviewer(db):
    return UserFactory.authority("JS", role="authority_reviewer")


@pytest.fixture
def enterprise_user(db):
    return UserFactory(organisation=OrganisationFactory(region_code="JS"), role="enterprise")


@pytest.fixture
def live_celery_worker(transactional_db):
    """A real Celery worker thread consuming from the configured broker.

    Embedded run: Kombu's filesystem broker; CI's real run: Redis. Tasks are sent for real
    (not eagerly) for the duration of the test; data must be committed, hence transactional_db.
    """
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        app.conf.task_always_eager = True
