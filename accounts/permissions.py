"""The checks a service makes besides the role (which is the matrix's, accounts.access):
the region an authority acts for, an approved organisation, and impartiality. One function per
question, each raising AccessDenied; organisation_of only narrows the actor's organisation."""

from __future__ import annotations

from accounts.errors import AccessDenied
from accounts.models import Organisation, Region, User


def organisation_of(actor: User) -> Organisation:
    """The organisation a user with a role acts for. The database guarantees one
    (user_with_role_has_organisation) and services check the role first, so a missing one is
    a programming error, not a refusal."""
    organisation = actor.organisation
    if organisation is None:
        raise ValueError(f"user {actor.pk} has no organisation")
    return organisation


def require_approved_organisation(actor: User) -> Organisation:
    organisation = actor.organisation
    if organisation is None or not organisation.is_approved:
        raise AccessDenied("所属机构尚未通过审核", code="organisation_not_approved")
    return organisation


def require_region(actor: User, region: Region | int) -> None:
    """An authority user acts only for its own region (the role is checked before)."""
    region_id = region if isinstance(region, int) else region.pk
    if organisation_of(actor).region_id != region_id:
        raise AccessDenied("主管部门只能处理本地区的事务", code="other_region")


def require_impartial(
    actor: User, *organisations: Organisation | None, submitted_by: User | None = None
) -> None:
    """A reviewer may not decide on what they submitted or on organisations linked to them."""
    if submitted_by is not None and submitted_by.pk == actor.pk:
        raise AccessDenied("不能审核本人提交的事项", code="own_submission")
    ids = {organisation.pk for organisation in organisations if organisation is not None}
    if ids and actor.linked_organisations.filter(pk__in=ids).exists():
        raise AccessDenied("您与该事项涉及的机构存在利益关联，须回避", code="conflict_of_interest")
