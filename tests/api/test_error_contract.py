"""Every API error is a problem document, lists take only the pages the schema allows, and the
schema lists each operation's problem statuses and codes (issue 18, "Contract")."""

from __future__ import annotations

from datetime import timedelta

import pytest
import yaml
from django.conf import settings
from django.utils import timezone

from accounts.api.schema import codes_by_status
from accounts.models import Organisation, User
from devtools.factories.accounts import OrganisationFactory, UserFactory
from reporting.models import ReportRun
from tests.api.conftest import token_client

PROBLEM = "application/problem+json"
SCHEMA = yaml.safe_load((settings.BASE_DIR / "docs" / "openapi.yaml").read_text())


@pytest.fixture
def api(db):
    return token_client(UserFactory())


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/vouchers/abc/",
                                  "/api/v1/reports/1.5/", "/api/v1"])
def test_a_url_no_route_matches_under_api_is_a_404_problem(api, path):
    # Given a path that no API route matches (an unknown name, or an id that is not a number)
    # When it is asked for
    response = api.get(path)

    # Then the answer is the problem document of every other API 404
    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": "urn:yrd-vouchers:problem:not_found", "title": "Not Found", "status": 404,
        "detail": "请求的资源不存在", "code": "not_found", "errors": [],
    }


def test_an_unknown_page_outside_the_api_keeps_the_html_not_found_page(client, db):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("method", ["DELETE", "PUT", "TRACE"])
def test_a_method_an_endpoint_does_not_take_is_a_405_problem(api, method):
    response = api.generic(method, "/api/v1/me/")

    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "method_not_allowed"


def test_a_body_of_a_type_the_operation_does_not_read_is_a_415_problem(db):
    # Given a reviewer's write that reads JSON or multipart, when it is sent plain text
    api = token_client(UserFactory.authority("JS", role="authority_reviewer"))
    response = api.generic("POST", "/api/v1/reports/", "kind=annual_totals",
                           content_type="text/plain")

    # Then the answer is the documented 415 problem document
    assert response.status_code == 415
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("query", "field"),
    [("page_size=0", "page_size"), ("page_size=-5", "page_size"),
     ("page_size=1.5e-276", "page_size"), ("page_size=null", "page_size"),
     ("page_size=201", "page_size"), ("page_size=", "page_size"), ("page=0", "page"),
     ("page=-1", "page"), ("page=last", "page"), ("page=1.0", "page"),
     ("page=99999999999", "page")],
)
def test_a_page_or_page_size_the_schema_forbids_is_a_400_problem(api, query, field):
    # When a list is asked for with a page number or size outside the documented bounds
    response = api.get(f"/api/v1/cities/?{query}")

    # Then it is refused as invalid input, naming the parameter (not silently defaulted)
    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["code"] == "invalid"
    assert [error["field"] for error in body["errors"]] == [field]


def test_the_documented_page_bounds_are_accepted(api):
    # Given the 41 cities of the reference data
    smallest = api.get("/api/v1/cities/?page_size=1&page=41")
    largest = api.get("/api/v1/cities/?page_size=200")

    assert smallest.status_code == 200
    assert smallest.json()["count"] == 41
    assert len(smallest.json()["results"]) == 1
    assert largest.status_code == 200
    assert len(largest.json()["results"]) == 41


def test_a_page_beyond_the_last_is_still_a_404_problem(api):
    response = api.get("/api/v1/cities/?page=42&page_size=1")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_reports_are_listed_in_the_paginated_envelope(db):
    # Given an operator and three report runs
    organisation = OrganisationFactory(
        kind=Organisation.Kind.OPERATOR, region_code="SH", credit_code=None
    )
    operator = UserFactory(organisation=organisation, role=User.Role.OPERATOR)
    now = timezone.now()
    runs = [
        ReportRun.objects.create(
            kind=ReportRun.Kind.ANNUAL_TOTALS, parameters={"year": 2020 + hours},
            data_version="v1", fingerprint=f"contract-{hours}",
            status=ReportRun.Status.SUCCEEDED, requested_by=operator,
            requested_at=now - timedelta(hours=hours),
        )
        for hours in (3, 2, 1)
    ]

    # When the operator lists them two to a page
    first = token_client(operator).get("/api/v1/reports/?page_size=2")

    # Then the answer is the envelope of every list, newest first
    assert first.status_code == 200
    body = first.json()
    assert body["count"] == 3
    assert body["previous"] is None
    assert body["next"].endswith("/api/v1/reports/?page=2&page_size=2")
    assert [row["id"] for row in body["results"]] == [runs[2].pk, runs[1].pk]


