"""The permission matrix over the API: each role against each endpoint.

Expected: "ok" (allowed and found: 2xx on reads; on writes the request reaches the service or
its input check, so anything but 401/403/404 — writes send an invalid body to change nothing),
401 anonymous, 403 a role without the action, 404 another organisation's (or region's) object.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.conftest import Parties, Records

ROLES = [
    "anonymous", "enterprise", "institution", "reviewer", "finance", "operator",
    "other_enterprise", "other_institution", "sh_reviewer", "sh_finance",
]
OK = "ok"


def expect(enterprise, institution, reviewer, finance, operator, *, others=None):
    """Statuses for the owners' side; `others` for the outsiders (default: like the owner
    role, i.e. the same organisation kind in the same region)."""
    table = {
        "anonymous": 401, "enterprise": enterprise, "institution": institution,
        "reviewer": reviewer, "finance": finance, "operator": operator,
        "other_enterprise": enterprise, "other_institution": institution,
        "sh_reviewer": reviewer, "sh_finance": finance,
    }
    # A role without the action is refused (403) before any object is looked up.
    table.update({role: status for role, status in (others or {}).items() if table[role] != 403})
    return table


OUTSIDERS_404 = {"other_enterprise": 404, "other_institution": 404}
SHANGHAI_404 = {"sh_reviewer": 404, "sh_finance": 404}

# (url name, record attribute for the id or None, method, body, expected)
ENDPOINTS = [
    ("program-list", None, "get", None, expect(OK, 403, OK, OK, OK)),
    ("program-detail", "program", "get", None,
     expect(OK, 403, OK, OK, OK, others=SHANGHAI_404)),
    ("program-create", None, "post", {}, expect(403, 403, OK, 403, 403)),
    ("program-update", "program", "post", {}, expect(403, 403, OK, 403, 403, others={
        "sh_reviewer": 404})),
    ("program-fund", "program", "post", {}, expect(403, 403, OK, OK, 403, others=SHANGHAI_404)),
    ("program-deadlines", "program", "post", {}, expect(403, 403, OK, 403, 403, others={
        "sh_reviewer": 404})),
    ("program-serving-area", "program", "post", {}, expect(403, 403, OK, 403, 403, others={
        "sh_reviewer": 404})),
    ("application-list", None, "get", None, expect(OK, 403, OK, OK, OK)),
    ("application-detail", "submitted", "get", None,
     expect(OK, 403, OK, OK, OK, others={**OUTSIDERS_404, **SHANGHAI_404})),
    ("application-submit", None, "post", {}, expect(OK, 403, 403, 403, 403)),
    ("application-approve", "submitted", "post", {"amount_fen": 0},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    ("application-reject", "submitted", "post", {},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    ("voucher-list", None, "get", None, expect(OK, 403, OK, OK, OK)),
    ("voucher-detail", "voucher", "get", None,
     expect(OK, 403, OK, OK, OK, others={**OUTSIDERS_404, **SHANGHAI_404})),
    ("institution-list", None, "get", None, expect(OK, OK, OK, OK, OK)),
    ("institution-detail", "institution", "get", None, expect(OK, OK, OK, OK, OK)),
    ("order-list", None, "get", None, expect(OK, OK, OK, OK, OK)),
    ("order-detail", "order", "get", None, expect(OK, OK, OK, OK, OK, others=OUTSIDERS_404)),
    ("order-place", None, "post", {}, expect(OK, 403, 403, 403, 403)),
    ("order-cancel", "placed_order", "post", {"reason": "x" * 2001},
     expect(OK, 403, 403, 403, 403, others=OUTSIDERS_404)),
    ("evidence-list", "order", "get", None,
     expect(OK, OK, OK, 403, OK, others=OUTSIDERS_404)),
    ("evidence-upload", "order", "post", {},
     expect(OK, OK, 403, 403, 403, others=OUTSIDERS_404)),
    ("delivery-list", None, "get", None, expect(OK, OK, OK, OK, OK)),
    ("delivery-detail", "delivery", "get", None,
     expect(OK, OK, OK, OK, OK, others=OUTSIDERS_404)),
    ("delivery-log", None, "post", {}, expect(403, OK, 403, 403, 403)),
    ("delivery-confirm", "delivery", "post", {},  # already confirmed: 409 for the owner
     expect(OK, 403, 403, 403, 403, others=OUTSIDERS_404)),
    ("delivery-dispute", "delivery", "post", {},
     expect(OK, 403, 403, 403, 403, others=OUTSIDERS_404)),
    ("redemption-list", None, "get", None, expect(OK, OK, OK, OK, OK)),
    ("redemption-detail", "redemption", "get", None,
     expect(OK, OK, OK, OK, OK, others={**OUTSIDERS_404, **SHANGHAI_404})),
    ("redemption-request", None, "post", {}, expect(OK, OK, 403, 403, 403)),
    ("redemption-approve", "redemption", "post", {"amount_fen": 0},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    ("redemption-reject", "redemption", "post", {},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    ("batch-list", None, "get", None, expect(403, 403, OK, OK, OK)),
    ("batch-detail", "batch", "get", None, expect(403, 403, OK, OK, OK, others=SHANGHAI_404)),
    ("batch-export", "batch", "get", None, expect(403, 403, OK, OK, OK, others=SHANGHAI_404)),
    ("batch-export-csv", "batch", "get", None,
     expect(403, 403, OK, OK, OK, others=SHANGHAI_404)),
    ("batch-create", None, "post", {}, expect(403, 403, 403, OK, 403)),
    ("batch-pay", "batch", "post", {}, expect(403, 403, 403, OK, 403, others={
        "sh_finance": 404})),
    # Sanctions: bodies without a reason (400) or records not suspended (409) change nothing.
    ("voucher-revoke", "voucher", "post", {},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    ("organisation-blacklist", "institution", "post", {}, expect(403, 403, OK, 403, 403)),
    ("redemption-withdraw", "approved_redemption", "post", {},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    ("redemption-suspension-lift", "redemption", "post", {},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    ("redemption-suspension-reject", "redemption", "post", {},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 404})),
    # Shanghai's reviewer sees the order its institution serves, but decides nothing on it.
    ("order-suspension-lift", "order", "post", {},
     expect(403, 403, OK, 403, 403, others={"sh_reviewer": 403})),
    ("ledger-account-list", None, "get", None, expect(403, 403, OK, OK, OK)),
    ("ledger-account-detail", "voucher_account", "get", None,
     expect(403, 403, OK, OK, OK, others=SHANGHAI_404)),
    ("ledger-account-transfers", "voucher_account", "get", None,
     expect(403, 403, OK, OK, OK, others=SHANGHAI_404)),
]


def _object_id(name: str, parties: Parties, records: Records) -> int:
    if name == "program":
        return parties.program.pk
    if name == "institution":
        return parties.institution.organisation_id
    if name == "voucher_account":
        return records.voucher.account_id
    return getattr(records, name).pk


@pytest.mark.parametrize(
    ("url_name", "record", "method", "body", "expected"), ENDPOINTS,
    ids=[endpoint[0] for endpoint in ENDPOINTS],
)
def test_each_role_gets_the_expected_status(
    parties, records, url_name, record, method, body, expected
):
    args = [_object_id(record, parties, records)] if record else []
    url = reverse(f"api:{url_name}", args=args)
    mismatches = {}
    for role in ROLES:
        client = parties.client(role)
        if method == "get":
            response = client.get(url)
        else:
            fmt = "multipart" if url_name == "evidence-upload" else "json"
            response = client.post(url, body, format=fmt)
        wanted = expected[role]
        if wanted == OK:
            allowed = response.status_code < 300 if method == "get" else (
                response.status_code not in (401, 403, 404) and response.status_code < 500
            )
            if not allowed:
                mismatches[role] = (response.status_code, "ok")
        elif response.status_code != wanted:
            mismatches[role] = (response.status_code, wanted)
    assert mismatches == {}


def test_refusal_changes_nothing_and_lists_show_only_own_objects(parties, records):
    from vouchers.models import Application

    outsider = parties.client("other_enterprise")
    refused = outsider.post(
        reverse("api:application-reject", args=[records.submitted.pk]), {"reason": "x"},
        format="json",
    )
    assert refused.status_code == 403
    assert Application.objects.get(pk=records.submitted.pk).state == "submitted"
    assert outsider.get(reverse("api:order-list")).json()["count"] == 0
    assert outsider.get(reverse("api:voucher-list")).json()["count"] == 0
    own = parties.client("enterprise").get(reverse("api:order-list")).json()
    assert own["count"] == 3
    other_institution = parties.client("other_institution")
    assert other_institution.get(reverse("api:redemption-list")).json()["count"] == 0
    shanghai = parties.client("sh_reviewer")
    assert shanghai.get(reverse("api:order-list")).json()["count"] == 3  # served by SH
    assert shanghai.get(reverse("api:redemption-list")).json()["count"] == 0  # JS issues
