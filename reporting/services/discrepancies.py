"""Reconciliation discrepancies, closed by the authority of their region."""

from __future__ import annotations

from datetime import datetime

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, Conflict, InvalidInput
from accounts.models import User
from accounts.transactions import service_transaction
from reporting.models import Discrepancy


@service_transaction
def discrepancy_resolve(
    *, actor: User, discrepancy: Discrepancy, note: str, now: datetime
) -> Discrepancy:
    """An authority user of the discrepancy's region closes it with a note (audited)."""
    require_action(actor, "reconciliation.resolve", now=now)
    if actor.region_id_or_none != discrepancy.region_id:
        raise AccessDenied("只能处理本地区的对账差异", code="other_region")
    if not note.strip():
        raise InvalidInput("请填写处理说明", extra={"field": "note"})
    updated = Discrepancy.objects.filter(pk=discrepancy.pk, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor, resolution_note=note.strip())
    if updated != 1:
        raise Conflict("该差异已处理", code="discrepancy_already_resolved")
    discrepancy.refresh_from_db()
    audit_record(actor=actor, action="discrepancy_resolve", target=discrepancy,
                 region=discrepancy.region, now=now, reason=note.strip(),
                 before={"resolved": False}, after={"resolved": True, "kind": discrepancy.kind},
                 amount_fen=discrepancy.actual_fen)
    return discrepancy
