"""API fixtures: a Jiangsu program open today, the parties of every role, token clients.

The API reads the clock at the edge, so these programs' dates are relative to today.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Organisation, User
from devtools.factories import vouchers as build
from devtools.factories.accounts import OrganisationFactory, UserFactory
from vouchers.models import Program

PDF = build.PDF
PNG = build.PNG


def open_program(actor: User, **fields) -> Program:
    """A program open both at the factories' fixed NOW (records built at NOW) and at the real
    clock the API reads. No real program spans years (program_create refuses it), so the
    fixture creates a program of NOW's year and then stretches its dates in the database."""
    program = build.make_program(actor=actor, **fields)
    today = timezone.now()
    Program.objects.filter(pk=program.pk).update(
        applications_close_at=today + timedelta(days=90),
        use_by_at=today + timedelta(days=180),
        redemption_deadline_at=today + timedelta(days=240),
    )
    program.refresh_from_db()
    return program


def token_client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, raw = account_services.api_token_create(
            actor=user, name="tests", now=timezone.now()
        )
        client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@dataclass
class Parties:
    program: Program
    reviewer: User
    finance: User
    enterprise: User
    institution: User
    other_enterprise: User  # same region, another organisation
    other_institution: User  # another Shanghai institution
    sh_reviewer: User
    sh_finance: User
    operator: User

    def client(self, name: str) -> APIClient:
        return token_client(None if name == "anonymous" else getattr(self, name))


@pytest.fixture
def parties(db) -> Parties:
    reviewer = build.authority("JS")
    operator_organisation = OrganisationFactory(
        kind=Organisation.Kind.OPERATOR, region_code="SH", credit_code=None
    )
    return Parties(
        program=open_program(reviewer),
        reviewer=reviewer,
        finance=build.authority("JS", role=User.Role.AUTHORITY_FINANCE),
        enterprise=build.enterprise_user("JS"),
        institution=build.institution_user("SH"),
        other_enterprise=build.enterprise_user("JS"),
        other_institution=build.institution_user("SH"),
        sh_reviewer=build.authority("SH"),
        sh_finance=build.authority("SH", role=User.Role.AUTHORITY_FINANCE),
        operator=UserFactory(organisation=operator_organisation, role=User.Role.OPERATOR),
    )


@dataclass
class Records:
    """One record in each state the endpoints act on, all of the owners in `parties`."""

    submitted: object  # Application waiting for review
    voucher: object
    order: object  # delivered, confirmed, redemption requested
    placed_order: object  # placed, not delivered
    delivery: object  # confirmed
    redemption: object  # requested
    approved_redemption: object
    batch: object  # open


@pytest.fixture
def records(parties) -> Records:
    from vouchers.models import ServiceOrder
    from vouchers.services import applications, redemptions, settlements

    program, enterprise, institution = parties.program, parties.enterprise, parties.institution
    voucher = build.issue_voucher(program, enterprise, 100_000_00, reviewer=parties.reviewer)
    submitted = applications.application_submit(
        actor=enterprise, program=program, amount_fen=10_000_00, purpose="检测",
        planned_categories=[build.category()], now=build.NOW,
    )
    organisation = institution.organisation
    paid_order = build.place_order(voucher, enterprise, organisation)
    build.delivered_and_confirmed(paid_order, institution, enterprise)
    approved = build.request_redemption(paid_order, institution)
    approved = redemptions.redemption_approve(
        actor=parties.reviewer, redemption=approved, now=build.NOW
    )
    batch = settlements.payment_batch_create(
        actor=parties.finance, payee=organisation, now=build.NOW
    )
    order = build.place_order(voucher, enterprise, organisation)
    delivery = build.delivered_and_confirmed(order, institution, enterprise)
    redemption = build.request_redemption(order, institution)
    placed = build.place_order(voucher, enterprise, organisation)
    return Records(
        submitted=submitted, voucher=voucher, order=ServiceOrder.objects.get(pk=order.pk),
        placed_order=placed, delivery=delivery, redemption=redemption,
        approved_redemption=approved, batch=batch,
    )


@pytest.fixture
def wsgi_without_connection_reset() -> Iterator[WSGIHandler]:
    """Like Django's test client: requests must not close the test's connection."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def ids_of_records(parties: Any, records: Any) -> dict[str, int]:
    """A real id for each path parameter of the API, from the parties and records."""
    return {
        "program_id": parties.program.pk,
        "application_id": records.submitted.pk,
        "voucher_id": records.voucher.pk,
        "institution_id": parties.institution.organisation_id,
        "order_id": records.order.pk,
        "delivery_id": records.delivery.pk,
        "redemption_id": records.redemption.pk,
        "batch_id": records.batch.pk,
        "account_id": records.voucher.account_id,
    }
