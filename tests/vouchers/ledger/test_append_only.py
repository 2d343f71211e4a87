"""The journal only grows: the model layer refuses everywhere, the trigger on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from tests.vouchers.ledger.helpers import ledger_snapshot
from vouchers.ledger.errors import AppendOnlyViolation
from vouchers.ledger.models import Transfer
from vouchers.ledger.services import TransferSpec, ledger_post


@pytest.fixture
def transfer(wallet, shop, now):
    [transfer] = ledger_post(transfers=[TransferSpec("pay-1", wallet.pk, shop.pk, 100)], now=now)
    return transfer


def test_saving_a_stored_transfer_is_refused(transfer):
    before = ledger_snapshot()
    transfer.amount_fen = 1

    with pytest.raises(AppendOnlyViolation):
        transfer.save()

    assert Transfer.objects.get(pk=transfer.pk).amount_fen == 100
    assert ledger_snapshot() == before


def test_deleting_a_transfer_is_refused(transfer):
    with pytest.raises(AppendOnlyViolation):
        transfer.delete()
    with pytest.raises(AppendOnlyViolation):
        Transfer.objects.filter(pk=transfer.pk).delete()
    with pytest.raises(AppendOnlyViolation):
        Transfer.objects.all().delete()

    assert Transfer.objects.filter(pk=transfer.pk).exists()


def test_a_queryset_update_is_refused(transfer):
    with pytest.raises(AppendOnlyViolation):
        Transfer.objects.filter(pk=transfer.pk).update(amount_fen=1)

    assert Transfer.objects.get(pk=transfer.pk).amount_fen == 100


@pytest.mark.postgres
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_transfer SET amount_fen = 1 WHERE id = %s",
        "DELETE FROM ledger_transfer WHERE id = %s",
    ],
)
def test_the_trigger_refuses_raw_sql_update_and_delete(transfer, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [transfer.pk])

    assert Transfer.objects.get(pk=transfer.pk).amount_fen == 100
