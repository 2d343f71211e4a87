"""Benchmark 7: balances as of a past moment (`vouchers.ledger.as_of`) at growing journals.

A synthetic journal is written with COPY: `ACCOUNTS` accounts, one of them hot (a budget-like
account on one side of a tenth of all transfers), transfers spread evenly over one year, one
in ten a hold of which four in five are later posted (partially) or voided. The sizes come
from `BENCH_AS_OF_SIZES` (comma-separated transfer counts; default 100 000 and 1 000 000, the
issue's 10 000 000 with `BENCH_AS_OF_SIZES=10000000`). For each size: the median time of
`account_balances_as_of` for an ordinary account and for the hot account, as of mid-year and
as of the year's end, and the plan's index for each side.

The COPY skips the journal's row triggers (`session_replication_role = replica`: the foreign
keys are generated consistently) and leaves the accounts' stored balances at zero (nothing
here reads them). Indexes stay in place, as in production.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench.common import Table

ACCOUNTS = 10_000
HOT_SHARE = 10  # one transfer in HOT_SHARE touches the hot account
YEAR_START = datetime(2025, 1, 1, tzinfo=UTC)
YEAR = timedelta(days=365)
REPEATS = 15


def _sizes(smoke: bool) -> list[int]:
    if smoke:
        return [20_000]
    text = os.environ.get("BENCH_AS_OF_SIZES", "100000,1000000")
    return [int(part) for part in text.split(",") if part.strip()]


def bench_accounts() -> list[int]:
    from vouchers.ledger.models import Account

    Account.objects.bulk_create(
        Account(kind=Account.Kind.PAYABLE, owner_type="bench", owner_id=str(n),
                name=f"bench {n}", created_at=YEAR_START)
        for n in range(ACCOUNTS)
    )
    return list(Account.objects.order_by("pk").values_list("pk", flat=True))


def _line(pk: int, debit: int, credit: int, amount: int, phase: str, hold: str,
          at: datetime) -> str:
    cells = [pk, f"k{pk}", debit, credit, amount, phase, hold, at.isoformat(), "", "", ""]
    return "\t".join(str(cell) for cell in cells) + "\n"


def _rows(count: int, first_id: int, accounts: list[int], rng: random.Random,
          start: datetime, span: timedelta):
    """Tab-separated journal rows, ids from `first_id`, times non-decreasing over `span`."""
    hot, open_holds = accounts[0], []
    step = span / count
    for n in range(count):
        pk, at = first_id + n, start + step * n
        if open_holds and rng.random() < 0.08:
            hold_pk, debit, credit, amount = open_holds.pop(rng.randrange(len(open_holds)))
            phase = "post_pending" if rng.random() < 0.6 else "void_pending"
            amount = rng.randint(1, amount) if phase == "post_pending" else amount
            yield _line(pk, debit, credit, amount, phase, str(hold_pk), at)
            continue
        debit, credit = rng.sample(accounts, 2)
        if n % HOT_SHARE == 0:
            debit = hot if credit != hot else debit
        amount = rng.randint(1, 100_000)
        phase = "pending" if rng.random() < 0.1 else "posted"
        if phase == "pending":
            open_holds.append((pk, debit, credit, amount))
        yield _line(pk, debit, credit, amount, phase, "\\N", at)


def grow_journal(to: int, have: int, accounts: list[int], rng: random.Random, *,
                 start: datetime = YEAR_START, span: timedelta = YEAR) -> None:
    """The journal from `have` to `to` transfers by COPY, the new ones spread over `span`."""
    columns = ("id, idempotency_key, debit_account_id, credit_account_id, amount_fen, phase, "
               "pending_transfer_id, created_at, business_type, business_id, memo")
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        with cursor.cursor.copy(f"COPY ledger_transfer ({columns}) FROM STDIN") as copy:
            for row in _rows(to - have, have + 1, accounts, rng, start, span):
                copy.write(row)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("ANALYZE ledger_transfer")


def _median_ms(account_id: int, moment: datetime) -> float:
    from vouchers.ledger.as_of import account_balances_as_of

    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        account_balances_as_of(account_ids=[account_id], moment=moment)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _indexes(account_id: int, moment: datetime) -> str:
    """The indexes the plans of the two sides use (EXPLAIN of the ORM's own queries)."""
    from vouchers.ledger import as_of

    used = []
    for side in ("debit_account", "credit_account"):
        rows = as_of.journal_as_of(moment).filter(**{f"{side}_id__in": [account_id]})
        plan = rows.explain()
        used.append(next((word for line in plan.splitlines() for word in line.split()
                          if word.startswith(("ledger_transfer_", "reporting_transfer_"))),
                         "sequential scan"))
    return " / ".join(used)


def run(*, smoke: bool) -> list[Table]:
    rng = random.Random(20251231)  # noqa: S311 - reproducible data, not secrecy
    accounts = bench_accounts()
    ordinary = accounts[len(accounts) // 2]
    table = Table(
        "Balances as of a moment (account_balances_as_of, median of 15, ms)",
        ["transfers", "ordinary, mid-year", "ordinary, year end", "hot, mid-year",
         "hot, year end", "indexes (debit / credit side)"],
    )
    have = 0
    for size in _sizes(smoke):
        started = time.monotonic()
        grow_journal(size, have, accounts, rng)
        have = size
        print(f"  {size:,} transfers written in {time.monotonic() - started:.0f} s", flush=True)
        middle, end = YEAR_START + YEAR / 2, YEAR_START + YEAR
        table.rows.append([
            f"{size:,}", _median_ms(ordinary, middle), _median_ms(ordinary, end),
            _median_ms(accounts[0], middle), _median_ms(accounts[0], end),
            _indexes(accounts[0], middle),
        ])
        print(f"  {table.rows[-1]}", flush=True)
    table.notes = [
        f"{ACCOUNTS:,} accounts; the hot one is on one side of a tenth of the transfers; "
        "one in ten is a hold, most later posted in part or voided.",
        "Each call is two queries (one per side, grouped by account); a hold counts as "
        "pending unless a resolution made by the moment exists (looked up through the "
        "pending_transfer_id index).",
        "No index was added for it: the debit side reads the account's rows through "
        "debit_account_id and filters created_at; the credit side uses (credit_account_id, "
        "created_at), kept for the annual figures.",
    ]
    return [table]
