"""Load the demo data set for `make run`; safe to run again (creates nothing twice)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from devtools.demo.accounts import DEMO_PASSWORD, load_accounts_demo
from devtools.demo.vouchers import demo_parties_from_usernames, load_voucher_demo


class Command(BaseCommand):
    help = "Load demo organisations, users and vouchers (idempotent) and print the demo logins."

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        logins = load_accounts_demo(now=now)
        programs = load_voucher_demo(now=now, parties=demo_parties_from_usernames())
        self.stdout.write(f"Demo programs: {', '.join(str(program) for program in programs)}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo_login in logins:
            self.stdout.write(
                f"  {demo_login.username:<18} {demo_login.role:<10} {demo_login.organisation}"
            )