def _operation(path: str, method: str) -> dict:
    return SCHEMA["paths"][path][method]


def test_the_schema_lists_the_problem_statuses_of_each_operation():
    # A read list: bad query, token, role, page beyond the end, outage
    assert sorted(_operation("/api/v1/orders/", "get")["responses"]) == [
        "200", "400", "401", "403", "404", "503"]
    # A write with a body: every refusal a write can meet, and a body of another type
    assert sorted(_operation("/api/v1/reports/", "post")["responses"]) == [
        "202", "400", "401", "403", "409", "415", "422", "429", "503"]
    # A read without parameters cannot be missing, but its URL can still meet the input gate
    assert sorted(_operation("/api/v1/me/", "get")["responses"]) == [
        "200", "400", "401", "403", "503"]


def test_every_error_response_in_the_schema_is_a_problem_document():
    for path, item in SCHEMA["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert response["content"] == {PROBLEM: {"schema": {
                        "$ref": "#/components/schemas/Problem"}}}, (path, method, status)
                    assert {"401", "503"} <= set(operation["responses"]), (path, method)


def test_503_and_429_document_retry_after():
    responses = _operation("/api/v1/reports/", "post")["responses"]

    assert responses["503"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}


def test_an_operation_s_description_lists_its_problem_codes():
    description = _operation("/api/v1/reports/", "post")["description"]

    assert "- 401: `authentication_failed`, `not_authenticated`, `token_expired`" in description
    assert "- 429: `throttled`" in description
    assert "`idempotency_key_in_flight`" in description


def test_problem_codes_come_from_the_error_classes_of_the_app_and_the_apps_below_it():
    accounts_codes = codes_by_status("accounts", write=True)
    vouchers_codes = codes_by_status("vouchers", write=True)

    # the ledger's typed refusals belong to vouchers (vouchers.ledger), not to accounts
    assert "ledger_insufficient_balance" in vouchers_codes[409]
    assert "ledger_insufficient_balance" not in accounts_codes[409]
    assert "invalid_credit_code" in accounts_codes[422]
    # a read is refused for access or absence only
    assert codes_by_status("vouchers", write=False)[409] == []


def test_the_page_bounds_are_in_the_schema():
    parameters = {parameter["name"]: parameter["schema"]
                  for parameter in _operation("/api/v1/cities/", "get")["parameters"]}

    assert parameters["page"] == {"type": "integer", "minimum": 1, "maximum": 2147483647}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200,
                                       "default": 50}


def test_public_endpoints_declare_no_security():
    assert _operation("/api/v1/cities/", "get")["security"] == []
    assert _operation("/api/v1/regions/", "get")["security"] == []
    assert _operation("/api/v1/me/", "get")["security"] == [{"apiToken": []},
                                                           {"cookieAuth": []}]


def test_public_endpoints_answer_an_anonymous_client(db):
    assert token_client(None).get("/api/v1/regions/").status_code == 200


def test_an_ordering_the_list_does_not_offer_is_a_400_naming_it(db):
    # Given a reviewer's order list, which may be ordered by its placing time
    api = token_client(UserFactory.authority("JS", role="authority_reviewer"))

    # When it is asked in an offered order, and in one it does not offer
    offered = api.get("/api/v1/orders/?ordering=-placed_at")
    refused = api.get("/api/v1/orders/?ordering=-placed_at,password")

    # Then the first is a page, the second a problem naming the refused term
    assert offered.status_code == 200
    assert refused.status_code == 400
    assert refused["Content-Type"] == PROBLEM
    assert refused.json()["errors"] == [
        {"field": "ordering", "code": "invalid", "message": "不支持的排序字段：password"}]
    # and the schema lists what it offers
    ordering = next(parameter for parameter in _operation("/api/v1/orders/", "get")["parameters"]
                    if parameter["name"] == "ordering")
    assert "-placed_at" in ordering["schema"]["enum"]
    assert "password" not in ordering["schema"]["enum"]
