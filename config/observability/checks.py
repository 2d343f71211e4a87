"""Reads for the health checks and the scrape-time metrics; nothing here writes a row.

Each readiness check returns None when healthy or a short reason, and is bounded in time:
`HEALTH_CHECK_TIMEOUT_SECONDS` for the broker and, through the connection options set in
the settings, for the cache and database connections.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count
from kombu.connection import Connection

from accounts.models import Region
from reporting.models import ReportRun
from vouchers.ledger.models import Transfer


def check_database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


@functools.cache
def _migrations_on_disk() -> frozenset[tuple[str, str]]:
    # The code does not change while the process runs: read the migration files once.
    return frozenset(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def check_migrations() -> str | None:
    """Every app's latest migration is recorded as applied (one query per probe)."""
    applied = MigrationRecorder(connection).applied_migrations()
    missing = sorted(f"{app}.{name}" for app, name in _migrations_on_disk() - applied.keys())
    return f"unapplied: {', '.join(missing)}" if missing else None


def check_broker() -> str | None:
    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "max_retries": 0,
    }
    broker = Connection(
        settings.CELERY_BROKER_URL, connect_timeout=timeout, transport_options=options
    )
    try:
        broker.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=timeout
        )
    finally:
        broker.release()
    return None


def check_cache() -> str | None:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    return None if value == "ok" else "the value written was not read back"


READINESS_CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "migrations": check_migrations,
    "broker": check_broker,
    "cache": check_cache,
}


def readiness() -> dict[str, dict[str, Any]]:
    """Runs every check; an exception is that check's failure, named by its class."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in READINESS_CHECKS.items():
        if name == "migrations" and results["database"]["status"] != "ok":
            results[name] = {"status": "fail", "error": "database unreachable"}
            continue
        try:
            reason = check()
        except Exception as error:
            reason = f"{type(error).__name__}: {error}"[:300]
        results[name] = {"status": "ok"} if reason is None else {"status": "fail", "error": reason}
    return results


def region_codes() -> dict[int, str]:
    """Region id → code, for the log lines (read once per process, and again on a miss)."""
    return dict(Region.objects.values_list("pk", "code"))


def report_run_counts() -> list[tuple[str, str, int]]:
    """(kind, status, count) of every report run."""
    rows = ReportRun.objects.values("kind", "status").annotate(count=Count("pk"))
    return [(row["kind"], row["status"], row["count"]) for row in rows.order_by()]


def ledger_transfer_counts() -> list[tuple[str, int]]:
    """(phase, count) of the journal's transfers: the journal only grows."""
    rows = Transfer.objects.values("phase").annotate(count=Count("pk"))
    return [(row["phase"], row["count"]) for row in rows.order_by()]
