"""Benchmark 1: transfers per second through `ledger_post` against pgbench's TPC-B-like script.

Clients are processes (forked after the set-up, each with its own connection), each posting
for a fixed time; batches of 1 and of 100 transfers, spread over many accounts or all
debiting one hot budget account. pgbench runs on the same server with the same client
counts (`-s clients` for the spread case, `-s 1`, one branch, for the hot case).
"""

from __future__ import annotations

import multiprocessing
import random
import re
import subprocess
import time
from datetime import UTC, datetime

from django.utils import timezone

from bench.common import SERVER, Table, recreate_database

PGBENCH_DATABASE = "vouchers_bench_pgbench"
SPREAD_ACCOUNTS = 1000


def _now() -> datetime:
    return datetime.now(tz=UTC)


def _accounts(count: int) -> tuple[int, list[int]]:
    """A funded hot budget account and `count` plain accounts, made once per run.

    The plain accounts are bulk-created with the fields `account_open` would set.
    """
    from vouchers.ledger.models import Account
    from vouchers.ledger.services import TransferSpec, account_open, ledger_post

    stamp = f"{time.time_ns()}"
    source = account_open(
        kind=Account.Kind.FUNDING, owner_type="bench", owner_id=stamp, name="bench funding",
        now=timezone.now(),
    )
    budget = account_open(
        kind=Account.Kind.BUDGET,
        owner_type="bench",
        owner_id=stamp,
        name="bench budget",
        debits_must_not_exceed_credits=True,
        now=timezone.now(),
    )
    plain = Account.objects.bulk_create(
        Account(
            kind=Account.Kind.PAYABLE,
            owner_type="bench",
            owner_id=f"{stamp}:{n}",
            name=f"bench {n}",
            created_at=_now(),
        )
        for n in range(count)
    )
    ledger_post(
        transfers=[
            TransferSpec(
                idempotency_key=f"bench-fund-{stamp}",
                debit_account_id=source.pk,
                credit_account_id=budget.pk,
                amount_fen=10**15,
            )
        ],
        now=_now(),
    )
    return budget.pk, [account.pk for account in plain]


def _client(args: tuple) -> int:
    """One client: post batches until the time is up; returns the transfers posted."""
    from django.db import connection, transaction

    from vouchers.ledger.services import TransferSpec, ledger_post

    name, hot, plain, batch, seconds = args
    rng = random.Random(name)  # noqa: S311 - load, not secrets
    posted = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        specs = []
        for _ in range(batch):
            credit = rng.choice(plain)
            debit = hot if hot else rng.choice([pk for pk in rng.sample(plain, 2) if pk != credit])
            specs.append(
                TransferSpec(
                    idempotency_key=f"{name}-{posted + len(specs)}",
                    debit_account_id=debit,
                    credit_account_id=credit,
                    amount_fen=rng.randint(1, 10_000),
                )
            )
        with transaction.atomic():
            ledger_post(transfers=specs, now=_now())
        posted += batch
    connection.close()
    return posted


def ledger_rate(
    *, accounts: tuple[int, list[int]], clients: int, batch: int, hot: bool, seconds: float
) -> float:
    from django.db import connections

    budget, plain = accounts
    connections.close_all()  # children must open their own connections
    stamp = time.time_ns()
    jobs = [
        (f"bench-{stamp}-{n}", budget if hot else 0, plain, batch, seconds) for n in range(clients)
    ]
    started = time.monotonic()
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        total = sum(pool.map(_client, jobs))
    return total / (time.monotonic() - started)


def pgbench_rate(*, clients: int, hot: bool, seconds: float) -> float:
    scale = 1 if hot else clients
    base = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(  # noqa: S603 - fixed program and arguments
        ["pgbench", "-i", "-q", "-s", str(scale), *base, PGBENCH_DATABASE],  # noqa: S607
        check=True,
        capture_output=True,
    )
    out = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "pgbench",
            "-n",
            "-c",
            str(clients),
            "-j",
            str(clients),
            "-T",
            str(max(1, round(seconds))),
            *base,
            PGBENCH_DATABASE,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))


def run(*, smoke: bool) -> list[Table]:
    seconds = 1.0 if smoke else 8.0
    client_counts = (1,) if smoke else (1, 2, 4, 8)
    recreate_database(PGBENCH_DATABASE)
    accounts = _accounts(50 if smoke else SPREAD_ACCOUNTS)
    table = Table(
        "Ledger throughput (transfers/s through ledger_post; pgbench TPC-B-like tps)",
        ["accounts", "clients", "pgbench tps", "batch 1 /s", "ratio", "batch 100 /s", "ratio"],
    )
    for hot in (False, True):
        for clients in client_counts:
            floor = pgbench_rate(clients=clients, hot=hot, seconds=seconds)
            single = ledger_rate(
                accounts=accounts, clients=clients, batch=1, hot=hot, seconds=seconds
            )
            batched = ledger_rate(
                accounts=accounts, clients=clients, batch=100, hot=hot, seconds=seconds
            )
            table.rows.append(
                [
                    "one hot budget" if hot else f"{SPREAD_ACCOUNTS} spread",
                    clients,
                    floor,
                    single,
                    single / floor,
                    batched,
                    batched / floor,
                ]
            )
            print(f"  {table.rows[-1]}", flush=True)
    table.notes = [
        f"{seconds:.0f} s per cell; clients are processes with their own connections; each "
        "batch is one transaction (`transaction.atomic()` around `ledger_post`).",
        "Goals: batch 1 >= 0.3 of pgbench, batch 100 >= 10x pgbench in transfers/s.",
        f"pgbench: `pgbench -i -s <clients>` (hot: `-s 1`), `-c/-j <clients> -T {seconds:.0f}` "
        f"on {SERVER}.",
    ]
    return [table]


def profile(*, seconds: float = 5.0) -> str:
    """pyinstrument text profile of one client posting single transfers."""
    from pyinstrument import Profiler

    _budget, plain = _accounts(SPREAD_ACCOUNTS)
    profiler = Profiler()
    profiler.start()
    _client((f"profile-{time.time_ns()}", 0, plain, 1, seconds))
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)
