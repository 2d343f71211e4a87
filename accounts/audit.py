"""Writing the audit trail. Each service calls `audit_record` inside its own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from accounts.context import current_ip_address
from accounts.models import AuditEntry, Organisation, Region, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    amount_fen: int | None = None,
    organisation: Organisation | None = None,
    region: Region | None = None,
    now: datetime,
) -> AuditEntry:
    """Append one audit line. `region` is the region whose authority may read it."""
    entry = audit_entry_build(
        actor=actor, action=action, target=target, before=before, after=after, reason=reason,
        amount_fen=amount_fen, organisation=organisation, region=region, now=now,
    )
    entry.save(force_insert=True)
    return entry


def audit_entry_build(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    amount_fen: int | None = None,
    organisation: Organisation | None = None,
    region: Region | None = None,
    now: datetime,
) -> AuditEntry:
    """The unsaved line `audit_record` appends, for paths that insert lines in bulk."""
    if organisation is None and actor is not None and actor.organisation_id:
        organisation = actor.organisation
    if region is None and organisation is not None:
        region = organisation.region
    return AuditEntry(
        created_at=now,
        actor=actor if actor is not None and actor.pk else None,
        organisation=organisation,
        region=region,
        ip_address=current_ip_address.get(),
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        before=before,
        after=after,
        reason=reason,
        amount_fen=amount_fen,
    )
