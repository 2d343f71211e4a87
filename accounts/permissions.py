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
