"""`manage.py simulate_year --year 2024`: a realistic year built through the services."""

from __future__ import annotations

import json
import time
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError

from vouchers.simulation import simulate_year


class Command(BaseCommand):
    help = "Build a simulated year of vouchers through the real services and print its figures."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--enterprises", type=int, default=6000)
        parser.add_argument("--institutions", type=int, default=3000)
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args, **options):
        started = time.monotonic()
        last = [0.0]

        def progress(events: int, when: datetime) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.5:
                last[0] = now
                self.stdout.write(
                    f"\r{when:%Y-%m-%d} {events:>8} events {now - started:>7.0f} s", ending=""
                )
                self.stdout.flush()

        try:
            summary = simulate_year(
                year=options["year"],
                scale=options["scale"],
                seed=options["seed"],
                enterprises=options["enterprises"],
                institutions=options["institutions"],
                progress=progress if options["verbosity"] > 0 else None,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write("")
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    summary.figures() | {"runtime": summary.runtime_seconds},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
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
        rows.append(("runtime", f"{summary.runtime_seconds:.1f} s"))
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            self.stdout.write(f"{name:<{width}}  {value}")
        if not summary.ledger_ok:
            raise CommandError("ledger_verify found mismatches")
