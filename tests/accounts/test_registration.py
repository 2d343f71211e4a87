"""Self-registration, review by the region's authority, public notice and objections."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.credit_codes import compose_credit_code
from accounts.errors import AccessDenied, Conflict, IllegalTransition, InvalidCreditCode
from accounts.models import AuditEntry, Objection, Organisation, User
from devtools.factories.accounts import OrganisationFactory, UserFactory

NOW = timezone.now().replace(microsecond=0)


def _register(kind="enterprise", division="320506", serial=10, username="newcomer"):
    return services.organisation_register(
        kind=kind, name="新注册科技有限公司",
        credit_code=compose_credit_code(division=division, serial=serial),
        username=username, password="a-Strong-passphrase-9", now=NOW,
    )


def test_registration_creates_pending_organisation_in_the_code_s_region(db):
    user = _register()

    organisation = user.organisation
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.region.short_code == "JS"
    assert organisation.city.name == "苏州市"
    assert user.role == User.Role.ENTERPRISE
    assert AuditEntry.objects.filter(action="organisation_register").count() == 1


def test_registration_with_a_bad_code_writes_nothing(db):
    with pytest.raises(InvalidCreditCode):
        services.organisation_register(
            kind="enterprise", name="x", credit_code="91320506MA1K0000XX",
            username="bad", password="a-Strong-passphrase-9",
            now=timezone.now(),
        )
    assert not Organisation.objects.filter(name="x").exists()
    assert not User.objects.filter(username="bad").exists()


def test_registering_a_code_twice_is_refused(db):
    _register()
    with pytest.raises(Conflict) as caught:
        _register(username="other")
    assert caught.value.code == "credit_code_taken"
    assert Organisation.objects.filter(kind="enterprise").count() == 1


def test_authority_of_the_region_approves_an_enterprise(db):
    organisation = _register().organisation
    reviewer = UserFactory.authority("JS")

    services.organisation_approve(actor=reviewer, organisation=organisation, now=NOW)

    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED
    entry = AuditEntry.objects.get(action="organisation_approved")
    assert entry.actor == reviewer
    assert entry.before == {"status": "pending"}
    assert entry.region.short_code == "JS"


def test_authority_of_another_region_cannot_review(db):
    organisation = _register().organisation
    with pytest.raises(AccessDenied):
        services.organisation_approve(
            actor=UserFactory.authority("SH"), organisation=organisation, now=timezone.now()
        )
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_finance_role_cannot_review_registrations(db):
    organisation = _register().organisation
    finance = UserFactory.authority("JS", role=User.Role.AUTHORITY_FINANCE)
    with pytest.raises(AccessDenied):
        services.organisation_approve(actor=finance, organisation=organisation, now=timezone.now())


def test_rejection_needs_a_reason_and_is_final(db):
    organisation = _register().organisation
    reviewer = UserFactory.authority("JS")
    services.organisation_reject(
        actor=reviewer, organisation=organisation, reason="材料不全", now=timezone.now()
    )

    with pytest.raises(IllegalTransition) as caught:
        services.organisation_approve(actor=reviewer, organisation=organisation, now=timezone.now())
    assert caught.value.current == "已驳回"
    assert caught.value.target == "已通过"


def test_institution_enters_notice_then_is_admitted_when_unopposed(db, settings):
    settings.INSTITUTION_NOTICE_DAYS = 7
    organisation = _register(kind="institution", division="310115").organisation
    reviewer = UserFactory.authority("SH")

    services.organisation_approve(actor=reviewer, organisation=organisation, now=NOW)
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.NOTICE
    assert organisation.notice_ends_at == NOW + timedelta(days=7)

    assert services.notices_conclude_due(now=NOW + timedelta(days=6)) == 0
    assert services.notices_conclude_due(now=NOW + timedelta(days=7)) == 1
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED


def test_upheld_objection_rejects_the_institution(db):
    organisation = _register(kind="institution", division="310115").organisation
    reviewer = UserFactory.authority("SH")
    services.organisation_approve(actor=reviewer, organisation=organisation, now=NOW)
    objection = services.objection_lodge(
        organisation=organisation, lodged_by="张三", contact="13800000000",
        text="该机构成立不足两年", now=NOW + timedelta(days=1),
    )

    assert services.notices_conclude_due(now=NOW + timedelta(days=8)) == 0
    with pytest.raises(Conflict):
        services.organisation_conclude_notice(
            actor=reviewer, organisation=organisation, now=NOW + timedelta(days=8)
        )
    services.objection_resolve(
        actor=reviewer, objection=objection, upheld=True, resolution="属实", now=timezone.now()
    )
    services.organisation_conclude_notice(
        actor=reviewer, organisation=organisation, now=NOW + timedelta(days=8)
    )
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.REJECTED
    assert Objection.objects.get().status == Objection.Status.UPHELD


def test_objection_outside_the_notice_is_refused(db):
    organisation = OrganisationFactory(kind="institution", region_code="SH")
    with pytest.raises(Conflict):
        services.objection_lodge(
            organisation=organisation, lodged_by="a", contact="b", text="c", now=timezone.now()
        )
    assert not Objection.objects.exists()


def test_common_area_changes_only_by_the_operator_and_audited(db):
    from accounts.models import City

    hefei = City.objects.get(code="340100")
    assert not hefei.in_common_area
    with pytest.raises(AccessDenied):
        services.city_set_common_area(
            actor=UserFactory.authority("AH"), city=hefei, in_common_area=True, reason="x",
            now=timezone.now(),
        )
    operator = UserFactory(
        organisation=OrganisationFactory(kind="operator", credit_code=None, city=None),
        role=User.Role.OPERATOR,
    )
    services.city_set_common_area(
        actor=operator, city=hefei, in_common_area=True, reason="核实", now=timezone.now()
    )
    hefei.refresh_from_db()
    assert hefei.in_common_area
    assert AuditEntry.objects.get(action="city_common_area_changed").after == {
        "in_common_area": True
    }


def test_user_role_must_match_the_organisation_kind(db):
    from accounts.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.user_create(
            actor=None, organisation=OrganisationFactory(), username="x", password="p",
            role=User.Role.AUTHORITY_REVIEWER,
            now=timezone.now(),
        )
