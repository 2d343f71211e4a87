"""What the schema allows is accepted and what it forbids is refused (issue 18, docs/api.md
"Error model"): bodies with keys they do not define, control characters in text, non-JSON
bodies, filters with values outside their type, and references to records that do not exist.
"""

from __future__ import annotations

import json

import pytest

from accounts.models import AuditEntry
from vouchers.models import Program, Redemption

pytestmark = pytest.mark.django_db


def _fields(response) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in response.json()["errors"]]


def test_a_misspelt_key_on_an_approval_is_refused_and_approves_nothing(parties, records):
    # Ignored, `amount_fne` would read as "no amount" and approve the whole claim.
    redemption = records.redemption
    response = parties.client("reviewer").post(
        f"/api/v1/redemptions/{redemption.pk}/approve/", {"amount_fne": 100}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert _fields(response) == [("amount_fne", "unknown_field")]
    redemption.refresh_from_db()
    assert redemption.state == Redemption.State.REQUESTED
    assert not AuditEntry.objects.filter(action="redemption_approved",
                                         object_id=str(redemption.pk)).exists()


def test_every_unknown_key_is_named_and_a_nested_one_too(parties):
    response = parties.client("reviewer").post("/api/v1/programs/create/", {
        "name": "2025年度科技创新券", "colour": "red", "budjet_fen": 1,
        "categories": [{"code": "testing", "ratio": 5000}],
    }, format="json")

    assert response.status_code == 400
    fields = _fields(response)
    assert ("budjet_fen", "unknown_field") in fields
    assert ("colour", "unknown_field") in fields
    assert not Program.objects.filter(name="2025年度科技创新券").exists()


def test_a_json_operation_refuses_a_form_body(parties):
    response = parties.client("reviewer").post(
        "/api/v1/programs/create/", {"name": "x"}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


@pytest.mark.parametrize("text", ["\x1e", "检测\x01", "a\x7f"])
def test_control_characters_in_body_text_are_refused_naming_the_field(parties, text):
    response = parties.client("enterprise").post("/api/v1/applications/submit/", {
        "program_id": parties.program.pk, "amount_fen": 100_00, "purpose": text,
        "planned_categories": ["testing"],
    }, format="json")
    assert response.status_code == 400
    assert _fields(response) == [("purpose", "control_character")]


def test_line_breaks_and_tabs_in_body_text_are_ordinary_text(parties):
    response = parties.client("enterprise").post("/api/v1/applications/submit/", {
        "program_id": parties.program.pk, "amount_fen": 100_00,
        "purpose": "新产品检测\r\n第二阶段：\t可靠性", "planned_categories": ["testing"],
    }, format="json")
    assert response.status_code == 201, response.json()


def test_a_code_that_names_no_record_is_422_unknown_reference(parties):
    response = parties.client("enterprise").post("/api/v1/applications/submit/", {
        "program_id": parties.program.pk, "amount_fen": 100_00, "purpose": "检测",
        "planned_categories": ["no-such-category"],
    }, format="json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "unknown_reference"
    assert _fields(response) == [("planned_categories", "does_not_exist")]


def test_an_english_client_reads_the_new_refusals_in_english(parties, records):
    response = parties.client("reviewer").post(
        f"/api/v1/redemptions/{records.redemption.pk}/approve/", {"amount_fne": 1},
        format="json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.json()["errors"][0]["message"] == "Not a field of this request"


@pytest.mark.parametrize(("query", "field"), [
    ("program=-1", "program"),  # an id is from 1
    ("program=abc", "program"),
    ("program=9223372036854775808", "program"),  # beyond a bigint
    ("program=", "program"),  # present but empty: a mistake, not "no filter"
    ("state=", "state"),
    ("ordering=", "ordering"),
    ("submitted_after=", "submitted_after"),
])
def test_filter_values_outside_their_schema_are_refused(parties, records, query, field):
    response = parties.client("reviewer").get(f"/api/v1/applications/?{query}")
    assert response.status_code == 400
    assert [name for name, _code in _fields(response)] == [field]


def test_an_integer_filter_takes_whole_numbers_only(parties):
    client = parties.client("reviewer")
    assert client.get("/api/v1/programs/?year=2024.5").status_code == 400
    years = {row["year"] for row in client.get("/api/v1/programs/?year=2024").json()["results"]}
    assert years == {2024}


def test_an_id_nobody_can_see_matches_nothing_rather_than_naming_a_choice(parties, records):
    # django-filter's "not a valid choice" told a client which ids exist elsewhere.
    client = parties.client("reviewer")
    response = client.get("/api/v1/applications/?program=987654321")
    assert response.status_code == 200
    assert response.json()["results"] == []
    own = client.get(f"/api/v1/applications/?program={parties.program.pk}").json()["results"]
    assert records.submitted.pk in {row["id"] for row in own}


@pytest.mark.parametrize(("value", "in_common_area"), [("true", True), ("0", False)])
def test_a_boolean_filter_takes_true_false_1_0(client, db, value, in_common_area):
    from accounts.models import City

    response = client.get(f"/api/v1/cities/?in_common_area={value}")
    assert response.status_code == 200
    codes = {row["code"] for row in response.json()["results"]}
    expected = City.objects.filter(in_common_area=in_common_area).values_list("code", flat=True)
    assert codes == set(expected) or len(codes) == 50  # the first page of them
    assert {row["in_common_area"] for row in response.json()["results"]} <= {in_common_area}


@pytest.mark.parametrize("value", ["maybe", "", "yes"])
def test_a_boolean_filter_refuses_other_spellings(client, db, value):
    response = client.get(f"/api/v1/cities/?in_common_area={value}")
    assert response.status_code == 400
    assert _fields(response)[0][0] == "in_common_area"


def test_the_schema_states_the_input_gates(db):
    from django.test import Client

    schema = json.loads(Client().get("/api/v1/schema/?format=json").content)
    components = schema["components"]["schemas"]
    bodies = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                text = parameter["schema"].get("type") == "string" and not (
                    {"enum", "format"} & set(parameter["schema"]))
                if text:
                    assert parameter["schema"]["pattern"] == "^[^\\x00-\\x1f\\x7f]*$", (
                        method, path, parameter["name"])
                    assert parameter["schema"]["maxLength"] == 2000
            for content in operation.get("requestBody", {}).get("content", {}).values():
                name = content["schema"]["$ref"].rsplit("/", 1)[1]
                assert components[name]["additionalProperties"] is False, (method, path)
                bodies += 1
    assert bodies > 20
    purpose = components["ApplicationSubmitInputRequest"]["properties"]["purpose"]
    assert purpose["pattern"].startswith("^[^\\x00-\\x08")
    assert purpose["maxLength"] == 2000
    assert components["ApplicationSubmitInputRequest"]["properties"][
        "planned_categories"]["minItems"] == 1
