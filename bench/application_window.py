"""Benchmark 3: the application window — N enterprises apply and are approved at once, over HTTP.

gunicorn (4 workers, `bench.settings`) serves; the client is a pool of threads in this
process, each with its own keep-alive connection, one job per enterprise: POST
/api/v1/applications/submit/ with the enterprise's token, then POST
/api/v1/applications/<id>/approve/ with the reviewer's. The budget covers three quarters of
the requests, so the last approvals race for the remainder and must be refused. Afterwards
the bench checks that the budget was never exceeded and that no approval was lost.
"""

from __future__ import annotations

import http.client
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from bench.common import Table
from bench.serving import WORKERS, gunicorn

AMOUNT_FEN = 10_000_00
CLIENTS = 16


class Client(threading.local):
    """One keep-alive connection per thread."""

    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)

    def post(self, path: str, token: str, body: dict, key: str) -> tuple[int, dict, float]:
        headers = {
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        started = time.perf_counter()
        self.connection.request("POST", path, json.dumps(body), headers)
        response = self.connection.getresponse()
        payload = json.loads(response.read() or b"{}")
        return response.status, payload, (time.perf_counter() - started) * 1000


def _job(client: Client, program_id: int, token: str, reviewer: str, run: str) -> dict:
    status, body, submit_ms = client.post(
        "/api/v1/applications/submit/",
        token,
        {
            "program_id": program_id,
            "amount_fen": AMOUNT_FEN,
            "purpose": "检测新产品",
            "planned_categories": ["testing"],
        },
        f"{run}-submit-{token[-12:]}",
    )
    if status != 201:
        code = f"submit {body.get('code') or ''}".strip()
        return {"submitted": False, "status": status, "submit_ms": submit_ms, "code": code}
    application = body["id"]
    status, body, approve_ms = client.post(
        f"/api/v1/applications/{application}/approve/", reviewer, {}, f"{run}-approve-{application}"
    )
    return {
        "submitted": True,
        "application": application,
        "status": status,
        "submit_ms": submit_ms,
        "approve_ms": approve_ms,
        "code": f"approve {body.get('code') or ''}".strip(),
    }


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


def run(*, smoke: bool) -> list[Table]:
    from bench import fixtures

    count = 20 if smoke else 1_000
    budget = AMOUNT_FEN * count * 3 // 4
    program = fixtures.open_program(
        name="申领窗口基准创新券", budget_fen=budget, cap_fen=AMOUNT_FEN
    )
    reviewer = fixtures.token_for(fixtures.reviewer())
    people = fixtures.enterprises(count)
    run_key = f"window{time.time_ns()}"
    with gunicorn() as base:
        client = Client(base)
        started = time.perf_counter()
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(
                pool.map(
                    lambda person: _job(client, program.pk, person[1], reviewer, run_key), people
                )
            )
        seconds = time.perf_counter() - started
    program.refresh_from_db()
    proof = _verify(program, results)
    approve_ms = [r["approve_ms"] for r in results if r["submitted"]]
    approved = sum(1 for r in results if r["submitted"] and 200 <= r["status"] < 300)
    refused = {}
    for r in results:
        if not (200 <= r["status"] < 300):
            label = f"{r['status']} {r.get('code') or ''}".strip()
            refused[label] = refused.get(label, 0) + 1
    table = Table(
        f"Application window over HTTP (gunicorn {WORKERS} workers, {CLIENTS} client threads)",
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
        [
            [
                count,
                seconds,
                approved,
                approved / seconds,
                _percentile(approve_ms, 0.5),
                _percentile(approve_ms, 0.95),
                _percentile(approve_ms, 0.99),
                statistics.median(r["submit_ms"] for r in results),
                ", ".join(f"{n} × {label}" for label, n in sorted(refused.items())) or "none",
            ]
        ],
    )
    table.notes = [
        f"Each enterprise asks for {AMOUNT_FEN:,} fen; the budget covers 3/4 of them, one "
        "reviewer approves everything as it arrives, so the tail of approvals races for the "
        "last of the budget on its row lock.",
        f"Proof: {proof}.",
        "Client: threads with keep-alive `http.client` connections in the bench process (not "
        "wrk: the job is a fixed list of two dependent requests per enterprise).",
    ]
    return [table]
