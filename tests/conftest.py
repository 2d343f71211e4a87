"""Fixtures shared by the whole suite.

Tests marked `postgres` need PostgreSQL (row locks, triggers). On SQLite they are deselected
and reported; with VOUCHERS_REQUIRE_POSTGRES=1 (CI's PostgreSQL run) the session fails unless
the database is PostgreSQL and every one of them ran and passed.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.conf import settings

from devtools.factories.accounts import OrganisationFactory, UserFactory

REQUIRE_POSTGRES = os.environ.get("VOUCHERS_REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("VOUCHERS_REQUIRE_BROWSER") == "1"
REQUIRE_NGINX = os.environ.get("VOUCHERS_REQUIRE_NGINX") == "1"
# Rows that data migrations load; a transactional test's flush removes them, so they are reloaded.
DATA_MIGRATIONS = [
    ("accounts.migrations.0002_reference_data", "load"),
    ("accounts.migrations.0007_historical_divisions_and_controller_identity", "load_divisions"),
    ("vouchers.migrations.0002_seed_service_categories", "seed"),
    ("accounts.migrations.0011_english_place_names", "load_english_names"),
]


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if REQUIRE_POSTGRES and not _is_postgres():
        raise pytest.UsageError("VOUCHERS_REQUIRE_POSTGRES=1 but DATABASE_URL is not PostgreSQL")
    _deselect_browser_tests_without_chromium(config, items)
    _deselect_proxy_tests_without_nginx(config, items)
    if os.environ.get("VOUCHERS_SCREENSHOTS") != "1":
        # Making docs/screenshots/ is a tool run by hand, not a check: not collected otherwise.
        screenshots = [item for item in items if item.get_closest_marker("screenshots")]
        if screenshots:
            config.hook.pytest_deselected(items=screenshots)
            items[:] = [item for item in items if item not in screenshots]
    postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    sqlite_only = [item for item in items if item.get_closest_marker("sqlite")]
    config._postgres_only_count = len(postgres_only)
    config._sqlite_only_count = len(sqlite_only)
    other_database_only = sqlite_only if _is_postgres() else postgres_only
    if other_database_only:
        config.hook.pytest_deselected(items=other_database_only)
        items[:] = [item for item in items if item not in other_database_only]


def _deselect_browser_tests_without_chromium(config, items) -> None:
    from tests.browser.conftest import chromium_available

    browser_tests = [item for item in items if "tests/browser/" in item.nodeid]
    config._browser_test_count = len(browser_tests)
    if browser_tests and not chromium_available():
        if REQUIRE_BROWSER:
            raise pytest.UsageError("VOUCHERS_REQUIRE_BROWSER=1 but Chromium is not installed")
        config.hook.pytest_deselected(items=browser_tests)
        items[:] = [item for item in items if item not in browser_tests]
        config._browser_tests_deselected = True


def _deselect_proxy_tests_without_nginx(config, items) -> None:
    """`make test` on a machine with only Python: nginx is Debian's, installed by .ci/run."""
    proxy_tests = [item for item in items if "tests/ops/test_nginx_proxy.py" in item.nodeid]
    if proxy_tests and not nginx_available():
        if REQUIRE_NGINX:
            raise pytest.UsageError("VOUCHERS_REQUIRE_NGINX=1 but nginx is not installed")
        config.hook.pytest_deselected(items=proxy_tests)
        items[:] = [item for item in items if item not in proxy_tests]
        config._proxy_tests_deselected = len(proxy_tests)


