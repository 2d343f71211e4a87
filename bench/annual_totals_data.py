"""Benchmark 2's data: one varied year through the real services, then copied in SQL.

The shortcut: `bench.year_seed.build_year()` runs the real services once (three issuing
regions, cross-region orders, a partial approval, paid batches, expiries that return money to
the budget). Its orders, deliveries, redemptions and ledger transfers are then copied with
`INSERT … SELECT` — every column as the services wrote it, with the unique keys (contract,
invoice, idempotency key) suffixed `#k`, deliveries, redemptions and post/void transfers
pointing at their own copied order, delivery and pending transfer, and delivery and review
dates shifted by `k % 9` months so every month has business. Account balances are not updated
by the copies (the annual totals never read them; `ledger_verify` would flag the bench
database, which is thrown away).

Copy k of a template row gets the id `id + k × stride` (stride: the template's last id), so a
reference is remapped by arithmetic instead of a join on the suffixed key. For speed at 10 M
transfers the copies are written in one transaction with the secondary indexes dropped and
rebuilt afterwards (same definitions, read from the catalogue; unique ones re-checked when
rebuilt) and without the per-row foreign-key triggers (`session_replication_role = replica`;
every copied reference is a template reference or the copy of one, and the row counts are
checked afterwards). Copy k's orders and redemptions name clones of the template's
enterprises and institutions (`bench/annual_totals_parties.py`: ~6,000 and ~3,000).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max

from bench.annual_totals_parties import Parties, clone_parties, parties_of, party_clone
from vouchers.ledger.models import Transfer
from vouchers.models import Delivery, Redemption, ServiceOrder

MODELS = (ServiceOrder, Delivery, Redemption, Transfer)
SHIFT = "((k %% 9) * interval '1 month')"
SUFFIX = "|| '#' || k"


@dataclass(frozen=True)
class Template:
    """The last id of each table once the template year is built: copy k of row `id` is
    `id + k × stride`."""

    strides: dict[str, int]
    parties: tuple[Parties, Parties]

    def copy_of(self, model, column: str) -> str:
        """SQL for the id of the copy (in copy k) of the row `column` references."""
        return f"t.{column} + k * {self.strides[model._meta.db_table]}"


def template_of() -> Template:
    strides = {
        model._meta.db_table: model.objects.aggregate(last=Max("pk"))["last"] or 0
        for model in MODELS
    }
    return Template(strides, parties_of(strides[ServiceOrder._meta.db_table]))


def clone_template_parties(template: Template) -> None:
    """The enterprises and institutions the copies are spread over
    (`bench/annual_totals_parties.py`); once, before the first copy."""
    clone_parties(template.parties)


def _copy(model, template: Template, overrides: dict[str, str], first: int, last: int) -> None:
    """Insert copies `first..last` of the template rows of `model`, `overrides` as SQL."""
    table = model._meta.db_table
    columns = ["id", *(f.column for f in model._meta.concrete_fields if not f.primary_key)]
    select = [overrides.get(column, f"t.{column}") for column in columns]
    select[0] = template.copy_of(model, "id")
    # Table and column names come from the models; the copy numbers are bound.
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 - model names
        f"SELECT {', '.join(select)} FROM generate_series(%s, %s) k "
        f"CROSS JOIN {table} t WHERE t.id <= {template.strides[table]}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [first, last])


def _copy_all(template: Template, first: int, last: int) -> None:
    order = template.copy_of(ServiceOrder, "order_id")
    _copy(
        ServiceOrder,
        template,
        {
            "contract_number": f"t.contract_number {SUFFIX}",
            "contract_key": f"t.contract_key {SUFFIX}",
            **{
                column: party_clone(template.parties, column)
                for column in ("enterprise_id", "institution_id", "payee_id")
            },
        },
        first,
        last,
    )
    _copy(
        Delivery,
        template,
        {"order_id": order, "delivered_on": f"(t.delivered_on + {SHIFT})::date"},
        first,
        last,
    )
    _copy(
        Redemption,
        template,
        {
            "order_id": order,
            "delivery_id": template.copy_of(Delivery, "delivery_id"),
            "invoice_key": f"t.invoice_key {SUFFIX}",
            "contract_key": f"t.contract_key {SUFFIX}",
            "reviewed_at": f"t.reviewed_at + {SHIFT}",
            "payee_id": party_clone(template.parties, "payee_id"),
            "institution_id": party_clone(template.parties, "institution_id"),
        },
        first,
        last,
    )
    _copy(
        Transfer,
        template,
        {
            "idempotency_key": f"t.idempotency_key {SUFFIX}",
            "pending_transfer_id": template.copy_of(Transfer, "pending_transfer_id"),
        },
        first,
        last,
    )


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@contextmanager
def _secondary_indexes_rebuilt(tables: list[str]) -> Iterator[None]:
    """Drop every index but the primary keys of `tables`, and rebuild them on exit: one sort
    per index instead of millions of scattered inserts into the idempotency-key indexes.
    Inside a transaction: if the copies fail, the rollback restores the indexes."""
    constraints = _fetch(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = ANY(%s::regclass[]) AND contype = 'u'",
        [tables],
    )
    indexes = _fetch(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index i "
        "WHERE indrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))",
        [tables],
    )
    # Names and definitions come from the catalogue of the bench database.
    _execute(
        *(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"' for table, name, _ in constraints),
        *(f"DROP INDEX {name}" for name, _ in indexes),
    )
    yield
    _execute(
        *(
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            for table, name, definition in constraints
        ),
        *(definition for _, definition in indexes),
    )


def _check_copies(template: Template, last: int) -> None:
    """Raise unless each table holds its template rows and exactly copies 1..last of them:
    then every remapped reference (copy k of a template reference) names an existing row."""
    for table, stride in template.strides.items():
        [(originals, copies)] = _fetch(
            f"SELECT count(*) FILTER (WHERE id <= %s), count(*) FILTER (WHERE id > %s) "  # noqa: S608 - model names
            f"FROM {table}",
            [stride, stride],
        )
        if copies != originals * last:
            raise AssertionError(f"{table}: {copies} copies of {originals} rows, not × {last}")


def clone_year(template: Template, *, first: int, last: int) -> None:
    """Write copies `first..last` of the template year (see the module docstring)."""
    if last < first:
        return
    tables = [model._meta.db_table for model in MODELS]
    with transaction.atomic():
        _execute(
            "SET LOCAL synchronous_commit = off",
            "SET LOCAL maintenance_work_mem = '512MB'",
            "SET LOCAL session_replication_role = replica",  # no per-row foreign-key triggers
        )
        with _secondary_indexes_rebuilt(tables):
            _copy_all(template, first, last)
        for table in tables:
            _fetch(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), max(id)) FROM {table}",  # noqa: S608 - model names
                [table],
            )
    _check_copies(template, last)
    _execute(f"VACUUM ANALYZE {', '.join(tables)}")
