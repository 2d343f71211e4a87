"""Benchmark 9: partitioning the journal by year, decided by measurement (issue 23).

A journal spread over four years (2022–2025) is written with COPY into `ledger_transfer`, with
its indexes and constraints, as in production (the generator of benchmark 8). A copy of it,
range-partitioned by year on `created_at` (one partition per year and a default), gets the
same columns, checks, foreign keys to the accounts and indexes; PostgreSQL requires every
unique index of a partitioned table to hold the partition key, so the idempotency key, the
primary key and "a hold is resolved once" become unique per year only (with `created_at`),
and the self-reference of a resolution to its hold cannot be a foreign key. Both then answer:

- the year's flows: the last year's posted credits per account (the shape of the annual
  figures' journal reads), best of 3;
- one account's year: the hot account's credits in the last year, through
  (credit_account_id, created_at), median of 15;
- holds open at the last year's end (the annual funnel's `held`: pending before the end with
  no resolution before it), best of 3;
- inserts: single transfers of the ledger's shape, each its own transaction (its deferred
  foreign keys checked at commit), mean of `INSERTS`;
- size on disk, tables and indexes.

Sizes: `BENCH_PARTITION_SIZES` (comma-separated transfer counts; default 1 000 000; the
issue's 10 000 000 and 100 000 000 with `BENCH_PARTITION_SIZES=10000000,100000000`). The copy
is rebuilt from the journal at each size.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from django.db import connection

from bench.as_of_balances import bench_accounts, grow_journal
from bench.common import Table

FIRST_YEAR, YEARS = 2022, 4
START = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LAST_YEAR_START = datetime(FIRST_YEAR + YEARS - 1, 1, 1, tzinfo=UTC)
END = datetime(FIRST_YEAR + YEARS, 1, 1, tzinfo=UTC)
PLAIN, PARTITIONED = "ledger_transfer", "bench_journal_by_year"
INSERTS = 2_000
COLUMNS = ("id, idempotency_key, debit_account_id, credit_account_id, amount_fen, phase, "
           "pending_transfer_id, timeout_at, business_type, business_id, memo, actor_id, "
           "created_at")
# The journal's indexes (vouchers.ledger and reporting migrations) on the partitioned copy;
# the unique ones with the partition key, as PostgreSQL requires.
PARTITIONED_INDEXES = (
    "ALTER TABLE {t} ADD PRIMARY KEY (id, created_at)",
    "ALTER TABLE {t} ADD UNIQUE (idempotency_key, created_at)",
    "CREATE UNIQUE INDEX ON {t} (pending_transfer_id, created_at) "
    "WHERE pending_transfer_id IS NOT NULL",
    "CREATE INDEX ON {t} (actor_id)",
    "CREATE INDEX ON {t} (credit_account_id)",
    "CREATE INDEX ON {t} (debit_account_id)",
    "CREATE INDEX ON {t} (pending_transfer_id)",
    "CREATE INDEX ON {t} (business_type, business_id)",
    "CREATE INDEX ON {t} (phase, timeout_at)",
    "CREATE INDEX ON {t} (credit_account_id, created_at)",
    "ALTER TABLE {t} ADD FOREIGN KEY (debit_account_id) REFERENCES ledger_account (id) "
    "DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE {t} ADD FOREIGN KEY (credit_account_id) REFERENCES ledger_account (id) "
    "DEFERRABLE INITIALLY DEFERRED",
    "ALTER TABLE {t} ADD FOREIGN KEY (actor_id) REFERENCES accounts_user (id) "
    "DEFERRABLE INITIALLY DEFERRED",
)


def _sizes(smoke: bool) -> list[int]:
    if smoke:
        return [20_000]
    text = os.environ.get("BENCH_PARTITION_SIZES", "1000000")
    return [int(part) for part in text.split(",") if part.strip()]


def _execute(sql: str, params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _partitioned_copy() -> None:
    """The journal copied into a table partitioned by year, indexed after the copy."""
    _execute(f"DROP TABLE IF EXISTS {PARTITIONED}")
    _execute(f"CREATE TABLE {PARTITIONED} (LIKE {PLAIN} INCLUDING DEFAULTS INCLUDING "
             "CONSTRAINTS) PARTITION BY RANGE (created_at)")
    for year in range(FIRST_YEAR, FIRST_YEAR + YEARS):
        _execute(f"CREATE TABLE {PARTITIONED}_{year} PARTITION OF {PARTITIONED} "
                 f"FOR VALUES FROM ('{year}-01-01 00:00+00') TO ('{year + 1}-01-01 00:00+00')")
    _execute(f"CREATE TABLE {PARTITIONED}_later PARTITION OF {PARTITIONED} DEFAULT")
    _execute(f"INSERT INTO {PARTITIONED} ({COLUMNS}) SELECT {COLUMNS} FROM {PLAIN}")
    for statement in PARTITIONED_INDEXES:
        _execute(statement.format(t=PARTITIONED))
    _execute(f"ANALYZE {PARTITIONED}")


def _best_ms(sql: str, params: tuple, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        _execute(sql, params)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def _median_ms(sql: str, params: tuple, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        _execute(sql, params)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _insert_us(table: str, size: int, accounts: list[int], rng: random.Random) -> float:
    """Mean µs of one posted transfer inserted in its own transaction, dated in the last
    year (the live partition), with ids after the journal's."""
    (next_id,) = _execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0]
    at = END - timedelta(hours=1)
    started = time.perf_counter()
    for n in range(INSERTS):
        debit, credit = rng.sample(accounts, 2)
        _execute(
            f"INSERT INTO {table} ({COLUMNS}) VALUES "
            "(%s, %s, %s, %s, %s, 'posted', NULL, NULL, 'bench', '', '', NULL, %s)",
            (next_id + n, f"bench-insert:{table}:{size}:{n}", debit, credit,
             rng.randint(1, 100_000), at),
        )
    return (time.perf_counter() - started) / INSERTS * 1_000_000


