"""Load the demo data set for `make run`; safe to run again (creates nothing twice)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, load_accounts_demo


class Command(BaseCommand):
    help = "Load demo organisations, users and vouchers (idempotent) and print the demo logins."

    def handle(self, *args, **options) -> None:
        logins = load_accounts_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo_login in logins:
            self.stdout.write(
                f"  {demo_login.username:<18} {demo_login.role:<10} {demo_login.organisation}"
            )
