"""Registration and review of organisations, and their users."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.access import require_action
from accounts.audit import audit_record
from accounts.credit_codes import locate_credit_code
from accounts.errors import Conflict, InvalidInput
from accounts.identity import controller_identity
from accounts.models import City, Organisation, User
from accounts.permissions import require_impartial, require_region
from accounts.services.admission import (
    check_institution_admission,
    region_rules_of,
    registration_documents_store,
)
from accounts.services.notifications import notify_registration_decided
from accounts.states import ORGANISATION_TRANSITIONS, require_transition
from accounts.text import clean_text
from accounts.token_cache import forget_tokens_of
from accounts.transactions import service_transaction
from accounts.uploads import Upload

# Recorded when the region has set no wording of its own.
DEFAULT_STATEMENT = ("本机构承诺所填信息和所交材料真实、完整，遵守科研诚信要求，"
                     "不以虚假服务、虚开发票等方式套取创新券资金，如有违反愿承担相应责任。")

ROLES_BY_KIND: dict[str, set[str]] = {
    Organisation.Kind.ENTERPRISE: {User.Role.ENTERPRISE},
    Organisation.Kind.INSTITUTION: {User.Role.INSTITUTION},
    Organisation.Kind.AUTHORITY: {User.Role.AUTHORITY_REVIEWER, User.Role.AUTHORITY_FINANCE,
                                  User.Role.CITY_REVIEWER},
    Organisation.Kind.OPERATOR: {User.Role.OPERATOR},
}
SELF_REGISTERING_ROLES: dict[str, str] = {
    Organisation.Kind.ENTERPRISE: User.Role.ENTERPRISE,
    Organisation.Kind.INSTITUTION: User.Role.INSTITUTION,
}


@service_transaction
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
    actual_controller: str = "",
    actual_controller_identifier: str = "",
    founded_on: date | None = None,
    integrity_declared: bool = False,
    documents: Mapping[str, Upload] | None = None,
    now: datetime,
) -> User:
    """Self-registration of an enterprise or institution: a pending organisation and its user.

    The region comes from the credit code, and the city where the code tells it; otherwise the
    city is left for the reviewer (`organisation_set_city`), who approves later. An
    institution must pass its region's admission rules (accounts.services.admission:
    too_young, founded_on_required, integrity_declaration_required,
    registration_documents_missing); its declaration is recorded with the time.
    """
    documents = documents or {}
    if kind not in SELF_REGISTERING_ROLES:
        raise InvalidInput("只有企业和服务机构可以自行注册", extra={"field": "kind"})
    name = clean_text(name, field="name", label="单位名称", max_length=128)
    legal_representative = clean_text(
        legal_representative, field="legal_representative", label="法定代表人", max_length=64,
        required=False,
    )
    address = clean_text(address, field="address", label="地址", max_length=256, required=False)
    controller = controller_identity(
        name=actual_controller, identifier=actual_controller_identifier
    )
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
    statement, declared_at = "", None
    if kind == Organisation.Kind.INSTITUTION:
        rules = check_institution_admission(
            region=located.region, founded_on=founded_on, integrity_declared=integrity_declared,
            documents=documents, now=now)
        if integrity_declared:
            statement, declared_at = rules.integrity_statement or DEFAULT_STATEMENT, now
    organisation = Organisation.objects.create(
        kind=kind,
        name=name,
        credit_code=located.code,
        region=located.region,
        city=located.city,
        legal_representative=legal_representative,
        contact_phone=contact_phone.strip(),
        address=address,
        actual_controller=controller.name,
        actual_controller_identifier=controller.identifier,
        actual_controller_key=controller.key,
        founded_on=founded_on,
        integrity_statement=statement,
        integrity_declared_at=declared_at,
    )
    if kind == Organisation.Kind.INSTITUTION:
        registration_documents_store(organisation=organisation, documents=documents, now=now)
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
        after={"status": organisation.status, "credit_code": located.code, "kind": kind,
               "city": located.city.code if located.city else None,
               "actual_controller": controller.name,
               "actual_controller_identifier": controller.identifier,
               "founded_on": founded_on.isoformat() if founded_on else None,
               "integrity_declared": declared_at is not None,
               "documents": sorted(documents) if kind == Organisation.Kind.INSTITUTION else []},
        now=now,
    )
    return user


@service_transaction
def organisation_approve(
    *, actor: User, organisation: Organisation, reason: str = "", now: datetime
) -> Organisation:
    """The authority of the organisation's region approves a registration.

    An enterprise is admitted at once; an institution enters its public notice (公示) of
    its region's notice period (RegionRules.notice_days, else INSTITUTION_NOTICE_DAYS) and is
    admitted when the notice is concluded.
    """
    if organisation.kind == Organisation.Kind.INSTITUTION:
        days = region_rules_of(organisation.region).effective_notice_days
        notice_ends_at = now + timedelta(days=days)
        return organisation_move_status(
            actor=actor,
            organisation=organisation,
            target=Organisation.Status.NOTICE,
            reason=reason,
            now=now,
            notice_ends_at=notice_ends_at,
        )
    return organisation_move_status(
        actor=actor,
        organisation=organisation,
        target=Organisation.Status.APPROVED,
        reason=reason,
        now=now,
    )


@service_transaction
def organisation_reject(
    *, actor: User, organisation: Organisation, reason: str, now: datetime
) -> Organisation:
    """The authority of the organisation's region refuses it, with a reason."""
    if not reason.strip():
        raise InvalidInput("驳回时必须填写原因", extra={"field": "reason"})
    return organisation_move_status(
        actor=actor,
        organisation=organisation,
        target=Organisation.Status.REJECTED,
        reason=reason,
        now=now,
    )


