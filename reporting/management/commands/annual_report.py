"""`manage.py annual_report --year 2024 --format xlsx --output FILE [--region JS]`.

Computed in this process under the run's lease, so it works beside a running worker."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Region
from reporting.management.commands._in_process import file_paths, run_in_process
from reporting.models import ReportRun


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
        run = run_in_process(command="annual_report", kind=ReportRun.Kind.ANNUAL_TOTALS,
                             region=region, parameters={"year": options["year"]})
        report_file = run.files.get(format=options["format"])
        with report_file.file.open("rb") as source, open(options["output"], "wb") as target:
            for chunk in iter(lambda: source.read(1 << 20), b""):
                target.write(chunk)
        self.stdout.write(
            f"run {run.pk}: wrote {options['output']} ({report_file.size_bytes} bytes)"
        )
        for path in file_paths(run):
            self.stdout.write(f"  {path}")
