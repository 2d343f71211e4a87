"""`manage.py ledger_verify`: recompute balances from the journal; exit non-zero on a mismatch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from vouchers.ledger.selectors import ledger_verify


class Command(BaseCommand):
    help = "Recompute every account's balances from the journal and check debits equal credits."

    def handle(self, *args: Any, **options: Any) -> None:
        report = ledger_verify()
        self.stdout.write(
            f"Checked {report.accounts_checked} accounts and {report.transfers_checked} "
            "transfers: balances against the journal, debits against credits per phase, "
            "posts and voids against their holds."
        )
        for name, total in report.totals.items():
            self.stdout.write(f"  total {name}: {total}")
        if report.ok:
            self.stdout.write(self.style.SUCCESS("Ledger OK"))
            return
        for mismatch in report.mismatches:
            self.stderr.write(f"MISMATCH {mismatch}")
        raise CommandError(f"{len(report.mismatches)} mismatch(es) found")
