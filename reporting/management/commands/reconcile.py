"""`manage.py reconcile --region JS --from 2024-01-01 --to 2024-12-31`: the same services."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.errors import ApplicationError
from accounts.models import Region
from reporting.models import ReportRun
from reporting.services import runs


class Command(BaseCommand):
    help = "Reconcile one region's redemptions, ledger postings and treasury payments."

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="JS, SH, ZJ or AH")
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--due-days", type=int, default=None)

    def handle(self, *args, **options):
        region = Region.objects.filter(short_code=options["region"].upper()).first()
        if region is None:
            raise CommandError(f"unknown region {options['region']}")
        try:
            run = runs.report_request(
                actor=None, kind=ReportRun.Kind.RECONCILIATION, region=region, now=timezone.now(),
                parameters={"date_from": options["date_from"], "date_to": options["date_to"],
                            "due_days": options["due_days"]},
            )
            run = runs.report_run_execute(run_id=run.pk, now=timezone.now())
        except ApplicationError as error:
            raise CommandError(error.message) from error
        counts = run.result.get("counts", {})
        self.stdout.write(f"run {run.pk} {run.status}: {run.result['total']} discrepancies")
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"  {kind}: {count}")
