"""`manage.py simulate_year --year 2024`: a realistic year built through the real services."""

from __future__ import annotations

import json
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from devtools.simulation import Timings, simulate_year
from devtools.simulation.engine import default_workers
from devtools.simulation.plan import at

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Build a simulated year of vouchers through the real services and print its figures."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--enterprises", type=int, default=6000)
        parser.add_argument("--institutions", type=int, default=3000)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="run groups of regions in this many processes (PostgreSQL only; the same "
            "figures for any number; default: one per core, at most 4, on PostgreSQL)",
        )
        parser.add_argument(
            "--through-services",
            action="store_true",
            help="register the parties one service call at a time instead of in bulk",
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        started = time.monotonic()
        timings = Timings()
        show = options["verbosity"] > 0 and not options["json"]
        if show:
            self.stdout.write("Set-up: authorities, programs, parties and their catalogues …")
        try:
            summary = simulate_year(
                year=options["year"],
                scale=options["scale"],
                seed=options["seed"],
                enterprises=options["enterprises"],
                institutions=options["institutions"],
                workers=options["workers"] or default_workers(),
                bulk_registration=not options["through_services"],
                progress=self._progress_bar(options["year"], started) if show else None,
                timings=timings,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if options["json"]:
            figures = summary.figures() | {"runtime": summary.runtime_seconds}
            self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=2))
            return
        self.stdout.write("")
        self._table(summary, timings)
        if not summary.ledger_ok:
            raise CommandError("ledger_verify found mismatches")

    def _progress_bar(self, year: int, started: float):
        first, last = at(year, 1, 1, hour=0), at(year + 1, 1, 1, hour=0)
        shown = [0.0]

        def progress(events: int, when: datetime) -> None:
            now = time.monotonic()
            if now - shown[0] < 0.5:
                return
            shown[0] = now
            done = min(max((when - first) / (last - first), 0.0), 1.0)
            filled = round(done * BAR_WIDTH)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self.stdout.write(
                f"\r[{bar}] {when:%Y-%m-%d} {events:>8,} events {now - started:>6.0f} s",
                ending="",
            )
            self.stdout.flush()

        return progress

    def _table(self, summary, timings: Timings) -> None:
        rows = [
            ("services (服务金额), CNY", f"{summary.service_fen / 100:,.2f}"),
            ("redeemed (兑付金额), CNY", f"{summary.redeemed_fen / 100:,.2f}"),
            ("paid, CNY", f"{summary.paid_fen / 100:,.2f}"),
            (
                "issued / budget, CNY",
                f"{summary.issued_fen / 100:,.2f} / {summary.budget_fen / 100:,.2f}",
            ),
            (
                "enterprises registered / applied / claimed",
                f"{summary.enterprises_registered} / {summary.enterprises} / "
                f"{summary.enterprises_claimed}",
            ),
            (
                "institutions registered / served",
                f"{summary.institutions_registered} / {summary.institutions}",
            ),
            ("cross-region orders", f"{summary.off_diagonal_orders}"),
        ]
        for name in (
            "applications",
            "vouchers",
            "orders",
            "deliveries",
            "redemptions",
            "batches",
            "refusals",
        ):
            rows.append((name, ", ".join(f"{k} {v}" for k, v in getattr(summary, name).items())))
        rows.append(
            (
                "ledger_verify",
                f"{'ok' if summary.ledger_ok else 'MISMATCHES'}, "
                f"{summary.transfers_checked} transfers",
            )
        )
        rate = timings.events_run / timings.events if timings.events else 0.0
        rows.append(
            (
                "runtime",
                f"{summary.runtime_seconds:.1f} s (set-up {timings.set_up:.1f} s, "
                f"{timings.events_run} events {timings.events:.1f} s = {rate:.1f}/s "
                f"in {timings.workers} worker(s), "
                f"figures and ledger check {timings.summary:.1f} s)",
            )
        )
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            self.stdout.write(f"{name:<{width}}  {value}")
