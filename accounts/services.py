"""Use cases of organisations and users. Each public service is one durable transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.credit_codes import locate_credit_code
from accounts.errors import Conflict, InvalidInput
from accounts.models import City, Objection, Organisation, User
from accounts.permissions import require_authority_of, require_operator
from accounts.states import OBJECTION_TRANSITIONS, ORGANISATION_TRANSITIONS, require_transition

ROLES_BY_KIND = {
    Organisation.Kind.ENTERPRISE: {User.Role.ENTERPRISE},
    Organisation.Kind.INSTITUTION: {User.Role.INSTITUTION},
    Organisation.Kind.AUTHORITY: {User.Role.AUTHORITY_REVIEWER, User.Role.AUTHORITY_FINANCE},
    Organisation.Kind.OPERATOR: {User.Role.OPERATOR},
}
SELF_REGISTERING_ROLES = {
    Organisation.Kind.ENTERPRISE: User.Role.ENTERPRISE,
    Organisation.Kind.INSTITUTION: User.Role.INSTITUTION,
}


@transaction.atomic(durable=True)
def organisation_register(
    *,
    kind: str,
    name: str,
    credit_code: str,
    username: str,
    password: str,
    email: str = "",
    legal_representative: str = "",
    contact_phone: str = "",
    address: str = "",
    now: datetime | None = None,
) -> User:
    """Self-registration of an enterprise or institution: a pending organisation and its user.

    The region and city come from the credit code; the region's authority approves later.
    """
    if kind not in SELF_REGISTERING_ROLES:
        raise InvalidInput("只有企业和服务机构可以自行注册", extra={"field": "kind"})
    located = locate_credit_code(credit_code)
    if Organisation.objects.filter(credit_code=located.code).exists():
        raise Conflict(
            "该统一社会信用代码已注册", code="credit_code_taken", extra={"field": "credit_code"}
        )
    if User.objects.filter(username__iexact=username).exists():
        raise Conflict("该用户名已被使用", code="username_taken", extra={"field": "username"})
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), extra={"field": "password"}) from error
    organisation = Organisation.objects.create(
        kind=kind,
        name=name.strip(),
        credit_code=located.code,
        region=located.region,
        city=located.city,
        legal_representative=legal_representative.strip(),
        contact_phone=contact_phone.strip(),
        address=address.strip(),
    )
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        organisation=organisation,
        role=SELF_REGISTERING_ROLES[kind],
    )
    audit_record(
        actor=user,
        action="organisation_register",
        target=organisation,
        after={"status": organisation.status, "credit_code": located.code, "kind": kind},
        now=now,
    )
    return user


@transaction.atomic(durable=True)
def organisation_approve(
    *, actor: User, organisation: Organisation, reason: str = "", now: datetime | None = None
) -> Organisation:
    """The authority of the organisation's region approves a registration.

    An enterprise is admitted at once; an institution enters its public notice (公示) of
    INSTITUTION_NOTICE_DAYS and is admitted when the notice is concluded.
    """
    now = now or timezone.now()
    if organisation.kind == Organisation.Kind.INSTITUTION:
        notice_ends_at = now + timedelta(days=settings.INSTITUTION_NOTICE_DAYS)
        return _organisation_review(
            actor=actor,
            organisation=organisation,
            target=Organisation.Status.NOTICE,
            reason=reason,
            now=now,
            notice_ends_at=notice_ends_at,
        )
    return _organisation_review(
        actor=actor,
        organisation=organisation,
        target=Organisation.Status.APPROVED,
        reason=reason,
        now=now,
    )


@transaction.atomic(durable=True)
def organisation_reject(
    *, actor: User, organisation: Organisation, reason: str, now: datetime | None = None
) -> Organisation:
    """The authority of the organisation's region refuses it, with a reason."""
    if not reason.strip():
        raise InvalidInput("驳回时必须填写原因", extra={"field": "reason"})
    return _organisation_review(
        actor=actor,
        organisation=organisation,
        target=Organisation.Status.REJECTED,
        reason=reason,
        now=now,
    )


