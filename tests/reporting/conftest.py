"""The reporting tests' year: `bench.year_seed.build_year()`, shared with benchmark 2."""

from __future__ import annotations

import pytest

from bench.year_seed import Year, build_year

# The vouchers' story fixtures, for the claw-back recovery tests of the reports.
from tests.vouchers.conftest import ledger_clean, voucher, world  # noqa: F401


@pytest.fixture
def year(db) -> Year:
    return build_year()
