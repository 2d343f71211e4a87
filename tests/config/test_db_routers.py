"""The read router (config/db_routers.py): the call site chooses, writes stay on the primary."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test import override_settings

from config.db_routers import (
    ReadRouter,
    reading_primary,
    reading_reports,
    streaming_alias,
)
from vouchers.ledger.models import Transfer

# The router reads only the aliases' names: the settings are overridden, not the connections.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
router = ReadRouter()


@override_settings(DATABASES={"default": SQLITE})
def test_without_a_replica_the_reports_read_the_default():
    with reading_reports():
        assert router.db_for_read(Transfer) == "default"
    assert streaming_alias() == "default"


def test_outside_any_call_site_django_chooses():
    assert router.db_for_read(Transfer) is None


@override_settings(DATABASES={"default": SQLITE, "replica": SQLITE, "direct": SQLITE})
def test_reports_read_the_replica_and_reconciliation_the_primary_inside_them():
    with reading_reports():
        assert router.db_for_read(Transfer) == "replica"
        with reading_primary():
            assert router.db_for_read(Transfer) == "default"
        assert router.db_for_read(Transfer) == "replica"
    assert router.db_for_read(Transfer) is None


@override_settings(DATABASES={"default": SQLITE, "replica": SQLITE})
def test_a_report_run_that_chose_the_primary_keeps_it_for_the_figures_inside():
    # A run whose replica lags behind its data reads the figures on the primary.
    with reading_primary(), reading_reports():
        assert router.db_for_read(Transfer) == "default"


@override_settings(DATABASES={"default": SQLITE, "replica": SQLITE, "direct": SQLITE})
def test_writes_go_to_the_primary_even_for_a_row_read_on_the_replica():
    row = Transfer()
    row._state.db = "replica"
    with reading_reports():
        assert router.db_for_write(Transfer, instance=row) == "default"
    assert router.allow_migrate("replica", "ledger") is False
    assert router.allow_migrate("direct", "ledger") is False
    assert router.allow_migrate("default", "ledger") is True


@override_settings(DATABASES={"default": SQLITE, "direct": SQLITE})
def test_streaming_exports_use_the_direct_connection_behind_a_pooler():
    assert streaming_alias() == "direct"


@override_settings(DATABASES={"default": SQLITE, "replica": SQLITE, "direct": SQLITE})
def test_streaming_exports_prefer_the_replica_but_findings_stay_on_the_primary():
    assert streaming_alias() == "replica"
    assert streaming_alias(replica_allowed=False) == "direct"


@pytest.mark.django_db
@override_settings(DATABASES={"default": SQLITE, "replica": SQLITE, "direct": SQLITE})
def test_a_read_inside_a_transaction_on_the_primary_stays_there():
    # Its own uncommitted writes and locks are on the primary only.
    assert connections["default"].in_atomic_block  # the test's own transaction
    with transaction.atomic(), reading_reports():
        assert router.db_for_read(Transfer) == "default"
    assert streaming_alias() == "default"
