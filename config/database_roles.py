"""The application role's rights, granted again after every `migrate` (PostgreSQL only).

Migrations run as the owner role, which owns every table; the web, API and worker processes
connect as the application role named by DATABASE_APP_ROLE, which may read and write rows and
nothing more. ALTER DEFAULT PRIVILEGES would cover later tables only in the database it ran in,
not pytest's test_ databases nor a restored copy, so the grants are made here, after each
migrate, by the owner (docs/operations.md, "Database roles").
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

# Append-only on PostgreSQL (their triggers: ledger 0002, accounts 0003). The application role
# may also not UPDATE or DELETE them: a second wall behind the triggers.
APPEND_ONLY_TABLES = ("ledger_transfer", "accounts_auditentry")
# Written only by migrate; the application role may read it (`migrate --check`).
READ_ONLY_TABLES = ("django_migrations",)


def application_role_grant(*, connection: BaseDatabaseWrapper, role: str) -> None:
    """Give `role` row rights on every table and sequence of the current schema, and no more.

    Revokes first, so a right granted by hand (TRUNCATE, TRIGGER, REFERENCES) does not
    survive the next migrate. Runs as the owner of the tables, in one transaction.
    """
    quote = connection.ops.quote_name
    grantee = quote(role)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = (quote(name) for name in cursor.fetchone())
        statements = [
            f"GRANT CONNECT ON DATABASE {database} TO {grantee}",
            f"GRANT USAGE ON SCHEMA {schema} TO {grantee}",
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {grantee}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
        ]
        existing = _existing_tables(cursor, APPEND_ONLY_TABLES + READ_ONLY_TABLES)
        for table in existing & set(APPEND_ONLY_TABLES):
            statements.append(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {grantee}")
        for table in existing & set(READ_ONLY_TABLES):
            statements.append(f"REVOKE INSERT, UPDATE, DELETE ON {quote(table)} FROM {grantee}")
        for statement in statements:
            cursor.execute(statement)


def _existing_tables(cursor: Any, names: tuple[str, ...]) -> set[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        " AND tablename = ANY(%s)",
        [list(names)],
    )
    return {row[0] for row in cursor.fetchall()}


def grant_after_migrate(*, using: str, plan: list[Any] | None = None, **kwargs: Any) -> None:
    """post_migrate receiver. `flush` sends the signal too (plan None): it changes no rights."""
    role = settings.DATABASE_APP_ROLE
    connection = connections[using]
    if not role or plan is None or connection.vendor != "postgresql":
        return
    if connection.settings_dict.get("USER") == role:
        return  # migrate run as the application role: it owns nothing and can grant nothing
    application_role_grant(connection=connection, role=role)
