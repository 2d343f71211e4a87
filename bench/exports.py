"""Benchmark 5: peak memory and rows per second of the CSV and XLSX exporters.

A reconciliation run with N findings is inserted in SQL (rows shaped as the reconciliation
service writes them: kind, subject, description, expected and actual fen, empty details).
Each (format, size) renders in a fresh subprocess (`python -m bench.exports FORMAT RUN_ID`):
the real path, `reconciliation_document` → `selectors.run_discrepancy_rows` (server-side
chunks) → the exporter, into a temporary file. The child reports its wall time and
peak resident memory (VmHWM) before and after rendering.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import ROOT, Table

KINDS = ("amount_mismatch", "unpaid_overdue", "record_without_posting")


def make_run(rows: int) -> int:
    """A finished reconciliation run of JS with `rows` findings; returns its id."""
    from django.db import connection

    from accounts.models import Region
    from reporting.models import ReportRun

    region = Region.objects.get(short_code="JS")
    run = ReportRun.objects.create(
        kind=ReportRun.Kind.RECONCILIATION,
        region=region,
        parameters={"date_from": "2024-01-01", "date_to": "2024-12-31"},
        data_version="bench",
        fingerprint=f"bench-exports-{time.time_ns()}",
        status=ReportRun.Status.SUCCEEDED,
        requested_at=datetime.now(tz=UTC),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO reporting_discrepancy (kind, subject, description, expected_fen, "
            "actual_fen, details, resolved_at, resolution_note, region_id, run_id) "
            "SELECT (%s::text[])[1 + i %% 3], 'DH' || lpad(i::text, 10, '0'), "
            "'兑付 DH' || i || ' 的支付金额与核定金额不符', 100000 + i, 99000 + i, '{}'::jsonb, "
            "NULL, '', %s, %s FROM generate_series(1, %s) i",
            [list(KINDS), region.pk, run.pk, rows],
        )
    return run.pk


def measure(fmt: str, run_id: int) -> dict:
    """Render in a subprocess; its report as a dict."""
    result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "bench.exports", fmt, str(run_id)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# (format, rows). XLSX at 1.1 M rows crosses Excel's 1,048,576-row sheet into a second
# sheet. XLSX at 10 M is left out of `make bench`: openpyxl writes ~4-6 k rows/s, so it
# alone would take 30-40 minutes; `--only exports` with BENCH_XLSX_10M=1 adds it.
SIZES = [("csv", 1_000_000), ("csv", 10_000_000), ("xlsx", 100_000), ("xlsx", 1_100_000)]
SMOKE_SIZES = [("csv", 1_000), ("csv", 5_000), ("xlsx", 1_000), ("xlsx", 5_000)]


def run(*, smoke: bool) -> list[Table]:
    sizes = SMOKE_SIZES if smoke else SIZES
    if not smoke and os.environ.get("BENCH_XLSX_10M"):
        sizes = [*sizes, ("xlsx", 10_000_000)]
    table = Table(
        "Exports (reconciliation findings: rows/s and peak memory of the exporters)",
        ["format", "rows", "seconds", "rows/s", "file MiB", "RSS before MiB", "peak RSS MiB"],
    )
    runs: dict[int, int] = {}
    for fmt, rows in sizes:
        if rows not in runs:
            runs[rows] = make_run(rows)
        run_id = runs[rows]
        report = measure(fmt, run_id)
        table.rows.append(
            [
                fmt,
                f"{rows:,}",
                report["seconds"],
                rows / report["seconds"],
                report["bytes"] / 2**20,
                report["before_kb"] / 1024,
                report["peak_kb"] / 1024,
            ]
        )
        print(f"  {table.rows[-1]}", flush=True)
    table.notes = [
        "One subprocess per cell; peak resident memory (VmHWM) of the child once Django is "
        "set up (before) and after rendering (peak); rows are read with "
        "`iterator(chunk_size=2000)`.",
        "Goal: peak memory independent of the row count. XLSX sheets hold 1,048,575 rows "
        "under their header, so 1.1 M rows write two sheets.",
    ]
    return [table]


def _peak_kb() -> int:
    """This process's peak resident memory in KiB (VmHWM).

    Not `ru_maxrss`: Linux carries it over from the parent through fork and exec, so a child
    of a bench process that once held gigabytes reported the parent's peak.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _child(fmt: str, run_id: int) -> None:
    import django

    django.setup()
    from reporting.exporters import RENDERERS
    from reporting.models import ReportRun
    from reporting.services.documents import reconciliation_document

    run = ReportRun.objects.select_related("region").get(pk=run_id)
    document = reconciliation_document(run, authority=run.region.authority_name)
    before = _peak_kb()
    with tempfile.TemporaryFile() as output:
        started = time.perf_counter()
        RENDERERS[fmt](document, output)
        seconds = time.perf_counter() - started
        size = output.tell()
    peak = _peak_kb()
    print(json.dumps({"seconds": seconds, "bytes": size, "before_kb": before, "peak_kb": peak}))


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
