"""An institution's service catalogue (InstitutionService): what it may be ordered for."""

from __future__ import annotations

from datetime import datetime

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import AccessDenied, InvalidInput
from accounts.models import User
from accounts.permissions import organisation_of
from accounts.transactions import service_transaction
from vouchers.models import InstitutionService, ServiceCategory


@service_transaction
def catalogue_entry_add(
    *, actor: User, category: ServiceCategory, price_note: str, now: datetime
) -> InstitutionService:
    """The institution lists a category (again, if it was removed), with a price note."""
    require_action(actor, "catalogue.manage", now=now)
    institution = organisation_of(actor)
    if not category.is_active:
        raise InvalidInput("该服务类别已停用", extra={"field": "category"})
    entry = (
        InstitutionService.objects.select_for_update()
        .filter(institution=institution, category=category)
        .first()
    )
    if entry is not None and entry.is_active:
        raise InvalidInput(
            f"服务目录中已有「{category.name}」", code="already_listed", extra={"field": "category"}
        )
    before = None if entry is None else {"is_active": False, "price_note": entry.price_note}
    if entry is None:
        entry = InstitutionService.objects.create(
            institution=institution, category=category, price_note=price_note.strip()
        )
    else:
        InstitutionService.objects.filter(pk=entry.pk).update(
            is_active=True, price_note=price_note.strip()
        )
        entry.refresh_from_db()
    audit_record(
        actor=actor,
        action="catalogue_entry_add",
        target=entry,
        region=institution.region,
        now=now,
        before=before,
        after={"is_active": True, "category": category.code, "price_note": entry.price_note},
    )
    return entry


@service_transaction
def catalogue_entry_remove(
    *, actor: User, entry: InstitutionService, now: datetime
) -> InstitutionService:
    """The institution stops offering a category; open orders are not affected."""
    require_action(actor, "catalogue.manage", now=now)
    if entry.institution_id != actor.organisation_id:
        raise AccessDenied("只能修改本机构的服务目录", code="not_your_catalogue")
    updated = InstitutionService.objects.filter(pk=entry.pk, is_active=True).update(
        is_active=False
    )
    if updated != 1:
        raise InvalidInput("该服务已从目录中移除", code="already_removed")
    entry.is_active = False
    audit_record(
        actor=actor,
        action="catalogue_entry_remove",
        target=entry,
        region=organisation_of(actor).region,
        now=now,
        before={"is_active": True},
        after={"is_active": False},
    )
    return entry
