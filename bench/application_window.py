"""Benchmark 3: the application window — N enterprises apply and are approved at once, over HTTP.

gunicorn (4 workers, `bench.settings`) serves; Locust, headless, is the client
(`bench/locust_window.py`: 16 users, one job per enterprise: POST
/api/v1/applications/submit/ with the enterprise's token, then POST
/api/v1/applications/<id>/approve/ with the reviewer's). The budget covers three quarters
of the requests, so the last approvals race for the remainder and must be refused.
Afterwards the bench checks that the budget was never exceeded and no approval was lost.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Table
from bench.serving import WORKERS, gunicorn

AMOUNT_FEN = 10_000_00
CLIENTS = 16
SIZES = (200, 1_000)


def _locust(base: str, jobs: dict) -> tuple[list[dict], dict[str, dict[str, str]], float]:
    """Run Locust headless until every job is done: (outcomes, its stats rows by name, s)."""
    with tempfile.TemporaryDirectory(prefix="bench-window-") as folder:
        jobs_file, results_file = Path(folder) / "jobs.json", Path(folder) / "results.json"
        jobs_file.write_text(json.dumps(jobs))
        environment = {
            **os.environ,
            "WINDOW_JOBS": str(jobs_file),
            "WINDOW_RESULTS": str(results_file),
        }
        subprocess.run(  # noqa: S603 - our own locustfile, local address
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locust_window.py"),
                "--headless",
                "--users",
                str(CLIENTS),
                "--spawn-rate",
                str(CLIENTS),
                "--host",
                base,
                "--csv",
                str(Path(folder) / "window"),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
            timeout=1800,
        )
        with (Path(folder) / "window_stats.csv").open() as handle:
            stats = {row["Name"]: row for row in csv.DictReader(handle)}
        report = json.loads(results_file.read_text())
        return report["outcomes"], stats, report["seconds"]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else 0.0


def _verify(program, results: list[dict]) -> str:
    """Budget never exceeded; every 2xx approval has its voucher and ledger transfer."""
    from django.db.models import Sum

    from vouchers.ledger.models import Account, Transfer
    from vouchers.models import Application, Voucher

    budget = Account.objects.get(pk=program.budget_account_id)
    approved = [r["application"] for r in results if r["submitted"] and 200 <= r["status"] < 300]
    total = (
        Application.objects.filter(program=program, state="approved").aggregate(
            total=Sum("approved_fen")
        )["total"]
        or 0
    )
    remaining = budget.balance_fen
    vouchers = dict(
        Voucher.objects.filter(application_id__in=approved).values_list(
            "application_id", "amount_fen"
        )
    )
    transfers = Transfer.objects.filter(
        idempotency_key__in=[f"voucher-issue:{pk}" for pk in approved],
        debit_account_id=budget.pk,
        phase="posted",
    ).count()
    checks = {
        "budget balance >= 0": remaining >= 0 and budget.available_fen >= 0,
        "approved = budget - remaining": total == program.budget_fen - remaining,
        "every 2xx approval has a voucher": len(vouchers) == len(approved),
        "every 2xx approval has its transfer": transfers == len(approved),
        "approved applications = 2xx approvals": Application.objects.filter(
            program=program, state="approved"
        ).count()
        == len(approved),
    }
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        raise AssertionError(f"application window: {failed}")
    return (
        f"budget {program.budget_fen:,} fen, approved {total:,} fen in {len(approved)} "
        f"vouchers, remaining {remaining:,} fen; checks passed: {', '.join(checks)}"
    )


def _window(count: int) -> list[object]:
    """One window of `count` enterprises against a budget for three quarters of them."""
    from bench import fixtures

    program = fixtures.open_program(
        name=f"申领窗口基准创新券{count}",
        budget_fen=AMOUNT_FEN * count * 3 // 4,
        cap_fen=AMOUNT_FEN,
    )
    jobs = {
        "program_id": program.pk,
        "amount_fen": AMOUNT_FEN,
        "reviewer": fixtures.token_for(fixtures.reviewer()),
        "tokens": [token for _, token in fixtures.enterprises(count)],
        "run": f"window{time.time_ns()}",
    }
    with gunicorn() as base:
        results, stats, seconds = _locust(base, jobs)
    if len(results) != count:
        raise AssertionError(f"application window: {len(results)} outcomes of {count} jobs")
    program.refresh_from_db()
    proof = _verify(program, results)
    approved = sum(1 for r in results if r["submitted"] and 200 <= r["status"] < 300)
    refused: dict[str, int] = {}
    for r in results:
        if not (200 <= r["status"] < 300):
            label = f"{r['status']} {r.get('code') or ''}".strip()
            refused[label] = refused.get(label, 0) + 1
    approve, submit = stats.get("approve", {}), stats.get("submit", {})
    return [
        count,
        seconds,
        approved,
        approved / seconds,
        approve.get("50%", "-"),
        approve.get("95%", "-"),
        approve.get("99%", "-"),
        submit.get("50%", "-"),
        ", ".join(f"{n} × {label}" for label, n in sorted(refused.items())) or "none",
        proof,
    ]


def run(*, smoke: bool) -> list[Table]:
    rows = [_window(count) for count in ((20,) if smoke else SIZES)]
    table = Table(
        f"Application window over HTTP (gunicorn {WORKERS} workers, Locust {CLIENTS} users)",
        [
            "enterprises",
            "seconds",
            "approvals",
            "approvals/s",
            "approve p50 ms",
            "p95 ms",
            "p99 ms",
            "submit p50 ms",
            "refused",
        ],
        [row[:-1] for row in rows],
    )
    table.notes = [
        f"Each enterprise asks for {AMOUNT_FEN:,} fen; the budget covers 3/4 of them, one "
        "reviewer approves everything as it arrives, so the tail of approvals races for the "
        "last of the budget on its row lock.",
        *(f"Proof at {row[0]}: {row[-1]}." for row in rows),
        "Client: Locust headless (`bench/locust_window.py`), 16 users without think time; "
        "seconds from the first request to the last answer; latencies are Locust's "
        "percentiles (rounded to two significant figures above 100 ms).",
    ]
    return [table]
