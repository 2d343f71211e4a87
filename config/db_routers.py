"""Where each read goes: the primary, a streaming replica, or a direct (unpooled) connection.

Routing is by call site, not by model (docs/scaling.md, "Read replicas" and "PostgreSQL
connections"): the report code says what it reads for, and the router honours it.

- `reading_reports()`: the annual figures read on the replica (`DATABASE_REPLICA_URL`), which
  may be a few seconds behind the primary (a report run checks it is not behind its data).
- `reading_primary()`: reconciliation, which must match the ledger exactly, reads on the
  primary even when called inside `reading_reports()`.
- `streaming(queryset)`: an export that streams with `.iterator()` needs a server-side cursor,
  hence a session: the replica if there is one, else the direct connection when the default
  goes through a transaction pooler (`DATABASE_DIRECT_URL`), else the default.

Writes always go to the primary. A read inside a transaction on the primary stays there: it
may depend on the transaction's own writes or locks (and in the tests, on the test's
uncommitted rows). With neither URL set every read stays on the default.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

REPLICA = "replica"
DIRECT = "direct"
_reads: ContextVar[str | None] = ContextVar("database_reads", default=None)
M = TypeVar("M", bound=Model)


def _configured(alias: str) -> bool:
    return alias in settings.DATABASES


def replica_configured() -> bool:
    return _configured(REPLICA)


def _outside_primary_transaction(alias: str) -> str:
    return DEFAULT_DB_ALIAS if connections[DEFAULT_DB_ALIAS].in_atomic_block else alias


@contextmanager
def _reading_on(alias: str) -> Iterator[None]:
    token = _reads.set(alias)
    try:
        yield
    finally:
        _reads.reset(token)


def reading_reports() -> AbstractContextManager[None]:
    """Reads inside go to the replica, if one is configured; an outer call site's choice
    (a report run that found the replica behind) stands."""
    chosen = _reads.get() or (REPLICA if _configured(REPLICA) else DEFAULT_DB_ALIAS)
    return _reading_on(chosen)


def reading_primary() -> AbstractContextManager[None]:
    """Reads inside go to the primary, whatever the caller entered."""
    return _reading_on(DEFAULT_DB_ALIAS)


def streaming_alias(*, replica_allowed: bool = True) -> str:
    """The alias an export streams from with a server-side cursor (module docstring)."""
    if replica_allowed and _configured(REPLICA):
        return _outside_primary_transaction(REPLICA)
    if _configured(DIRECT):
        return _outside_primary_transaction(DIRECT)
    return DEFAULT_DB_ALIAS


def streaming(queryset: QuerySet[M, Any], *, replica_allowed: bool = True) -> QuerySet[M, Any]:
    """`queryset` bound to the streaming alias now: a streamed response iterates it later,
    after the view (and any context it entered) has returned."""
    return queryset.using(streaming_alias(replica_allowed=replica_allowed))


class ReadRouter:
    """db_for_read follows the call site's choice; everything else is the primary's."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        alias = _reads.get()
        if alias is None:
            return None  # Django's own choice: the instance's database, or the default
        return _outside_primary_transaction(alias)

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        # Not the instance's database: a row read on the replica is saved on the primary.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: Model, second: Model, **hints: Any) -> bool:
        return True  # every alias holds the same data

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS
