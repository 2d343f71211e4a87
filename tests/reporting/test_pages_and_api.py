"""The reports page and API: request, progress, download (permissions, audit)."""

from __future__ import annotations

from datetime import datetime

import pytest
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from devtools.factories.vouchers import TZ, authority, enterprise_user
from reporting.models import ReportRun
from reporting.services import runs

NOW = datetime(2025, 2, 1, tzinfo=TZ)


@pytest.fixture
def finished(db):
    run = runs.report_request(actor=None, kind=ReportRun.Kind.ANNUAL_TOTALS,
                              region=authority("JS").organisation.region,
                              parameters={"year": 2024}, now=NOW)
    return runs.report_run_execute(run_id=run.pk, now=NOW)


def test_the_page_requests_and_shows_a_run(db, client, django_capture_on_commit_callbacks):
    client.force_login(authority("JS"))
    assert client.get("/reports/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/annual/", {"year": 2024})
    run = ReportRun.objects.get()
    assert response.url == f"/reports/runs/{run.pk}/"
    page = client.get(response.url)
    assert "XLSX" in page.content.decode()
    progress = client.get(f"/reports/runs/{run.pk}/progress.json").json()
    assert progress == {"id": run.pk, "status": "succeeded", "progress": 100, "error": "",
                        "done": True}


def test_downloads_from_the_page_are_audited_and_limited_to_the_region(client, finished):
    client.force_login(authority("JS"))
    response = client.get(f"/reports/runs/{finished.pk}/download/csv/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith("\ufeff".encode())
    assert AuditEntry.objects.filter(action="report_download").count() == 1
    client.force_login(authority("SH"))
    assert client.get(f"/reports/runs/{finished.pk}/download/csv/").status_code == 404
    client.force_login(enterprise_user("JS"))
    assert client.get(f"/reports/runs/{finished.pk}/download/csv/").status_code == 403
    assert AuditEntry.objects.filter(action="report_download").count() == 1


def test_the_api_requests_polls_and_downloads(finished):
    api = APIClient()
    api.force_authenticate(authority("JS"))
    response = api.post("/api/v1/reports/", {"kind": "annual_totals", "year": 2024},
                        format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 202
    assert response.json()["id"] == finished.pk  # same report, same data: the same run
    detail = api.get(f"/api/v1/reports/{finished.pk}/").json()
    assert (detail["status"], detail["files"]) == ("succeeded", ["csv", "pdf", "xlsx"])
    download = api.get(f"/api/v1/reports/{finished.pk}/download/pdf/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_api_refuses_other_regions_and_other_roles(finished):
    api = APIClient()
    api.force_authenticate(authority("SH"))
    assert api.get(f"/api/v1/reports/{finished.pk}/").status_code == 404
    response = api.post("/api/v1/reports/", {"kind": "annual_totals", "region": "JS",
                                             "year": 2024}, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    api.force_authenticate(User.objects.filter(role="enterprise").first()
                           or enterprise_user("JS"))
    assert api.get("/api/v1/reports/").status_code == 403


def test_an_invalid_request_is_a_problem(db):
    api = APIClient()
    api.force_authenticate(authority("JS"))
    response = api.post("/api/v1/reports/", {"kind": "reconciliation", "date_from": "2024-02-01",
                                             "date_to": "2024-01-01"}, format="json")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
