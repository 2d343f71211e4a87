"""The journal's indexes on PostgreSQL, pinned: each one serves a query or an invariant, and
an index no query uses costs every posting a write (issue 22). A change that adds, loses or
renames one fails here and says which."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction

from vouchers.ledger.models import Transfer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

JOURNAL_INDEXES = {
    "ledger_transfer_pkey",
    "ledger_transfer_idempotency_key_key",  # replays and ON CONFLICT: a key is looked up whole
    "ledger_transfer_pending_resolved_once",  # one resolution per pending transfer (invariant)
    "ledger_transfer_pending_transfer_id_64debb17",  # the resolutions of a pending transfer
    "ledger_transfer_debit_account_id_4ee5177d",  # an account's journal, debit side
    "ledger_transfer_credit_account_id_e98dc457",  # an account's journal, credit side
    "ledger_transfer_actor_id_0f31e776",  # who posted (the audit of a user's actions)
    "ledger_tran_busines_a59d22_idx",  # the transfers of a business record
    "ledger_tran_phase_462234_idx",  # pending holds past their timeout (the expiry sweep)
    "reporting_transfer_credit_created",  # the annual figures: credits of an account by date
}


def _journal_indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes"
                       " WHERE schemaname = current_schema() AND tablename = 'ledger_transfer'")
        return dict(cursor.fetchall())


def test_the_journal_has_exactly_the_indexes_its_queries_and_invariants_use():
    indexes = _journal_indexes()

    assert set(indexes) == JOURNAL_INDEXES
    assert not [name for name, definition in indexes.items() if "pattern_ops" in definition]


def test_the_idempotency_key_is_still_unique_in_the_database(wallet, shop, now):
    fields = {"debit_account": wallet, "credit_account": shop, "amount_fen": 100,
              "phase": Transfer.Phase.POSTED, "created_at": now}
    Transfer.objects.create(idempotency_key="once", **fields)

    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(idempotency_key="once", **fields)
    assert Transfer.objects.filter(idempotency_key="once").count() == 1
