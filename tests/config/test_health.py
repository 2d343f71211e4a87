"""/health/live and /health/ready: what a probe sees when everything or something is down."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from unittest import mock

import pytest
from django.db import OperationalError, connection

from config.observability import checks
from tests.config.conftest import clean_environment, run_python
from tests.faults.servers import free_port

ALL_OK = {
    "database": {"status": "ok"},
    "migrations": {"status": "ok"},
    "broker": {"status": "ok"},
    "cache": {"status": "ok"},
}


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port whose connections are accepted by the kernel but never answered: a hung Redis."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@pytest.mark.django_db
def test_live_answers_without_login_or_any_query(client, django_assert_num_queries):
    # Given no session; When the liveness probe asks
    with django_assert_num_queries(0):
        response = client.get("/health/live")
    # Then the process answers, uncached
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {}}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_when_database_migrations_broker_and_cache_answer(client):
    # Given the migrated test database, the configured broker and cache; When probed
    response = client.get("/health/ready")
    # Then every check passes
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": ALL_OK}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_head_is_answered_too(client):
    assert client.head("/health/ready").status_code == 200


@pytest.mark.django_db
def test_not_ready_when_the_broker_port_is_closed(client, settings):
    # Given a Redis broker URL on a port nobody listens on
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    # When probed
    response = client.get("/health/ready")
    # Then only the broker fails, saying why
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "fail"
    assert "Connection refused" in body["checks"]["broker"]["error"]
    assert {name: result for name, result in body["checks"].items() if name != "broker"} == {
        name: result for name, result in ALL_OK.items() if name != "broker"
    }


@pytest.mark.django_db
def test_not_ready_when_the_database_cannot_be_reached(client):
    # Given a database connection that fails as a stopped server does
    refused = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
    with mock.patch.object(connection, "ensure_connection", side_effect=refused):
        response = client.get("/health/ready")
    # Then the database fails and the migrations are not looked at
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {
            "database": {
                "status": "fail",
                "error": "OperationalError: connection to server at 127.0.0.1 failed: "
                "Connection refused",
            },
            "migrations": {"status": "fail", "error": "database unreachable"},
            "broker": {"status": "ok"},
            "cache": {"status": "ok"},
        },
    }


@pytest.mark.django_db
def test_not_ready_while_a_migration_is_unapplied(client, monkeypatch):
    # Given code with a migration the database has not had
    on_disk = checks._migrations_on_disk() | {("vouchers", "9999_next_release")}
    monkeypatch.setattr(checks, "_migrations_on_disk", lambda: on_disk)
    # When probed; Then it names it
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "status": "fail", "error": "unapplied: vouchers.9999_next_release",
    }


@pytest.mark.django_db
def test_a_failing_probe_logs_one_warning_and_no_error(client, settings, log_lines):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    client.get("/health/ready")
    # Then a warning names the failing check; no 5xx error line (nor mail to ADMINS) per probe
    assert [(line["logger"], line["level"]) for line in log_lines] == [
        ("config.observability.health", "WARNING"),
        ("vouchers.access", "INFO"),
    ]
    assert log_lines[0]["failing"] == "broker"


PROBE = """
import json, time, django
django.setup()
from django.test import Client
started = time.monotonic()
response = Client().get("/health/ready", HTTP_HOST="localhost")
print(json.dumps({"status": response.status_code, "seconds": time.monotonic() - started,
                  "checks": response.json()["checks"]}))
"""


def test_a_hung_redis_and_a_closed_database_port_fail_the_probe_within_seconds(
    silent_server, tmp_path
):
    # Given a broker and cache that accept connections and never answer, and PostgreSQL on a
    # closed port
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        VOUCHERS_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/nothing",
        CELERY_BROKER_URL=f"redis://127.0.0.1:{silent_server}/0",
        CACHE_URL=f"rediscache://127.0.0.1:{silent_server}/1",
    )
    # When a probe asks
    answer = json.loads(run_python(PROBE, environment).strip().splitlines()[-1])
    # Then it answers 503 with every check failed, within the bounded timeouts (1 s each)
    assert answer["status"] == 503
    assert {name: check["status"] for name, check in answer["checks"].items()} == {
        "database": "fail", "migrations": "fail", "broker": "fail", "cache": "fail",
    }
    assert "Connection refused" in answer["checks"]["database"]["error"]
    assert "Timeout" in answer["checks"]["cache"]["error"]
    assert answer["seconds"] < 4


def test_production_exempts_the_probes_from_the_https_redirect(tmp_path):
    # Given the production settings, which redirect plain HTTP to HTTPS
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 64 + "-production-secret-for-the-test",
        IDENTITY_KEY_SECRET="y" * 64 + "-identity-key-for-the-test",
        DJANGO_ALLOWED_HOSTS="testserver",
        VOUCHERS_VAR_DIR=str(tmp_path),
    )
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "print(client.get('/health/live').status_code, client.get('/metrics').status_code,"
        " client.get('/accounts/login/').status_code)\n"
    )
    output = run_python(script, environment)
    # Then the probe and the scrape are answered over HTTP; a page is still redirected.
    # (the test client's address is 127.0.0.1, which may scrape)
    assert output.split() == ["200", "200", "301"]