def _size_mb(table: str) -> float:
    (size,) = _execute(  # a plain table has no partition tree
        "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) "
        "FROM pg_partition_tree(%s::regclass)), pg_total_relation_size(%s::regclass))",
        (table, table))[0]
    return float(size) / 1024 / 1024


def _measure(table: str, size: int, accounts: list[int], rng: random.Random) -> list[object]:
    year = (LAST_YEAR_START, END)
    flows = _best_ms(
        f"SELECT credit_account_id, sum(amount_fen), count(*) FROM {table} "
        "WHERE phase IN ('posted', 'post_pending') AND created_at >= %s AND created_at < %s "
        "GROUP BY credit_account_id", year)
    hot_year = _median_ms(
        f"SELECT sum(amount_fen) FROM {table} WHERE credit_account_id = %s "
        "AND created_at >= %s AND created_at < %s", (accounts[0], *year))
    held = _best_ms(
        f"SELECT count(*), coalesce(sum(p.amount_fen), 0) FROM {table} p "
        "WHERE p.phase = 'pending' AND p.created_at < %s AND NOT EXISTS ("
        f"SELECT 1 FROM {table} r WHERE r.pending_transfer_id = p.id AND r.created_at < %s)",
        (END, END))
    return [f"{size:,}", "by year" if table == PARTITIONED else "one table", flows, hot_year,
            held, _insert_us(table, size, accounts, rng), _size_mb(table)]


def run(*, smoke: bool) -> list[Table]:
    rng = random.Random(20221231)  # noqa: S311 - reproducible data, not secrecy
    accounts = bench_accounts()
    table = Table(
        "Partitioning the journal by year (ms; inserts µs each; size MB)",
        ["transfers", "journal", "last year's flows", "hot account's year",
         "held at year end", "insert", "size"],
    )
    have = 0
    try:
        for size in _sizes(smoke):
            started = time.monotonic()
            grow_journal(size, have, accounts, rng, start=START, span=END - START)
            have = size
            _execute(f"VACUUM ANALYZE {PLAIN}")
            _partitioned_copy()
            print(f"  {size:,} transfers and the copy written in "
                  f"{time.monotonic() - started:.0f} s", flush=True)
            for layout in (PLAIN, PARTITIONED):
                table.rows.append(_measure(layout, size, accounts, rng))
                print(f"  {table.rows[-1]}", flush=True)
            have += INSERTS  # the plain journal keeps the rows the insert test wrote
    finally:
        _execute(f"DROP TABLE IF EXISTS {PARTITIONED}")
    table.notes = [
        f"{YEARS} years of transfers ({FIRST_YEAR}–{FIRST_YEAR + YEARS - 1}), evenly spread; "
        "10,000 accounts, the hot one on one side of a tenth of them; one in ten a hold.",
        "By year: one partition a year and a default; the unique keys hold created_at (an "
        "idempotency key, and a hold's resolution, unique within a year only), and a "
        "resolution cannot reference its hold by a foreign key.",
        "Inserts: one posted transfer per transaction, dated in the last year, with the "
        "deferred foreign keys to the accounts checked at commit on both.",
    ]
    return [table]
