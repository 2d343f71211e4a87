"""Which region's reports an actor may ask for, see and download."""

from __future__ import annotations

from datetime import datetime

from accounts.access import Scope, require_action
from accounts.errors import AccessDenied, NotFound
from accounts.models import Region, User
from accounts.permissions import organisation_of
from reporting.models import ReportRun


def report_scope_region(
    actor: User | None, region: Region | None, *, now: datetime
) -> Region | None:
    """The region a run of `actor` covers: an authority only its own; the operator any."""
    if actor is None:
        return region
    scope = require_action(actor, "report.request", now=now)
    if scope == Scope.ALL:
        return region
    own = organisation_of(actor).region
    if region is not None and region.pk != own.pk:
        raise AccessDenied("主管部门只能申请本地区的报表", code="other_region")
    return own


def require_run_visible(
    actor: User, run: ReportRun, action: str = "report.view", *, now: datetime
) -> None:
    """NotFound unless `actor` may take `action` on this run's region (no existence leak)."""
    scope = require_action(actor, action, now=now)
    if scope != Scope.ALL and run.region_id != actor.region_id_or_none:
        raise NotFound("报表不存在", code="not_found")
