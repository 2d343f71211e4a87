"""Two-tier and bulk review over the API (issue 21)."""

from __future__ import annotations

import pytest

from devtools.factories import vouchers as build
from tests.api.conftest import token_client
from vouchers.models import Application, BulkReview, Recommendation


@pytest.fixture
def two_tiers(parties):
    response = parties.client("reviewer").post(
        f"/api/v1/programs/{parties.program.pk}/review-tiers/",
        {"application_city_review": True, "redemption_city_review": False,
         "reason": "市级初审试点"}, format="json")
    assert response.status_code == 200, response.json()
    return parties


def test_the_city_recommends_and_the_region_reads_it_then_decides(two_tiers, records):
    nanjing = token_client(build.city_reviewer("JS", "320100"))
    application = records.submitted

    made = nanjing.post(f"/api/v1/applications/{application.pk}/recommend/",
                        {"decision": "approve", "amount_fen": 8_000_00, "reason": "材料齐全"},
                        format="json")
    read = two_tiers.client("reviewer").get(
        f"/api/v1/applications/{application.pk}/recommendation/")
    decided = two_tiers.client("reviewer").post(
        f"/api/v1/applications/{application.pk}/approve/", {"amount_fen": 8_000_00},
        format="json")

    assert made.status_code == 201, made.json()
    assert (read.json()["decision"], read.json()["amount_fen"], read.json()["city_code"]) == (
        "approve", 8_000_00, "320100")
    assert decided.status_code == 200, decided.json()
    assert decided.json()["approved_fen"] == 8_000_00


def test_the_region_needs_a_reason_without_a_recommendation(two_tiers, records):
    client = two_tiers.client("reviewer")
    url = f"/api/v1/applications/{records.submitted.pk}/approve/"

    refused = client.post(url, {}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (422, "override_reason_required")
    assert client.post(url, {"reason": "初审超期"}, format="json").status_code == 200


def test_another_citys_reviewer_neither_sees_nor_recommends(two_tiers, records):
    suzhou = token_client(build.city_reviewer("JS", "320500"))
    url = f"/api/v1/applications/{records.submitted.pk}/recommend/"

    assert suzhou.post(url, {"decision": "approve"}, format="json").status_code == 404
    assert suzhou.get("/api/v1/applications/").json()["count"] == 0
    assert not Recommendation.objects.exists()


def test_the_regions_reviewer_cannot_recommend(two_tiers, records):
    response = two_tiers.client("reviewer").post(
        f"/api/v1/applications/{records.submitted.pk}/recommend/", {"decision": "approve"},
        format="json")
    assert response.status_code == 403


def test_a_bulk_review_starts_and_its_progress_is_read(parties, records,
                                                       django_capture_on_commit_callbacks):
    client = parties.client("reviewer")
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/bulk-reviews/",
                              {"kind": "application", "decision": "reject",
                               "reason": "材料不全", "record_ids": [records.submitted.pk]},
                              format="json")
    assert started.status_code == 202, started.json()
    job_id = started.json()["id"]

    detail = client.get(f"/api/v1/bulk-reviews/{job_id}/").json()
    items = client.get(f"/api/v1/bulk-reviews/{job_id}/items/").json()

    assert {key: detail[key] for key in ("status", "total", "done", "skipped", "pending",
                                         "progress_percent")} == {
        "status": "succeeded", "total": 1, "done": 1, "skipped": 0, "pending": 0,
        "progress_percent": 100}
    assert [(item["application_id"], item["outcome"]) for item in items["results"]] == [
        (records.submitted.pk, "done")]
    assert Application.objects.get(pk=records.submitted.pk).state == "rejected"


def test_bulk_reviews_are_the_regions_reviewers_only(parties, records):
    job = BulkReview.objects.create(
        kind="application", decision="approve", region=parties.reviewer.organisation.region,
        requested_by=parties.reviewer, requested_at=build.NOW, status="queued", total_count=0)

    assert parties.client("sh_reviewer").get(f"/api/v1/bulk-reviews/{job.pk}/").status_code \
        == 404
    assert parties.client("enterprise").get(f"/api/v1/bulk-reviews/{job.pk}/").status_code \
        == 404
    refused = parties.client("enterprise").post(
        "/api/v1/bulk-reviews/", {"kind": "application", "decision": "approve"},
        format="json")
    assert refused.status_code == 403
