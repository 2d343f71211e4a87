"""API fixtures: a Jiangsu program open today, the parties of every role, token clients.

The API reads the clock at the edge, so these programs' dates are relative to today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from accounts.models import Organisation, User
from tests.factories import vouchers as build
from tests.factories.accounts import OrganisationFactory, UserFactory
from vouchers.models import Program

PDF = build.PDF
PNG = build.PNG


def open_program_fields(**fields) -> dict:
    today = timezone.now()
    return {
        "applications_open_at": today - timedelta(days=30),
        "applications_close_at": today + timedelta(days=90),
        "use_by_at": today + timedelta(days=180),
        "redemption_deadline_at": today + timedelta(days=240),
        "year": today.year,
        **fields,
    }


def token_client(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, raw = account_services.api_token_create(actor=user, name="tests")
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
        program=build.make_program(actor=reviewer, **open_program_fields()),
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
