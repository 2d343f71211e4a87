"""The platform operator's audit trail is the operator's own, though its organisation sits in
Shanghai (accounts.selectors.audit_entries_of_region): Shanghai's authorities read their
region's lines, less the operator's, on the audit trail page, its CSV and the history page;
the operator reads everything."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEntry, Organisation, Region, User
from accounts.services import platform, tokens
from devtools.factories import vouchers as build
from devtools.factories.accounts import OrganisationFactory, UserFactory

PASSWORD = "correct-horse-battery"  # the factories' test password


@dataclass
class Trail:
    operator: User
    sh_reviewer: User
    sh_finance: User
    sh_enterprise: User
    operators_own: set[int]  # ids of the operator's lines, all with region Shanghai
    shanghais: set[int]  # ids of lines Shanghai's authorities must read

    def written_before(self, ids: set[int]) -> set[int]:
        """Less the lines the test's own requests add (the viewer's sign-in, the export)."""
        return {pk for pk in ids if pk <= max(self.operators_own | self.shanghais)}


@pytest.fixture
def trail(db) -> Trail:
    # Given an operator whose organisation sits in Shanghai, and Shanghai's authority users
    operator = UserFactory(
        organisation=OrganisationFactory(
            kind=Organisation.Kind.OPERATOR, region_code="SH", credit_code=None
        ),
        role=User.Role.OPERATOR,
    )
    sh_reviewer = build.authority("SH")
    sh_finance = build.authority("SH", role=User.Role.AUTHORITY_FINANCE)
    sh_enterprise = build.enterprise_user("SH")
    shanghai = Region.objects.get(short_code="SH")
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    now = timezone.now()

    # ... the operator signs in (with its IP), makes an API token, downloads an all-regions
    # report (the line reporting.services.files.report_download writes for a run without a
    # region), and somebody resets the operator's password (a line about an operator user)
    _sign_in(operator)
    tokens.api_token_create(actor=operator, name="ops", now=now)
    audit_record(actor=operator, action="report_download", region=None, now=now,
                 after={"format": "xlsx", "kind": "annual_totals"})
    audit_record(actor=None, action="password_reset", target=operator, region=shanghai, now=now)
    operators_own = set(AuditEntry.objects.exclude(pk__in=before).values_list("pk", flat=True))

    # ... and lines that are Shanghai's: its enterprise signs in, its reviewer acts, and the
    # operator gives Shanghai's authority a new user (about Shanghai, not the operator)
    _sign_in(sh_enterprise)
    audit_record(actor=sh_reviewer, action="registration_approve",
                 target=sh_enterprise.organisation, now=now)
    platform.authority_user_create(
        actor=operator, organisation=sh_reviewer.organisation, username="sh-new-reviewer",
        password="another-horse-battery-9", role=User.Role.AUTHORITY_REVIEWER, now=now,
    )
    shanghais = set(
        AuditEntry.objects.exclude(pk__in=before | operators_own).values_list("pk", flat=True)
    )
    assert AuditEntry.objects.filter(pk__in=operators_own, region=shanghai).count() == 4
    assert len(shanghais) == 3
    return Trail(operator, sh_reviewer, sh_finance, sh_enterprise, operators_own, shanghais)


def _sign_in(user: User) -> None:
    response = Client().post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv_actions(client: Client, viewer: User) -> list[tuple[str, str]]:
    """(action, actor's user name) of each CSV row, less the viewer's own lines."""
    response = client.get(reverse("accounts:audit_trail"), {"format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = [(row[1], row[3]) for row in csv.reader(io.StringIO(text))][1:]
    # Newest first: this export's line, then the viewer's sign-in by the test client
    assert rows[:2] == [("audit_export", viewer.username), ("login", viewer.username)]
    return sorted(rows[2:])


def _audit_page_ids(client: Client) -> set[int]:
    response = client.get(reverse("accounts:audit_trail"))
    assert response.status_code == 200
    return {entry.pk for entry in response.context["page"]}


def _history_ids(client: Client) -> set[int]:
    response = client.get(reverse("vouchers:history"))
    assert response.status_code == 200
    return {entry.pk for entry in response.context["page"]}


@pytest.mark.parametrize("role", ["sh_reviewer", "sh_finance"])
def test_shanghais_authorities_read_their_regions_trail_without_the_operators(trail, role):
    # When a Shanghai authority user opens the audit trail, its CSV and the history page
    viewer = getattr(trail, role)
    client = _signed_in(viewer)
    page, history = _audit_page_ids(client), _history_ids(client)
    exported = _csv_actions(client, viewer)

    # Then each shows Shanghai's three lines and none of the operator's four
    assert trail.written_before(page) == trail.shanghais
    assert trail.written_before(history) == trail.shanghais
    assert exported == [
        ("login", trail.sh_enterprise.username),
        ("registration_approve", trail.sh_reviewer.username),
        ("user_create", trail.operator.username),
    ]


def test_the_operator_reads_its_own_trail_and_shanghais(trail):
    # When the operator opens the audit trail, its CSV and the history page
    client = _signed_in(trail.operator)

    # Then each holds all seven lines
    everything = trail.operators_own | trail.shanghais
    assert trail.written_before(_audit_page_ids(client)) == everything
    assert trail.written_before(_history_ids(client)) == everything
    assert _csv_actions(client, trail.operator) == sorted([
        ("api_token_create", trail.operator.username), ("login", trail.operator.username),
        ("login", trail.sh_enterprise.username), ("password_reset", ""),
        ("registration_approve", trail.sh_reviewer.username),
        ("report_download", trail.operator.username), ("user_create", trail.operator.username),
    ])
