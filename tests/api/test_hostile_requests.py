"""Hostile requests to the API and the pages (issue 18): each a 400 or 405, never a 500."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_json_body_nested_deeper_than_the_limit_is_a_400_problem(parties):
    client = parties.client("reviewer")
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/programs/create/", data=deep, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "json_too_deep"
    malformed = client.post("/api/v1/programs/create/", data="{bad",
                            content_type="application/json")
    assert (malformed.status_code, malformed.json()["code"]) == (400, "parse_error")


def test_a_nul_in_a_json_list_item_is_refused_naming_its_field(parties):
    client = parties.client("reviewer")
    program = parties.program
    response = client.post(
        f"/api/v1/programs/{program.pk}/serving-area/",
        data={"serving_city_codes": ["3101\x00"]}, format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "serving_city_codes[0]"
    assert response.json()["errors"][0]["code"] == "control_character"


@pytest.mark.parametrize(
    "url",
    ["/review/applications/?state=a%00b", "/programs/?region=%00",
     "/reports/runs/1/download/c%00sv/", "/orders/?state=" + "x" * 2001],
)
def test_nul_or_over_long_values_in_a_page_url_get_a_400_page(client, url):
    client.force_login(build_reviewer())
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "请求有误" in response.content.decode()


def test_a_nul_in_an_api_filter_or_a_form_post_is_refused(parties, client):
    api = parties.client("reviewer").get("/api/v1/applications/?state=%00")
    assert api.status_code == 400
    assert api.json() | {"detail": ""} == {
        "type": "urn:yrd-vouchers:problem:control_character", "title": "Bad Request",
        "status": 400, "detail": "", "code": "control_character",
        "errors": [{"field": "state", "code": "control_character",
                    "message": api.json()["detail"]}],
    }
    login = client.post("/accounts/login/", {"username": "a\x00b", "password": "p"})
    assert login.status_code == 400


@pytest.mark.parametrize(("value", "finds_the_application"), [
    ("5233-05-24T08:03:37+17:37", False),  # an offset PostgreSQL refuses: taken as UTC here
    ("2020-01-01T00:00:00+23:59", True),  # the widest offset RFC 3339 allows
    ("0001-01-01T00:00:00+05:00", True),  # before year 1 in UTC: the earliest instant
    ("0001-01-01", True),  # no offset: Shanghai time, also before year 1 in UTC
    ("9999-12-31T23:59:59-05:00", False),  # after 9999 in UTC: the latest instant
])
def test_any_rfc3339_timestamp_filters_by_its_instant(parties, records, value,
                                                      finds_the_application):
    response = parties.client("reviewer").get("/api/v1/applications/",
                                              {"submitted_after": value})
    assert response.status_code == 200
    found = {row["id"] for row in response.json()["results"]}
    assert (records.submitted.pk in found) is finds_the_application


def test_the_widest_real_offset_still_filters(parties):
    response = parties.client("reviewer").get(
        "/api/v1/applications/", {"submitted_after": "2026-01-01T00:00:00+14:00"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["TRACE", "DELETE", "PROPFIND"])
def test_a_method_the_per_method_action_does_not_name_is_405_problem(parties, method):
    response = parties.client("reviewer").generic(method, "/api/v1/reports/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "method_not_allowed"


def build_reviewer():
    from devtools.factories import vouchers as build

    return build.authority("JS")
