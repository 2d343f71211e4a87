"""Reviewers stand aside where they are linked or where they submitted the request."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import services
from accounts.errors import AccessDenied
from accounts.models import Organisation
from devtools.factories.accounts import OrganisationFactory, UserFactory


def test_reviewer_linked_to_an_organisation_cannot_review_its_registration(db):
    organisation = OrganisationFactory(status="pending")
    reviewer = UserFactory.authority("JS")
    reviewer.linked_organisations.add(organisation)

    with pytest.raises(AccessDenied) as caught:
        services.organisation_approve(actor=reviewer, organisation=organisation, now=timezone.now())

    assert caught.value.code == "conflict_of_interest"
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.PENDING


def test_an_unlinked_colleague_can(db):
    organisation = OrganisationFactory(status="pending")
    UserFactory.authority("JS").linked_organisations.add(organisation)
    services.organisation_approve(
        actor=UserFactory.authority("JS"), organisation=organisation, now=timezone.now()
    )
    organisation.refresh_from_db()
    assert organisation.status == Organisation.Status.APPROVED


def test_reviewer_linked_to_the_institution_cannot_approve_its_redemption(db):
    from devtools.factories import vouchers as build
    from vouchers.models import Redemption
    from vouchers.services import redemptions

    program = build.make_program()
    enterprise = build.enterprise_user()
    institution = build.institution_user()
    voucher = build.issue_voucher(program, enterprise)
    order = build.place_order(voucher, enterprise, institution.organisation)
    build.delivered_and_confirmed(order, institution, enterprise)
    redemption = build.request_redemption(order, institution)
    reviewer = build.authority("JS")
    reviewer.linked_organisations.add(institution.organisation)

    with pytest.raises(AccessDenied) as caught:
        redemptions.redemption_approve(actor=reviewer, redemption=redemption, now=build.NOW)

    assert caught.value.code == "conflict_of_interest"
    assert Redemption.objects.get(pk=redemption.pk).state == Redemption.State.REQUESTED


def test_reviewer_linked_to_the_enterprise_cannot_decide_its_application(db):
    from devtools.factories import vouchers as build
    from vouchers.models import Application
    from vouchers.services import applications

    program = build.make_program()
    enterprise = build.enterprise_user()
    application = applications.application_submit(
        actor=enterprise, program=program, amount_fen=1000_00, purpose="检测",
        planned_categories=[build.category()], now=build.NOW,
    )
    reviewer = build.authority("JS")
    reviewer.linked_organisations.add(enterprise.organisation)

    with pytest.raises(AccessDenied):
        applications.application_reject(
            actor=reviewer, application=application, reason="x", now=build.NOW
        )
    assert Application.objects.get(pk=application.pk).state == Application.State.SUBMITTED
