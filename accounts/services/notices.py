"""Public notice (公示) of institutions: objections and conclusion."""

from __future__ import annotations

from datetime import datetime

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import Conflict, InvalidInput
from accounts.models import Objection, Organisation, User
from accounts.permissions import require_region
from accounts.services.notifications import (
    notify_objection_lodged,
    notify_objection_resolved,
)
from accounts.services.organisations import organisation_move_status
from accounts.states import OBJECTION_TRANSITIONS, require_transition
from accounts.text import clean_text
from accounts.transactions import service_transaction


@service_transaction
def objection_lodge(
    *,
    organisation: Organisation,
    lodged_by: str,
    contact: str,
    text: str,
    now: datetime,
) -> Objection:
    """Anyone may object to an institution while its public notice runs."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    notice_ends_at = locked.notice_ends_at
    if (
        locked.status != Organisation.Status.NOTICE
        or notice_ends_at is None  # no end date means no notice running
        or now >= notice_ends_at
    ):
        raise Conflict("该机构不在公示期内，无法提出异议", code="not_in_notice")
    if not (lodged_by.strip() and contact.strip() and text.strip()):
        raise InvalidInput("请填写异议人、联系方式和异议内容", extra={"field": "text"})
    objection = Objection.objects.create(
        organisation=locked,
        lodged_by=clean_text(lodged_by, field="lodged_by", label="异议人", max_length=64),
        contact=clean_text(contact, field="contact", label="联系方式", max_length=64),
        text=clean_text(text, field="text", label="异议内容", max_length=2000, multiline=True),
        created_at=now,
    )
    audit_record(
        actor=None,
        action="objection_lodge",
        target=objection,
        organisation=locked,
        after={"lodged_by": objection.lodged_by},
        reason=objection.text,
        now=now,
    )
    notify_objection_lodged(objection, now=now)
    return objection


@service_transaction
def objection_resolve(
    *,
    actor: User,
    objection: Objection,
    upheld: bool,
    resolution: str,
    now: datetime,
) -> Objection:
    """The region's reviewer decides whether an objection stands, with reasons."""
    require_action(actor, "notice.conclude", now=now)
    require_region(actor, objection.organisation.region_id)
    if not resolution.strip():
        raise InvalidInput("请填写处理意见", extra={"field": "resolution"})
    target = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
    require_transition(OBJECTION_TRANSITIONS, Objection.Status, objection.status, target)
    updated = Objection.objects.filter(pk=objection.pk, status=Objection.Status.OPEN).update(
        status=target, resolution=resolution.strip(), resolved_at=now
    )
    if updated != 1:
        raise Conflict("该异议已被处理", code="concurrent_review")
    objection.refresh_from_db()
    audit_record(
        actor=actor,
        action=f"objection_{target}",
        target=objection,
        before={"status": Objection.Status.OPEN},
        after={"status": target},
        reason=resolution,
        region=objection.organisation.region,
        now=now,
    )
    notify_objection_resolved(objection, now=now)
    return objection


@service_transaction
def organisation_conclude_notice(
    *, actor: User | None, organisation: Organisation, now: datetime
) -> Organisation:
    """After the notice ends: admitted unless an objection was upheld; open ones block.

    `actor=None` is the nightly job, which concludes only notices that drew no objection.
    """
    if organisation.notice_ends_at is None or now < organisation.notice_ends_at:
        raise Conflict("公示期尚未结束", code="notice_running")
    objections = Objection.objects.filter(organisation=organisation)
    if objections.filter(status=Objection.Status.OPEN).exists():
        raise Conflict("尚有未处理的异议，请先处理", code="objections_open")
    upheld = objections.filter(status=Objection.Status.UPHELD).exists()
    if actor is None and objections.exists():
        raise Conflict("有异议的公示须由主管部门办结", code="needs_reviewer")
    target = Organisation.Status.REJECTED if upheld else Organisation.Status.APPROVED
    reason = "公示期内异议成立" if upheld else "公示期满无异议或异议不成立"
    return organisation_move_status(
        actor=actor, organisation=organisation, target=target, reason=reason, now=now
    )


def notices_conclude_due(*, now: datetime) -> int:
    """Admit every institution whose notice has ended without any objection."""
    due = Organisation.objects.filter(
        status=Organisation.Status.NOTICE, notice_ends_at__lte=now, objections__isnull=True
    ).order_by("pk")
    concluded = 0
    for organisation in due:  # few per night: each in its own transaction
        try:
            organisation_conclude_notice(actor=None, organisation=organisation, now=now)
        except Conflict:
            continue  # an objection arrived or a reviewer concluded it meanwhile
        concluded += 1
    return concluded
