"""Setting up an installation: the platform operator, then each region's authority.

The operator and the authorities do not register themselves: `bootstrap_operator` makes the
first (on an empty database, with no actor), and that operator makes the authorities
(`create_authority`). Each step is one durable transaction with its audit lines.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.errors import Conflict, InvalidInput
from accounts.models import City, Organisation, Region, User
from accounts.services.organisations import user_add
from accounts.text import clean_text


@transaction.atomic(durable=True)
def operator_bootstrap(
    *, name: str, region: Region, username: str, password: str, email: str = "", now: datetime
) -> User:
    """The platform operator organisation and its first operator user, on a new installation.

    Refused (Conflict `operator_exists`) once any operator organisation exists: later operator
    users are made by an operator, in the admin.
    """
    if Organisation.objects.filter(kind=Organisation.Kind.OPERATOR).exists():
        raise Conflict(_("平台运营方已存在"), code="operator_exists")
    name = clean_text(name, field="name", label="单位名称", max_length=128)
    _require_new_login(username=username, password=password, email=email)
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.OPERATOR, name=name, region=region,
        status=Organisation.Status.APPROVED, reviewed_at=now,
    )
    _audit_organisation_create(actor=None, organisation=organisation, now=now)
    return user_add(actor=None, organisation=organisation, username=username,
                    password=password, role=User.Role.OPERATOR, email=email, now=now)


@transaction.atomic(durable=True)
def authority_create(
    *, actor: User, region: Region, name: str = "", now: datetime
) -> Organisation:
    """The operator admits the science and technology authority of a region (one per region);
    its name defaults to the region's `authority_name`."""
    require_action(actor, "organisation.manage", now=now)
    if Organisation.objects.filter(kind=Organisation.Kind.AUTHORITY, region=region).exists():
        raise Conflict(_("该省级区域的科技主管部门已存在"), code="authority_exists",
                       extra={"region": region.short_code})
    name = clean_text(name or region.authority_name, field="name", label="单位名称",
                      max_length=128)
    organisation = Organisation.objects.create(
        kind=Organisation.Kind.AUTHORITY, name=name, region=region,
        status=Organisation.Status.APPROVED, reviewed_at=now,
    )
    _audit_organisation_create(actor=actor, organisation=organisation, now=now)
    return organisation


@transaction.atomic(durable=True)
def authority_user_create(
    *, actor: User, organisation: Organisation, username: str, password: str, role: str,
    email: str = "", review_city: City | None = None, now: datetime,
) -> User:
    """The operator gives an authority a reviewer or finance user, or a city reviewer
    (first tier of two-tier review) for `review_city`, a city of the authority's region."""
    require_action(actor, "organisation.manage", now=now)
    if organisation.kind != Organisation.Kind.AUTHORITY:
        raise InvalidInput(_("只能为科技主管部门创建审核员或财务用户"), extra={"field": "role"})
    _require_new_login(username=username, password=password, email=email)
    return user_add(actor=actor, organisation=organisation, username=username,
                    password=password, role=role, email=email, review_city=review_city,
                    now=now)


def _require_new_login(*, username: str, password: str, email: str) -> None:
    if not username.strip():
        raise InvalidInput(_("用户名不能为空"), extra={"field": "username"})
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict(_("该用户名已被使用"), code="username_taken", extra={"field": "username"})
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), extra={"field": "password"}) from error


def _audit_organisation_create(
    *, actor: User | None, organisation: Organisation, now: datetime
) -> None:
    audit_record(
        actor=actor, action="organisation_create", target=organisation,
        organisation=organisation,
        after={"kind": organisation.kind, "name": organisation.name,
               "status": organisation.status, "region": organisation.region.short_code},
        region=organisation.region, now=now,
    )
