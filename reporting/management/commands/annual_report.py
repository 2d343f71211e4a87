"""`manage.py annual_report --year 2024 --format xlsx --output FILE [--region JS]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.errors import ApplicationError
from accounts.models import Region
from reporting.models import ReportRun
from reporting.services import runs


class Command(BaseCommand):
    help = "Compute (or reuse) the annual totals and write one of its files."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["csv", "xlsx", "pdf"], default="xlsx")
        parser.add_argument("--output", required=True)
        parser.add_argument("--region", default=None, help="limit to one region (JS, SH, …)")

    def handle(self, *args, **options):
        region = None
        if options["region"]:
            region = Region.objects.filter(short_code=options["region"].upper()).first()
            if region is None:
                raise CommandError(f"unknown region {options['region']}")
        try:
            run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS,
                                      region=region, parameters={"year": options["year"]},
                                      now=timezone.now())
            run = runs.report_run_execute(run_id=run.pk, now=timezone.now())
        except ApplicationError as error:
            raise CommandError(error.message) from error
        report_file = run.files.get(format=options["format"])
        with report_file.file.open("rb") as source, open(options["output"], "wb") as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        self.stdout.write(
            f"run {run.pk}: wrote {options['output']} ({report_file.size_bytes} bytes)"
        )
