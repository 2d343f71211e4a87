"""`python -m bench --smoke` runs every benchmark at tiny sizes on PostgreSQL in seconds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import psql

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_the_benchmarks_run_in_smoke_mode_without_writing_the_docs(tmp_path):
    # Given the benchmarks' record, when every benchmark runs at its smoke size
    doc = ROOT / "docs" / "benchmarks.md"
    before = doc.read_text() if doc.exists() else None
    database = f"vouchers_bench_smoke_{os.getpid()}"
    environment = {**os.environ, "BENCH_DATABASE": database}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bench", "--smoke"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    finally:  # the run's own database, whatever happened
        psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    # Then it succeeds, prints each table, and leaves docs/benchmarks.md alone
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Ledger throughput" in result.stdout
    assert "Annual totals" in result.stdout
    assert "Exports" in result.stdout
    assert "API under gunicorn" in result.stdout
    assert "Application window" in result.stdout
    assert "Pages (" in result.stdout
    assert "Balances as of a moment" in result.stdout
    assert "Bulk review" in result.stdout
    assert "Partitioning the journal by year" in result.stdout
    assert (doc.read_text() if doc.exists() else None) == before
