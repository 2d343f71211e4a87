"""`python -m bench [--smoke] [--only NAME ...] [--profile]`: the benchmarks, on PostgreSQL.

Creates and migrates its own database (BENCH_DATABASE, default vouchers_bench) on
127.0.0.1:5432, afresh before each benchmark, runs each benchmark and, unless --smoke,
appends the tables with the machine and git revision to docs/benchmarks.md. --smoke runs
tiny sizes in seconds.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

from bench.common import DATABASE, SERVER, append_to_doc, machine, recreate_database

BENCHMARKS = {
    "ledger": "bench.ledger_throughput",
    "annual_totals": "bench.annual_totals",
    "application_window": "bench.application_window",
    "api": "bench.api",
    "exports": "bench.exports",
    "pages": "bench.pages",
    "as_of": "bench.as_of_balances",
    "bulk_review": "bench.bulk_review",
    "partitioning": "bench.partitioning",
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes; no docs written")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), default=None)
    parser.add_argument("--profile", action="store_true", help="profile single transfers")
    options = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    # Its own database only: a replica or direct address of another one must not come along.
    for variable in ("DATABASE_REPLICA_URL", "DATABASE_DIRECT_URL"):
        os.environ.pop(variable, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    recreate_database(DATABASE)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    header = machine()
    print(header, flush=True)
    if options.profile:
        from bench.ledger_throughput import profile

        print(profile())
        return 0
    tables = []
    run_started = time.monotonic()
    for index, name in enumerate(options.only or BENCHMARKS):
        started = time.monotonic()
        print(f"== {name}", flush=True)
        if index:
            # Each benchmark starts from an empty database: the annual totals copy whatever
            # year is there, and one benchmark's rows must not weigh on the next one's figures.
            from django.db import connections

            connections.close_all()
            recreate_database(DATABASE)
            call_command("migrate", verbosity=0)
        module = importlib.import_module(BENCHMARKS[name])
        produced = module.run(smoke=options.smoke)
        for table in produced:
            print(table.markdown(), flush=True)
        print(f"   {time.monotonic() - started:.0f} s", flush=True)
        tables += produced
    minutes = (time.monotonic() - run_started) / 60
    print(f"== all done in {minutes:.1f} min", flush=True)
    if not options.smoke:
        only = f" (`--only {' '.join(options.only)}`)" if options.only else ""
        append_to_doc(tables, f"{header}; the run took {minutes:.1f} min{only}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
