from __future__ import annotations

from datetime import UTC, datetime

import pytest

from devtools.factories.ledger import AccountFactory, fund


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def wallet(db, now):
    """A debit-limited account holding 10 000 fen."""
    account = AccountFactory(limited=True)
    fund(account, 10_000, now=now)
    return account


@pytest.fixture
def shop(db):
    return AccountFactory(kind="payable")