def nginx_available() -> bool:
    return shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if getattr(config, "_proxy_tests_deselected", 0):
        terminalreporter.write_line(
            f"Proxy tests deselected, nginx missing: {config._proxy_tests_deselected} "
            "(apt-get install nginx-light; CI installs it and requires them)"
        )
    if getattr(config, "_browser_tests_deselected", False):
        terminalreporter.write_line(
            f"Browser tests deselected, Chromium missing: {config._browser_test_count} "
            "(apt-get install chromium; CI installs it and requires them)"
        )
    count = getattr(config, "_postgres_only_count", 0)
    if _is_postgres():
        passed = [
            report
            for report in terminalreporter.stats.get("passed", [])
            if "postgres" in report.keywords
        ]
        terminalreporter.write_line(f"PostgreSQL-only tests passed: {len(passed)} of {count}")
        terminalreporter.write_line(
            f"SQLite forms deselected on PostgreSQL: {config._sqlite_only_count} "
            "(they run in the embedded run)"
        )
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


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    marked = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0])
    )
    return bool(marked) or "transactional_db" in request.fixturenames


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Behind a transaction pooler (DATABASE_DIRECT_URL set) the test database is created,
    migrated and dropped over the direct connection, as migrations are in production
    (docs/scaling.md, "PostgreSQL connections"); the tests themselves go through the pooler."""
    _default_over_direct(True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database exists: the tests use the pooler, the mirrors (a replica or direct
    alias, config/settings/test.py) read the test database too, and may be queried."""
    from django.db import connections
    from django.test import TransactionTestCase

    _default_over_direct(False)
    mirrors = [alias for alias, database in settings.DATABASES.items()
               if database.get("TEST", {}).get("MIRROR")]
    for alias in mirrors:
        # Django points a mirror's connection in this thread only; threads build their own.
        settings.DATABASES[alias]["NAME"] = settings.DATABASES["default"]["NAME"]
        connections[alias].close()
        connections[alias].settings_dict = settings.DATABASES[alias]
    if mirrors:
        TransactionTestCase.databases = {"default", *mirrors}  # TestCase inherits it
    yield
    if "direct" in settings.DATABASES:
        with django_db_blocker.unblock():
            _end_pooled_sessions()
    _default_over_direct(True)  # for the plugin's teardown, which drops the test database


def _end_pooled_sessions() -> None:
    """The pooler keeps its server connections to the test database open, and PostgreSQL
    refuses to drop a database in use: they are ended first, over the direct connection.
    A role may end its own sessions (a superuser, any): another role's, such as the
    application role's of tests/security, stay until the pooler's server_idle_timeout."""
    from django.db import connections

    with connections["direct"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                       " AND pg_has_role(usesysid, 'MEMBER')")
    connections["direct"].close()


_POOLED_ADDRESS: dict[str, object] = {}


def _default_over_direct(direct: bool) -> None:
    """Point the default alias at the direct connection, or back at the pooler."""
    from django.db import connections

    if "direct" not in settings.DATABASES:
        return
    default, keys = settings.DATABASES["default"], ("HOST", "PORT", "USER", "PASSWORD")
    _POOLED_ADDRESS.setdefault("address", {key: default[key] for key in keys})
    pooled = _POOLED_ADDRESS["address"]
    assert isinstance(pooled, dict)
    default.update({key: settings.DATABASES["direct"][key] for key in keys} if direct else pooled)
    connections["default"].close()


@pytest.fixture(autouse=True)
def _reference_data_survives_flush(request):
    """Transactional tests flush every table, data migrations' rows included: reload them."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        for module, loader in DATA_MIGRATIONS:
            getattr(importlib.import_module(module), loader)(django_apps, None)


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language: a page asked for in English leaves English
    active in the thread, and services phrase their refusals in the active language."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
    root_level = logging.getLogger().level  # the worker's logging set-up sets --loglevel
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        app.conf.task_always_eager = True
        logging.getLogger().setLevel(root_level)


@pytest.fixture(autouse=True)
def celery_join_guard_unset() -> None:
    """Each test starts outside any task, as far as Celery can tell.

    Celery's "never call result.get() within a task" guard is one process-wide flag that each
    eager task sets and restores around itself. When threads of a concurrency test run eager
    tasks at once (the services' after-commit notification and record tasks), one thread can
    restore the value another set, leaving the flag set for every later test. Production
    never runs tasks eagerly, so this is the test process's state only.
    """
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
