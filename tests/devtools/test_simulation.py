"""The simulated year: reproducible for a seed, a clean ledger, every state, scaled figures."""

from __future__ import annotations

import pytest

from devtools.simulation import simulate_year
from vouchers.models import PaymentBatch, Program

SCALE = 0.003  # about 18 enterprises and 9 institutions
PUBLISHED_SERVICE_FEN = 300_000_000 * 100
PUBLISHED_REDEEMED_FEN = 95_000_000 * 100


def _comparable(figures: dict) -> dict:
    # The year and the whole-ledger count differ between the two runs by construction.
    return {k: v for k, v in figures.items() if k not in {"year", "transfers_checked"}}


@pytest.mark.django_db(transaction=True)
def test_a_tiny_year_is_reproducible_balanced_and_scaled():
    # Given an empty database, when two years of the same calendar are simulated with one seed
    first = simulate_year(year=2025, scale=SCALE, seed=7)
    second = simulate_year(year=2026, scale=SCALE, seed=7)

    # Then both give the same figures, and the ledger verifies after each
    assert _comparable(first.figures()) == _comparable(second.figures())
    assert first.ledger_ok
    assert second.ledger_ok
    # Every stage of the life cycle is present
    assert first.enterprises_registered == 17  # rounded per region
    assert first.applications.get("approved", 0) > 0
    assert first.vouchers.get("expired", 0) > 0
    assert {"redeemed", "refused"} <= set(first.orders)
    assert first.redemptions.get("paid", 0) > 0
    assert first.batches.get("paid", 0) > 0
    assert first.batches["paid"] + second.batches["paid"] == PaymentBatch.objects.count()
    assert first.off_diagonal_orders > 0
    # The money is near the published year times the scale (a wide band at this size)
    assert 0.3 < first.service_fen / (PUBLISHED_SERVICE_FEN * SCALE) < 3
    assert 0.3 < first.redeemed_fen / (PUBLISHED_REDEEMED_FEN * SCALE) < 3
    assert first.redeemed_fen <= first.issued_fen <= first.budget_fen
    # And a year is simulated once per database
    with pytest.raises(ValueError, match="already been simulated"):
        simulate_year(year=2025, scale=SCALE, seed=7)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_regions_run_in_parallel_workers_give_the_same_year():
    # Given one seed, when one year runs in one process and another in three workers
    alone = simulate_year(year=2025, scale=SCALE, seed=7)
    in_workers = simulate_year(year=2026, scale=SCALE, seed=7, workers=3)

    # Then the figures are the same, and the ledger verifies
    assert _comparable(in_workers.figures()) == _comparable(alone.figures())
    assert in_workers.ledger_ok


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_are_refused_on_sqlite():
    with pytest.raises(ValueError, match="need PostgreSQL"):
        simulate_year(year=2025, scale=SCALE, seed=7, workers=2)
    assert not Program.objects.exists()
