"""A run's files: rendered into storage under fixed names, and downloaded (audited)."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from datetime import datetime
from typing import IO, NamedTuple

from django.core.files import File
from django.core.files.storage import default_storage

from accounts.audit import audit_record
from accounts.errors import Conflict, NotFound
from accounts.models import User
from accounts.transactions import service_transaction
from reporting.exporters import RENDERERS
from reporting.models import ReportFile, ReportRun
from reporting.services.access import require_run_visible
from reporting.services.documents import ReportDocument


class StoredFile(NamedTuple):
    name: str
    size_bytes: int
    sha256: str


def report_files_render(
    run: ReportRun, document: ReportDocument,
    progress: Callable[[int], None] | None = None,
) -> dict[str, StoredFile]:
    """Each format into a temporary file, then to storage under a fixed name (a retry
    overwrites it). Returns format → stored file. `progress(percent)` after each format (the
    caller's lease renews with it)."""
    stored = {}
    for index, (fmt, render) in enumerate(RENDERERS.items(), start=1):
        with tempfile.TemporaryFile() as handle:
            render(document, handle)
            size, digest = handle.tell(), _sha256(handle)
            name = f"reports/run-{run.pk}.{fmt}"
            if default_storage.exists(name):
                default_storage.delete(name)
            saved = default_storage.save(name, File(handle, name=name))
            stored[fmt] = StoredFile(name=saved, size_bytes=size, sha256=digest)
        if progress is not None:
            progress(80 + 5 * index)
    return stored


def report_files_record(run: ReportRun, files: dict[str, StoredFile]) -> None:
    """Point the run at its files; joins the caller's transaction."""
    for fmt, stored in files.items():
        ReportFile.objects.update_or_create(
            run=run, format=fmt,
            defaults={"file": stored.name, "size_bytes": stored.size_bytes,
                      "sha256": stored.sha256},
        )


def _sha256(handle: IO[bytes]) -> str:
    handle.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    handle.seek(0)
    return digest.hexdigest()


@service_transaction
def report_download(*, actor: User, run: ReportRun, fmt: str, now: datetime) -> ReportFile:
    """The file of a finished run, for an actor allowed to see its region; audited."""
    require_run_visible(actor, run, "report.download", now=now)
    if run.status != ReportRun.Status.SUCCEEDED:
        raise Conflict("报表尚未完成", code="report_not_ready")
    report_file = ReportFile.objects.filter(run=run, format=fmt).first()
    if report_file is None:
        raise NotFound("没有该格式的报表文件", code="not_found")
    audit_record(actor=actor, action="report_download", target=run, region=run.region,
                 now=now, after={"format": fmt, "kind": run.kind, "sha256": report_file.sha256})
    return report_file
