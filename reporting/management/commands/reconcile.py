"""`manage.py reconcile --region JS --from 2024-01-01 --to 2024-12-31`: the same services,
computed in this process under the run's lease, so it works beside a running worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Region
from reporting.management.commands._in_process import file_paths, run_in_process
from reporting.models import ReportRun


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
        run = run_in_process(
            command="reconcile", kind=ReportRun.Kind.RECONCILIATION, region=region,
            parameters={"date_from": options["date_from"], "date_to": options["date_to"],
                        "due_days": options["due_days"]},
        )
        counts = run.result.get("counts", {})
        self.stdout.write(f"run {run.pk} {run.status}: {run.result['total']} discrepancies")
        for kind, count in sorted(counts.items()):
            self.stdout.write(f"  {kind}: {count}")
        for path in file_paths(run):
            self.stdout.write(f"  {path}")