def organisation_move_status(
    *,
    actor: User | None,
    organisation: Organisation,
    target: str,
    reason: str,
    now: datetime,
    **fields: object,
) -> Organisation:
    """Building block (joins the caller's transaction): check, compare-and-set, audit."""
    if actor is not None:  # None only for the scheduled conclusion of an unopposed notice
        require_action(actor, "registration.review", now=now)
        require_region(actor, organisation.region_id)
        require_impartial(actor, organisation)
    current = organisation.status
    require_transition(
        ORGANISATION_TRANSITIONS, Organisation.Status, current, target, record=organisation.name
    )
    admitted = (Organisation.Status.NOTICE, Organisation.Status.APPROVED)
    if target in admitted and organisation.city_id is None:
        raise InvalidInput(
            _("该机构所在城市尚未确定，请先设置城市再审核通过"),
            code="city_not_set", extra={"field": "city"},
        )
    # Compare-and-set: a concurrent review of the same organisation updates nothing here.
    updated = Organisation.objects.filter(pk=organisation.pk, status=current).update(
        status=target, reviewed_at=now, **fields
    )
    if updated != 1:
        raise Conflict("该机构已被他人审核，请刷新后查看", code="concurrent_review")
    forget_tokens_of(organisation_id=organisation.pk)  # cached actors carry the old status
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
    notify_registration_decided(organisation, reason=reason, now=now)
    return organisation


@service_transaction
def organisation_set_city(
    *, actor: User, organisation: Organisation, city: City, reason: str = "",
    now: datetime,
) -> Organisation:
    """A reviewer of the organisation's region sets its city: the one the credit code did not
    tell, or a correction (which needs a reason). The city must lie in the organisation's region.
    """
    require_action(actor, "registration.review", now=now)
    require_region(actor, organisation.region_id)
    require_impartial(actor, organisation)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if city.region_id != locked.region_id:
        raise InvalidInput(_("所选城市不在该机构所在的省级区域内"), code="city_outside_region",
                           extra={"field": "city"})
    reason = clean_text(reason, field="reason", label="原因", max_length=500, required=False)
    if locked.city_id is not None and not reason:
        raise InvalidInput(_("更改已确定的城市时必须填写原因"), extra={"field": "reason"})
    before = locked.city.code if locked.city is not None else None
    Organisation.objects.filter(pk=locked.pk).update(city=city)
    forget_tokens_of(organisation_id=locked.pk)
    organisation.refresh_from_db()
    audit_record(
        actor=actor, action="organisation_city_set", target=organisation,
        before={"city": before}, after={"city": city.code}, reason=reason,
        region=organisation.region, now=now,
    )
    return organisation


@service_transaction
def organisation_set_actual_controller(
    *, actor: User, organisation: Organisation, actual_controller: str,
    actual_controller_identifier: str = "", reason: str, now: datetime,
) -> Organisation:
    """A reviewer of the organisation's region records or corrects its actual controller
    (group caps and related-party checks follow the new identity from then on)."""
    require_action(actor, "registration.review", now=now)
    require_region(actor, organisation.region_id)
    require_impartial(actor, organisation)
    reason = clean_text(reason, field="reason", label="原因", max_length=500)
    controller = controller_identity(name=actual_controller,
                                     identifier=actual_controller_identifier)
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = {"actual_controller": locked.actual_controller,
              "actual_controller_identifier": locked.actual_controller_identifier}
    Organisation.objects.filter(pk=locked.pk).update(
        actual_controller=controller.name, actual_controller_identifier=controller.identifier,
        actual_controller_key=controller.key,
    )
    forget_tokens_of(organisation_id=locked.pk)  # the related-party rules read it from the actor
    organisation.refresh_from_db()
    audit_record(
        actor=actor, action="organisation_actual_controller_set", target=organisation,
        before=before, after={"actual_controller": controller.name,
                              "actual_controller_identifier": controller.identifier},
        reason=reason, region=organisation.region, now=now,
    )
    return organisation


@service_transaction
def user_create(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    password: str,
    role: str,
    email: str = "",
    review_city: City | None = None,
    now: datetime,
) -> User:
    """A user for an existing organisation (the operator's admin, the demo loader).

    Platform operators keep the reference data in the Django admin, so they are staff there.
    """
    return user_add(actor=actor, organisation=organisation, username=username,
                    password=password, role=role, email=email, review_city=review_city,
                    now=now)


def user_add(
    *,
    actor: User | None,
    organisation: Organisation,
    username: str,
    password: str,
    role: str,
    email: str = "",
    review_city: City | None = None,
    now: datetime,
) -> User:
    """Building block of `user_create` (joins the caller's transaction): create, audit.
    A city reviewer takes `review_city`, a city of its organisation's region."""
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise InvalidInput("角色与机构类型不符", extra={"field": "role"})
    if (role == User.Role.CITY_REVIEWER) != (review_city is not None) or (
            review_city is not None and review_city.region_id != organisation.region_id):
        raise InvalidInput(_("市级初审员须且只能指定本地区的一个地级市"),
                           extra={"field": "review_city"})
    is_operator = role == User.Role.OPERATOR
    user = User.objects.create_user(
        username=username, password=password, email=email, organisation=organisation, role=role,
        is_staff=is_operator, is_superuser=is_operator, review_city=review_city,
    )
    audit_record(
        actor=actor,
        action="user_create",
        target=user,
        organisation=organisation,
        after={"username": username, "role": role,
               **({"city": review_city.code} if review_city is not None else {})},
        now=now,
    )
    return user