def _organisation_review(
    *,
    actor: User | None,
    organisation: Organisation,
    target: str,
    reason: str,
    now: datetime | None,
    **fields: object,
) -> Organisation:
    if actor is not None:  # None only for the scheduled conclusion of an unopposed notice
        require_authority_of(actor, organisation.region_id, User.Role.AUTHORITY_REVIEWER)
    now = now or timezone.now()
    current = organisation.status
    require_transition(
        ORGANISATION_TRANSITIONS, Organisation.Status, current, target, record=organisation.name
    )
    # Compare-and-set: a concurrent review of the same organisation updates nothing here.
    updated = Organisation.objects.filter(pk=organisation.pk, status=current).update(
        status=target, reviewed_at=now, **fields
    )
    if updated != 1:
        raise Conflict("该机构已被他人审核，请刷新后查看", code="concurrent_review")
    organisation.refresh_from_db()
    audit_record(
        actor=actor,
        action=f"organisation_{target}",
        target=organisation,
        before={"status": current},
        after={"status": target},
        reason=reason,
        region=organisation.region,
        now=now,
    )
    return organisation


@transaction.atomic(durable=True)
def objection_lodge(
    *,
    organisation: Organisation,
    lodged_by: str,
    contact: str,
    text: str,
    now: datetime | None = None,
) -> Objection:
    """Anyone may object to an institution while its public notice runs."""
    now = now or timezone.now()
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if locked.status != Organisation.Status.NOTICE or now >= locked.notice_ends_at:
        raise Conflict("该机构不在公示期内，无法提出异议", code="not_in_notice")
    if not (lodged_by.strip() and contact.strip() and text.strip()):
        raise InvalidInput("请填写异议人、联系方式和异议内容", extra={"field": "text"})
    objection = Objection.objects.create(
        organisation=locked,
        lodged_by=lodged_by.strip(),
        contact=contact.strip(),
        text=text.strip(),
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
    return objection


@transaction.atomic(durable=True)
def objection_resolve(
    *,
    actor: User,
    objection: Objection,
    upheld: bool,
    resolution: str,
    now: datetime | None = None,
) -> Objection:
    """The region's reviewer decides whether an objection stands, with reasons."""
    require_authority_of(actor, objection.organisation.region_id, User.Role.AUTHORITY_REVIEWER)
    if not resolution.strip():
        raise InvalidInput("请填写处理意见", extra={"field": "resolution"})
    now = now or timezone.now()
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
    return objection


@transaction.atomic(durable=True)
def organisation_conclude_notice(
    *, actor: User | None, organisation: Organisation, now: datetime | None = None
) -> Organisation:
    """After the notice ends: admitted unless an objection was upheld; open ones block.

    `actor=None` is the nightly job, which concludes only notices that drew no objection.
    """
    now = now or timezone.now()
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
    return _organisation_review(
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


@transaction.atomic(durable=True)
def city_set_common_area(
    *, actor: User, city: City, in_common_area: bool, reason: str, now: datetime | None = None
) -> City:
    """The platform operator moves a city into or out of the common-use area (通用区域)."""
    require_operator(actor)
    if not reason.strip():
        raise InvalidInput("修改通用区域必须填写原因", extra={"field": "reason"})
    before = City.objects.select_for_update().get(pk=city.pk).in_common_area
    City.objects.filter(pk=city.pk).update(in_common_area=in_common_area)
    city.refresh_from_db()
    audit_record(
        actor=actor,
        action="city_common_area_changed",
        target=city,
        before={"in_common_area": before},
        after={"in_common_area": in_common_area},
        reason=reason,
        region=city.region,
        now=now,
    )
    return city


@transaction.atomic(durable=True)
def user_create(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    password: str,
    role: str,
    email: str = "",
    now: datetime | None = None,
) -> User:
    """A user for an existing organisation (the operator's admin, the demo loader)."""
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise InvalidInput("角色与机构类型不符", extra={"field": "role"})
    user = User.objects.create_user(
        username=username, password=password, email=email, organisation=organisation, role=role
    )
    audit_record(
        actor=actor,
        action="user_create",
        target=user,
        organisation=organisation,
        after={"username": username, "role": role},
        now=now,
    )
    return user
