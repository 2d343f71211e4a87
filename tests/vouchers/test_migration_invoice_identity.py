"""Migration 0003 converts the rows it finds: invoices into the two shapes where they fit (the
rest kept as typed), redemptions given their institution, the enterprise's payment by payee
mode, and batch counters that continue after the numbers already given to the treasury."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from devtools.factories import vouchers as build
from devtools.factories.vouchers import NOW
from vouchers.models import Delivery, PaymentBatch, PaymentBatchCounter, Program, Redemption
from vouchers.services import redemptions, settlements

BEFORE = [("vouchers", "0003_order_fee_maximum_and_justification")]
AFTER = [("vouchers", "0004_invoice_identity_contract_per_institution_batch_sequence")]

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _set(table: str, pk: int, **values) -> None:
    columns = ", ".join(f"{column} = %s" for column in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s",  # noqa: S608 (test names)
                       [*values.values(), pk])


def _world():
    reviewer = build.authority("JS")
    finance = build.authority("JS", role="authority_finance")
    enterprise = build.enterprise_user("JS")
    institution = build.institution_user("SH")
    exchange = build.make_program(actor=reviewer)
    general = build.make_program(actor=reviewer, name="通用",
                                 payee_mode=Program.PayeeMode.ENTERPRISE)
    claims = []
    for program, payee in ((exchange, institution), (exchange, institution),
                           (exchange, institution), (general, enterprise)):
        voucher = build.issue_voucher(program, enterprise, 10_000_00, reviewer=reviewer)
        order = build.place_order(voucher, enterprise, institution.organisation, 1_000_00)
        build.delivered_and_confirmed(order, institution, enterprise)
        claims.append(build.request_redemption(order, payee))
    redemptions.redemption_approve(actor=reviewer, redemption=claims[0], now=NOW)
    batch = settlements.payment_batch_create(
        actor=finance, payee=institution.organisation, now=NOW
    )
    return finance, institution, claims, batch


def test_existing_rows_are_converted_and_numbering_continues_after_old_batches():
    finance, institution, claims, batch = _world()
    _migrate(BEFORE)
    typed = ["2431 2000 0000 1234 5678", "3100231130-12345678", "FP-0001", "ＦＰ-0002"]
    old_keys = ["24312000000012345678", "310023113012345678", "FP0001", "FP0002"]
    for claim, raw, key in zip(claims, typed, old_keys, strict=True):
        _set("vouchers_delivery", claim.delivery_id, invoice_number=raw)
        _set("vouchers_redemption", claim.pk, invoice_number=raw, invoice_key=key)
    _set("vouchers_paymentbatch", batch.pk, number="JS-PAY-2024-000007")

    _migrate(AFTER)
    _migrate_to_latest()  # the models below (and the services) have every later column

    assert [
        (d.invoice_code, d.invoice_number, d.invoice_key)
        for d in Delivery.objects.filter(pk__in=[c.delivery_id for c in claims]).order_by("pk")
    ] == [
        ("", "24312000000012345678", "24312000000012345678"),
        ("3100231130", "12345678", "3100231130:12345678"),
        ("", "FP-0001", "FP0001"),
        ("", "ＦＰ-0002", "FP0002"),
    ]
    converted = list(Redemption.objects.order_by("pk"))
    assert [(r.invoice_code, r.invoice_key, r.institution_id) for r in converted] == [
        ("", "24312000000012345678", institution.organisation_id),
        ("3100231130", "3100231130:12345678", institution.organisation_id),
        ("", "FP0001", institution.organisation_id),
        ("", "FP0002", institution.organisation_id),
    ]
    assert [r.order.enterprise_paid_fen for r in converted] == [500_00, 500_00, 500_00, 1_000_00]
    batch.refresh_from_db()
    assert (batch.number, batch.year, batch.sequence) == ("JS-PAY-2024-000007", 2024, 7)
    assert PaymentBatchCounter.objects.get(region=batch.region, year=2024).last_sequence == 7

    redemptions.redemption_approve(actor=build.authority("JS"), redemption=converted[1], now=NOW)
    following = settlements.payment_batch_create(
        actor=finance, payee=institution.organisation, now=NOW
    )
    assert following.number == "JS-PAY-2024-000008"
    assert PaymentBatch.objects.count() == 2
