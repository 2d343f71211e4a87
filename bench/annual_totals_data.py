"""Benchmark 2's data: one varied year through the real services, then cloned in SQL.

The shortcut: `bench.year_seed.build_year()` runs the real services once (three
issuing regions, cross-region orders, a partial approval, paid batches, expiries that return
money to the budget). Its orders, deliveries, redemptions and ledger transfers are then copied
`copies` times with `INSERT … SELECT` — every column as the services wrote it, with the unique
keys (contract, invoice, idempotency key) suffixed `#k`, post/void transfers pointing at their
own copied pending transfer, and delivery and review dates shifted by `k % 9` months so every
month has business. Account balances are not updated by the copies (the annual totals never
read them; `ledger_verify` would flag the bench database, which is thrown away).
"""

from __future__ import annotations

from django.db import connection

from vouchers.ledger.models import Transfer
from vouchers.models import Delivery, Redemption, ServiceOrder

SHIFT = "((k %% 9) * interval '1 month')"


def _columns(model) -> list[str]:
    return [field.column for field in model._meta.concrete_fields if not field.primary_key]


def _clone(model, overrides: dict[str, str], joins: str, where: str, copies: int) -> None:
    """Copy the template rows of `model` once per k in 1..copies, `overrides` as SQL."""
    columns = _columns(model)
    select = [overrides.get(column, f"t.{column}") for column in columns]
    # Table and column names come from the models; the only value is bound.
    table = model._meta.db_table
    insert = f"INSERT INTO {table} ({', '.join(columns)}) "
    select_sql = f"SELECT {', '.join(select)} FROM {table} t "  # noqa: S608 - model names
    sql = insert + select_sql + f"CROSS JOIN generate_series(1, %s) k {joins} WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [copies])


def template_transfer_count() -> int:
    return Transfer.objects.count()


def clone_year(copies: int) -> None:
    """Copy the template year's business rows `copies` times (see the module docstring)."""
    last_order = ServiceOrder.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_delivery = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_redemption = Redemption.objects.order_by("-pk").values_list("pk", flat=True).first()
    last_transfer = Transfer.objects.order_by("-pk").values_list("pk", flat=True).first()
    suffix = "|| '#' || k"
    new_order = "JOIN vouchers_serviceorder n ON n.contract_key = o.contract_key || '#' || k"
    _clone(
        ServiceOrder,
        {
            "contract_number": f"t.contract_number {suffix}",
            "contract_key": f"t.contract_key {suffix}",
        },
        "",
        f"t.id <= {last_order}",
        copies,
    )
    _clone(
        Delivery,
        {"order_id": "n.id", "delivered_on": f"(t.delivered_on + {SHIFT})::date"},
        f"JOIN vouchers_serviceorder o ON o.id = t.order_id {new_order}",
        f"t.id <= {last_delivery}",
        copies,
    )
    _clone(
        Redemption,
        {
            "order_id": "n.id",
            "delivery_id": "nd.id",
            "invoice_key": f"t.invoice_key {suffix}",
            "contract_key": f"t.contract_key {suffix}",
            "reviewed_at": f"t.reviewed_at + {SHIFT}",
        },
        f"JOIN vouchers_serviceorder o ON o.id = t.order_id {new_order} "
        "JOIN vouchers_delivery nd ON nd.order_id = n.id AND nd.state <> 'disputed'",
        f"t.id <= {last_redemption}",
        copies,
    )
    key = {"idempotency_key": f"t.idempotency_key {suffix}"}
    _clone(Transfer, key, "", f"t.id <= {last_transfer} AND t.pending_transfer_id IS NULL", copies)
    _clone(
        Transfer,
        {**key, "pending_transfer_id": "np.id"},
        "JOIN ledger_transfer p ON p.id = t.pending_transfer_id "
        "JOIN ledger_transfer np ON np.idempotency_key = p.idempotency_key || '#' || k",
        f"t.id <= {last_transfer} AND t.pending_transfer_id IS NOT NULL",
        copies,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
