"""/metrics: who may scrape, and what it counts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from prometheus_client.parser import text_string_to_metric_families

from accounts.tasks import ping
from devtools.factories.ledger import AccountFactory, fund
from reporting.models import ReportRun
from tests.config.conftest import always_fails, clean_environment, run_python

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _samples(response) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def _value(samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.django_db
def test_loopback_may_scrape(client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_ipv6_loopback_may_scrape(client):
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "headers"),
    [("203.0.113.9", {}),
     ("10.1.2.3", {}),
     # Through the proxy the address is the proxy's loopback one; the forwarding header says so
     ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}),
     ("127.0.0.1", {"HTTP_FORWARDED": "for=203.0.113.9"}),
     ("not-an-address", {})],
)
def test_anyone_else_is_refused(client, address, headers):
    response = client.get("/metrics", REMOTE_ADDR=address, **headers)
    assert response.status_code == 403
    assert b"vouchers_" not in response.content


@pytest.mark.django_db
def test_a_configured_network_may_scrape(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403


@pytest.mark.django_db
def test_the_bearer_token_lets_a_remote_scraper_in_and_a_wrong_one_does_not(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    remote = {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    allowed = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789",
                         **remote)
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-012345678",
                       **remote)
    missing = client.get("/metrics", **remote)
    assert (allowed.status_code, wrong.status_code, missing.status_code) == (200, 403, 403)


@pytest.mark.django_db
def test_no_token_configured_means_no_token_accepted(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


@pytest.mark.django_db
def test_requests_are_counted_by_view_method_and_status(client):
    before = _samples(client.get("/metrics"))
    client.get("/health/live")
    client.get("/health/live")
    client.get("/no/such/page")
    after = _samples(client.get("/metrics"))

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew("vouchers_http_requests_total", view="health-live", method="GET",
                status="200") == 2
    assert grew("vouchers_http_requests_total", view="<unmatched>", method="GET",
                status="404") == 1
    assert grew("vouchers_http_request_duration_seconds_count", view="health-live",
                method="GET") == 2


@pytest.mark.django_db
def test_task_outcomes_are_counted(client):
    before = _samples(client.get("/metrics"))
    ping.delay(value="a")
    ping.delay(value="b")
    always_fails.apply(throw=False)
    after = _samples(client.get("/metrics"))

    def grew(**labels: str) -> float:
        name = "vouchers_celery_tasks_total"
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert grew(task="accounts.tasks.ping", outcome="success") == 2
    assert grew(task="tests.config.always_fails", outcome="failure") == 1


@pytest.mark.django_db
def test_report_runs_by_state_and_ledger_transfers_by_phase_are_read_at_scrape(client):
    # Given two queued reconciliations, one failed annual report and two funding transfers
    for number, (kind, status) in enumerate([
        (ReportRun.Kind.RECONCILIATION, ReportRun.Status.QUEUED),
        (ReportRun.Kind.RECONCILIATION, ReportRun.Status.QUEUED),
        (ReportRun.Kind.ANNUAL_TOTALS, ReportRun.Status.FAILED),
    ]):
        ReportRun.objects.create(kind=kind, status=status, parameters={}, data_version="v",
                                 fingerprint=f"f{number}", requested_at=NOW)
    fund(AccountFactory(), 500, now=NOW)
    fund(AccountFactory(), 700, now=NOW)
    # When scraped
    samples = _samples(client.get("/metrics"))
    # Then
    assert _value(samples, "vouchers_metrics_database_up") == 1
    assert _value(samples, "vouchers_report_runs", kind="reconciliation", state="queued") == 2
    assert _value(samples, "vouchers_report_runs", kind="annual_totals", state="failed") == 1
    assert _value(samples, "vouchers_report_runs", kind="annual_totals", state="queued") == 0
    assert _value(samples, "vouchers_ledger_transfers_total", phase="posted") == 2


@pytest.mark.django_db
def test_a_scrape_without_database_still_answers(client, monkeypatch):
    from django.db import OperationalError

    from config.observability import checks

    def refused() -> list:
        raise OperationalError("connection refused")

    monkeypatch.setattr(checks, "report_run_counts", refused)
    response = client.get("/metrics")
    samples = _samples(response)
    assert response.status_code == 200
    assert _value(samples, "vouchers_metrics_database_up") == 0
    assert "vouchers_http_requests_total" in {name for name, _ in samples}


REQUEST = """
import django; django.setup()
from django.test import Client
print(Client().get("{path}", HTTP_HOST="localhost").content.decode())
"""


def test_with_a_multiprocess_folder_a_scrape_adds_up_every_process(tmp_path):
    # Given two processes sharing PROMETHEUS_MULTIPROC_DIR, as gunicorn's workers do
    metrics_folder = tmp_path / "metrics"
    metrics_folder.mkdir()
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.base", VOUCHERS_VAR_DIR=str(tmp_path),
        PROMETHEUS_MULTIPROC_DIR=str(metrics_folder),
    )
    # When one answers three probes and the other is scraped
    for _ in range(3):
        run_python(REQUEST.format(path="/health/live"), environment)
    scraped = run_python(REQUEST.format(path="/metrics"), environment)
    # Then the scrape counts the other processes' requests
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    assert _value(samples, "vouchers_http_requests_total", view="health-live", method="GET",
                  status="200") == 3
