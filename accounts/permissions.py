"""Role checks shared by every service. One function per question, each raising AccessDenied."""

from __future__ import annotations

from accounts.errors import AccessDenied
from accounts.models import Organisation, Region, User

AUTHORITY_ROLES = (User.Role.AUTHORITY_REVIEWER, User.Role.AUTHORITY_FINANCE)


def require_role(actor: User, *roles: str) -> None:
    if not actor.is_authenticated or actor.role not in roles:
        raise AccessDenied("您的角色无权执行此操作", extra={"role": getattr(actor, "role", "")})


def require_approved_organisation(actor: User) -> Organisation:
    organisation = actor.organisation
    if organisation is None or not organisation.is_approved:
        raise AccessDenied("所属机构尚未通过审核", code="organisation_not_approved")
    return organisation


def require_authority_of(actor: User, region: Region | int, *roles: str) -> None:
    """The actor is an authority user (of one of `roles`) acting for `region`."""
    require_role(actor, *(roles or AUTHORITY_ROLES))
    region_id = region if isinstance(region, int) else region.pk
    if actor.organisation.region_id != region_id:
        raise AccessDenied("主管部门只能处理本地区的事务", code="other_region")


def require_operator(actor: User) -> None:
    require_role(actor, User.Role.OPERATOR)


def require_impartial(actor: User, *organisations: Organisation | None, submitted_by=None) -> None:
    """A reviewer may not decide on what they submitted or on organisations linked to them."""
    if submitted_by is not None and submitted_by.pk == actor.pk:
        raise AccessDenied("不能审核本人提交的事项", code="own_submission")
    ids = {organisation.pk for organisation in organisations if organisation is not None}
    if ids and actor.linked_organisations.filter(pk__in=ids).exists():
        raise AccessDenied("您与该事项涉及的机构存在利益关联，须回避", code="conflict_of_interest")
