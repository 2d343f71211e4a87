"""The reviewer sets a missing city and the actual controller through the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import uscc

from accounts import services
from accounts.models import AuditEntry, Organisation


@pytest.fixture
def provincial(parties) -> Organisation:
    stem = "91320000MA1MXXXXX"
    return services.organisation_register(
        kind="enterprise", name="江苏省级登记科技有限公司",
        credit_code=stem + uscc.calc_check_digit(stem), username="provincial",
        password="a-Strong-passphrase-9",
        now=timezone.now(),
    ).organisation


def city_url(organisation) -> str:
    return reverse("api:organisation-city", args=[organisation.pk])


def controller_url(organisation) -> str:
    return reverse("api:organisation-actual-controller", args=[organisation.pk])


def test_reviewer_sets_the_city_a_code_did_not_tell(parties, provincial):
    response = parties.client("reviewer").post(
        city_url(provincial), {"city_code": "320500"}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == {
        "id": provincial.pk, "name": "江苏省级登记科技有限公司", "kind": "enterprise",
        "status": "pending", "credit_code": provincial.credit_code, "region_code": "JS",
        "city_code": "320500", "city_name": "苏州市", "actual_controller": "",
        "actual_controller_identifier": "",
    }
    entry = AuditEntry.objects.get(action="organisation_city_set")
    assert (entry.actor, entry.after) == (parties.reviewer, {"city": "320500"})


def test_a_city_of_another_region_is_refused_in_english(parties, provincial):
    response = parties.client("reviewer").post(
        city_url(provincial), {"city_code": "330100"}, format="json",
        HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert (body["code"], body["detail"]) == (
        "city_outside_region", "The chosen city is not in the organisation's region.")
    provincial.refresh_from_db()
    assert provincial.city is None
    assert not AuditEntry.objects.filter(action="organisation_city_set").exists()


def test_an_unknown_city_code_is_a_field_error(parties, provincial):
    # Well-formed, but it names no city: 422 unknown_reference, not a malformed 400.
    response = parties.client("reviewer").post(
        city_url(provincial), {"city_code": "329900"}, format="json")

    assert response.status_code == 422
    assert response.json()["code"] == "unknown_reference"
    assert [error["field"] for error in response.json()["errors"]] == ["city_code"]
    provincial.refresh_from_db()
    assert provincial.city is None


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", 401), ("enterprise", 403), ("finance", 403), ("operator", 403),
     ("sh_reviewer", 404)],
)
def test_only_the_region_s_reviewer_reaches_it(parties, provincial, role, status):
    response = parties.client(role).post(city_url(provincial), {"city_code": "320500"},
                                         format="json")
    assert response.status_code == status
    provincial.refresh_from_db()
    assert provincial.city is None


def test_reviewer_records_the_controller_s_id_number_masked(parties, provincial):
    client = parties.client("reviewer")
    body = {"actual_controller": "王五", "actual_controller_identifier": "310104198506151237",
            "reason": "股东名册"}

    first = client.post(controller_url(provincial), body, format="json",
                        HTTP_IDEMPOTENCY_KEY="ctl-1")
    replay = client.post(controller_url(provincial), body, format="json",
                         HTTP_IDEMPOTENCY_KEY="ctl-1")

    assert first.status_code == 200, first.json()
    assert first.json()["actual_controller_identifier"] == "310104********1237"
    assert replay.json() == first.json()
    assert AuditEntry.objects.filter(action="organisation_actual_controller_set").count() == 1


def test_a_bad_controller_number_is_refused_and_changes_nothing(parties, provincial):
    response = parties.client("reviewer").post(controller_url(provincial), {
        "actual_controller": "王五", "actual_controller_identifier": "310104198506151238",
        "reason": "股东名册"}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_controller_identifier"
    assert body["errors"] == [{
        "field": "actual_controller_identifier", "code": "invalid_controller_identifier",
        "message": "The actual controller's identification number must be a valid unified "
                   "social credit code or an 18-digit resident ID number."}]
    provincial.refresh_from_db()
    assert provincial.actual_controller_key == ""


def test_a_controller_change_needs_a_reason(parties, provincial):
    response = parties.client("reviewer").post(
        controller_url(provincial), {"actual_controller": "王五"}, format="json")
    assert response.status_code == 400
    assert [error["field"] for error in response.json()["errors"]] == ["reason"]
