"""The application's database role reads and writes rows, and cannot bypass the journal.

The suite connects as the owner role (it migrates pytest's test database); the grants made
after that migrate (config/database_roles.py) are what these tests check, by connecting to the
same test database as DATABASE_APP_ROLE. CI's PostgreSQL run creates both roles
(deploy/create-database.sh) and sets DATABASE_APP_ROLE.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import errors

from accounts.audit import audit_record
from accounts.models import AuditEntry, Organisation
from devtools.factories.ledger import AccountFactory, fund
from vouchers.ledger.models import Transfer

pytestmark = [pytest.mark.postgres]

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def app_role() -> str:
    if not settings.DATABASE_APP_ROLE:
        pytest.fail(
            "DATABASE_APP_ROLE is not set: create the roles with deploy/create-database.sh "
            "(docs/operations.md, 'Database roles') and run the suite as the owner role"
        )
    return settings.DATABASE_APP_ROLE


@contextmanager
def django_connected_as(role: str) -> Iterator[None]:
    """The application's own connection, reopened as `role`, then as the owner again."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["USER"] = role
    connection.settings_dict["PASSWORD"] = os.environ.get("DATABASE_APP_PASSWORD", "")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.fixture
def app_connection(app_role: str, transactional_db) -> Iterator[psycopg.Connection]:
    """A separate connection to the test database as the application role (autocommit)."""
    database = connection.settings_dict
    with psycopg.connect(
        host=database["HOST"] or None, port=database["PORT"] or None,
        dbname=database["NAME"], user=app_role,
        password=os.environ.get("DATABASE_APP_PASSWORD") or None, autocommit=True,
    ) as opened:
        yield opened


@pytest.fixture
def journal_rows(transactional_db) -> tuple[int, int]:
    """One committed transfer and one committed audit line, by the owner."""
    transfer = fund(AccountFactory(limited=True), 10_000, now=NOW)
    entry = audit_record(actor=None, action="role_test", now=NOW)
    return transfer.pk, entry.pk


def refused(cursor: psycopg.Cursor, statement: str, params: list[int] | None = None) -> type:
    try:
        cursor.execute(statement, params)
    except psycopg.Error as error:
        return type(error)
    raise AssertionError(f"the application role was allowed: {statement}")


def test_the_application_runs_its_use_cases_as_the_application_role(app_role, transactional_db):
    # Given the test database migrated by the owner
    # When the demo (organisations, users, programs, vouchers, ledger postings, audit lines)
    # is loaded through the application's own connection as the application role
    with django_connected_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone() == (app_role,)
        call_command("load_demo")
        # Then every row was written, and the journal still balances when read back by it
        call_command("ledger_verify")
        assert Organisation.objects.count() == 13  # operator, 4 authorities, 8 parties
        assert Transfer.objects.exists()
        # operator, 2 per authority, 1 per party, and Jiangsu's city reviewer (two-tier demo)
        assert AuditEntry.objects.filter(action="user_create").count() == 18


def test_the_application_role_cannot_switch_the_triggers_off(app_connection, journal_rows):
    cursor = app_connection.cursor()
    # When it tries session_replication_role (superuser only) or DISABLE TRIGGER (owner only)
    assert refused(cursor, "SET session_replication_role = replica") is (
        errors.InsufficientPrivilege
    )
    for table in ("ledger_transfer", "accounts_auditentry"):
        assert refused(cursor, f"ALTER TABLE {table} DISABLE TRIGGER ALL") is (
            errors.InsufficientPrivilege
        )
    # Then the triggers are still enabled
    cursor.execute(
        "SELECT tgname, tgenabled FROM pg_trigger WHERE tgname LIKE '%append_only' ORDER BY 1"
    )
    assert cursor.fetchall() == [
        ("accounts_auditentry_append_only", "O"), ("ledger_transfer_append_only", "O"),
    ]


def test_the_application_role_cannot_update_delete_or_truncate_the_journal(
    app_connection, journal_rows
):
    transfer_pk, entry_pk = journal_rows
    cursor = app_connection.cursor()
    # When it tries to rewrite or remove a journal line or an audit line
    statements = [
        ("UPDATE ledger_transfer SET amount_fen = 1 WHERE id = %s", [transfer_pk]),
        ("DELETE FROM ledger_transfer WHERE id = %s", [transfer_pk]),
        ("TRUNCATE ledger_transfer CASCADE", None),
        ("UPDATE accounts_auditentry SET action = 'rewritten' WHERE id = %s", [entry_pk]),
        ("DELETE FROM accounts_auditentry WHERE id = %s", [entry_pk]),
        ("TRUNCATE accounts_auditentry CASCADE", None),
    ]
    # Then its rights refuse each one, before the triggers are even asked
    assert [refused(cursor, *statement) for statement in statements] == (
        [errors.InsufficientPrivilege] * len(statements)
    )
    # And nothing changed
    assert Transfer.objects.get(pk=transfer_pk).amount_fen == 10_000
    assert AuditEntry.objects.get(pk=entry_pk).action == "role_test"


def test_the_application_role_cannot_change_the_schema(app_connection, journal_rows):
    cursor = app_connection.cursor()
    assert [
        refused(cursor, statement)
        for statement in (
            "ALTER TABLE vouchers_serviceorder ADD COLUMN extra integer",
            "DROP TRIGGER ledger_transfer_append_only ON ledger_transfer",
            "CREATE TABLE intruder (id integer)",
            "INSERT INTO django_migrations (app, name, applied) VALUES ('x', 'y', now())",
        )
    ] == [errors.InsufficientPrivilege] * 4


def test_the_application_role_reads_and_appends_to_the_journal(app_connection, journal_rows):
    transfer_pk, _ = journal_rows
    cursor = app_connection.cursor()
    cursor.execute("SELECT amount_fen FROM ledger_transfer WHERE id = %s", [transfer_pk])
    assert cursor.fetchone() == (10_000,)
    cursor.execute(
        "INSERT INTO accounts_auditentry (created_at, action, object_type, object_id, before,"
        " after, reason) VALUES (now(), 'appended', '', '', '{}', '{}', '') RETURNING action"
    )
    assert cursor.fetchone() == ("appended",)
