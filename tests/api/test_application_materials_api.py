"""The API of the application materials: the list on the program, files with the submission
(multipart), a missing required document as a 422 problem, return and resubmit."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.api.conftest import PDF, PNG
from vouchers.models import Application

PROBLEM = "application/problem+json"
MATERIALS = [
    {"name": "营业执照", "name_en": "Business licence", "required": True,
     "types": ["pdf", "png", "jpeg"]},
    {"name": "上年度财务报表", "name_en": "Last year's financial statement", "required": True,
     "types": ["pdf"]},
    {"name": "研发需求说明", "required": False, "types": ["pdf"]},
]


def set_materials(parties):
    answer = parties.client("reviewer").post(
        reverse("api:program-materials", args=[parties.program.pk]),
        {"materials": MATERIALS, "reason": "2024年要求"}, format="json")
    assert answer.status_code == 200, answer.json()
    return answer.json()["application_materials"]


def apply(parties, files, key="apply-1", **headers):
    body = {"program_id": parties.program.pk, "amount_fen": 10_000_00, "purpose": "检测新产品",
            "planned_categories": ["testing"], **files}
    return parties.client("enterprise").post(
        reverse("api:application-submit"), body, format="multipart",
        HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_the_program_lists_its_materials_with_keys(parties):
    materials = set_materials(parties)
    assert [(m["key"], m["name"], m["required"], m["types"]) for m in materials] == [
        ("m1", "营业执照", True, ["pdf", "png", "jpeg"]), ("m2", "上年度财务报表", True, ["pdf"]),
        ("m3", "研发需求说明", False, ["pdf"])]
    seen = parties.client("enterprise").get(
        reverse("api:program-detail", args=[parties.program.pk])).json()
    assert seen["application_materials"] == materials


def test_a_missing_required_document_is_a_422_problem_naming_it(parties):
    set_materials(parties)
    answer = apply(parties, {"document_m1": SimpleUploadedFile("licence.png", PNG)},
                   HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 422, answer.json().get("errors")
    assert answer["Content-Type"].startswith(PROBLEM)
    problem = answer.json()
    assert problem["code"] == "materials_missing"
    assert "Last year's financial statement" in problem["detail"]
    assert not Application.objects.exists()


def test_submit_return_and_resubmit_keep_the_history(parties):
    set_materials(parties)
    applied = apply(parties, {"document_m1": SimpleUploadedFile("licence.png", PNG),
                              "document_m2": SimpleUploadedFile("statement.pdf", PDF)})
    assert applied.status_code == 201, applied.json()
    application_id = applied.json()["id"]
    returned = parties.client("reviewer").post(
        reverse("api:application-return", args=[application_id]),
        {"reason": "财务报表不清晰"}, format="json")
    assert returned.status_code == 200, returned.json()
    assert (returned.json()["state"], returned.json()["reason"]) == ("returned", "财务报表不清晰")

    resubmitted = parties.client("enterprise").post(
        reverse("api:application-resubmit", args=[application_id]),
        {"amount_fen": 8_000_00, "purpose": "检测新产品（修改）", "planned_categories": ["testing"],
         "document_m2": SimpleUploadedFile("statement-v2.pdf", PDF + b"%v2\n")},
        format="multipart", HTTP_IDEMPOTENCY_KEY="resubmit-1")

    assert resubmitted.status_code == 200, resubmitted.json()
    body = resubmitted.json()
    assert (body["state"], body["amount_fen"]) == ("submitted", 8_000_00)
    first, second = body["submissions"]
    assert (first["number"], first["amount_fen"], first["return_reason"]) == (
        1, 10_000_00, "财务报表不清晰")
    assert [(d["material_key"], d["version"]) for d in first["documents"]] == [
        ("m1", 1), ("m2", 1)]
    assert [(d["material_key"], d["version"], d["original_name"])
            for d in second["documents"]] == [("m2", 2, "statement-v2.pdf")]


def test_only_a_returned_application_is_resubmitted(parties):
    set_materials(parties)
    applied = apply(parties, {"document_m1": SimpleUploadedFile("licence.png", PNG),
                              "document_m2": SimpleUploadedFile("statement.pdf", PDF)})
    answer = parties.client("enterprise").post(
        reverse("api:application-resubmit", args=[applied.json()["id"]]),
        {"amount_fen": 8_000_00, "purpose": "x", "planned_categories": ["testing"]},
        format="json")
    assert answer.status_code == 409
    assert answer.json()["code"] == "illegal_transition"


def test_a_return_without_a_reason_is_refused(parties):
    set_materials(parties)
    applied = apply(parties, {"document_m1": SimpleUploadedFile("licence.png", PNG),
                              "document_m2": SimpleUploadedFile("statement.pdf", PDF)})
    answer = parties.client("reviewer").post(
        reverse("api:application-return", args=[applied.json()["id"]]), {}, format="json")
    assert answer.status_code == 400
    assert Application.objects.get().state == "submitted"
