"""Load the demo data set for `make run`; safe to run again (creates nothing twice).

Refuses where the demo's published password could reach real users (devtools/demo/guards.py),
unless --force.
"""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from devtools.demo.accounts import DEMO_PASSWORD, load_accounts_demo
from devtools.demo.guards import demo_load_refusal
from devtools.demo.vouchers import demo_parties_from_usernames, load_voucher_demo


class Command(BaseCommand):
    help = "Load demo organisations, users and vouchers (idempotent) and print the demo logins."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--force", action="store_true",
            help="load the demo (users with its published password) even where it refuses",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        refusal = demo_load_refusal()
        if refusal is not None:
            if not options["force"]:
                raise CommandError(
                    f"load_demo refused: {refusal}. Its users share the published password "
                    f"{DEMO_PASSWORD!r}; pass --force only on a throwaway database."
                )
            self.stderr.write(
                f"WARNING: loading the demo although {refusal} (--force): its users' password "
                f"is the published {DEMO_PASSWORD!r}"
            )
        now = timezone.now()
        logins = load_accounts_demo(now=now)
        programs = load_voucher_demo(now=now, parties=demo_parties_from_usernames())
        self.stdout.write(f"Demo programs: {', '.join(str(program) for program in programs)}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for demo_login in logins:
            self.stdout.write(
                f"  {demo_login.username:<18} {demo_login.role:<10} {demo_login.organisation}"
            )
