"""Error reporting: ADMINS from the environment, mail for 5xx in production, Sentry on demand."""

from __future__ import annotations

import json
import logging
import sys

from django.db import InterfaceError, OperationalError

from config.observability.errors import parse_admins
from config.observability.logs import OutageMailFilter
from tests.config.conftest import clean_environment, run_python

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-production-secret-for-the-test",
    "IDENTITY_KEY_SECRET": "y" * 64 + "-identity-key-for-the-test",
    "DJANGO_ALLOWED_HOSTS": "testserver",
}


def test_admins_are_read_as_name_and_address_pairs():
    assert parse_admins("运维值班 <ops@example.cn>, dev@example.cn,, nobody") == [
        ("运维值班", "ops@example.cn"), ("", "dev@example.cn"),
    ]
    assert parse_admins("") == []


SENTRY_STATE = """
import json, django
django.setup()
import sentry_sdk
client = sentry_sdk.get_client()
print(json.dumps({"initialised": sentry_sdk.is_initialized(),
                  "environment": client.options.get("environment"),
                  "release": client.options.get("release"),
                  "pii": client.options.get("send_default_pii"),
                  "integrations": sorted(client.integrations)}))
"""


def test_without_a_dsn_sentry_is_not_started(tmp_path):
    environment = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.base",
                                    VOUCHERS_VAR_DIR=str(tmp_path))
    assert json.loads(run_python(SENTRY_STATE, environment))["initialised"] is False


def test_with_a_dsn_sentry_starts_with_django_and_celery_and_no_personal_data(tmp_path):
    environment = clean_environment(
        **PRODUCTION, VOUCHERS_VAR_DIR=str(tmp_path),
        SENTRY_DSN="https://public@127.0.0.1:9/1", SENTRY_ENVIRONMENT="staging",
        SENTRY_RELEASE="vouchers@1.4.0",
    )
    state = json.loads(run_python(SENTRY_STATE, environment))
    assert {key: state[key] for key in ("initialised", "environment", "release", "pii")} == {
        "initialised": True, "environment": "staging", "release": "vouchers@1.4.0",
        "pii": False,
    }
    assert {"celery", "django"} <= set(state["integrations"])


CAPTURE = """
import json, django
django.setup()
from sentry_sdk.transport import Transport
from config.observability.errors import configure_sentry

class Capturing(Transport):
    envelopes = []
    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)

configure_sentry(dsn="https://public@127.0.0.1:9/1", environment="test", release="r1",
                 traces_sample_rate=0.0, transport=Capturing)
from django.test import Client, override_settings
with override_settings(ROOT_URLCONF="tests.config.observability_urls", SENTRY_DSN="x"):
    client = Client(raise_request_exception=False)
    statuses = [
        client.get(path, HTTP_HOST="localhost", HTTP_X_REQUEST_ID="r-" + path[6:]).status_code
        for path in ("/test/forbidden", "/test/broken")
    ]
events = [item.payload.json for envelope in Capturing.envelopes for item in envelope.items
          if item.type == "event"]
print(json.dumps({"statuses": statuses, "events": [
    {"exception": [value["type"] + ": " + value["value"]
                   for value in event["exception"]["values"]],
     "environment": event["environment"], "release": event["release"],
     "cookies": event.get("request", {}).get("cookies"),
     "request_id": event.get("tags", {}).get("request_id"),
     "user": event.get("user")}
    for event in events]}))
"""


def test_with_a_dsn_an_unhandled_exception_is_captured(tmp_path):
    # Given Sentry started with a transport that keeps what it would send
    environment = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.test",
                                    VOUCHERS_VAR_DIR=str(tmp_path))
    # When a view fails with a 500 (and another refuses with a 403)
    captured = json.loads(run_python(CAPTURE, environment).strip().splitlines()[-1])
    # Then only the 500 is reported, without cookies or user data
    assert captured == {
        "statuses": [403, 500],
        "events": [{"exception": ["ValueError: a bug"], "environment": "test",
                    "release": "r1", "cookies": None, "request_id": "r-broken",
                    "user": None}],
    }


MAIL = """
import django
django.setup()
from django.core import mail
from django.conf import settings
from django.test import Client, override_settings
# The error pages name static files; this run has no collectstatic manifest.
storages = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(ROOT_URLCONF="tests.config.observability_urls", STORAGES=storages):
    client = Client(raise_request_exception=False)
    for path in ("/test/forbidden", "/test/missing", "/test/broken"):
        client.get(path, secure=True)
for message in mail.outbox:
    print(message.to, message.subject)
"""


def test_production_mails_admins_a_server_error_and_not_a_refusal(tmp_path):
    environment = clean_environment(
        **PRODUCTION, VOUCHERS_VAR_DIR=str(tmp_path), EMAIL_URL="memorymail://",
        DJANGO_ADMINS="运维值班 <ops@example.cn>",
    )
    assert run_python(MAIL, environment).splitlines() == [
        "['ops@example.cn'] [创新券] ERROR (EXTERNAL IP): Internal Server Error: /test/broken",
    ]


def _error_record(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        return logging.LogRecord("django.request", logging.ERROR, __file__, 1,
                                 "Internal Server Error: /api/v1/orders", (), sys.exc_info())


def test_a_database_outage_is_mailed_once_per_interval_other_errors_every_time(monkeypatch):
    # Given the mail filter, a clock, and requests failing while the database is down
    clock = [1000.0]
    monkeypatch.setattr("config.observability.logs.time.monotonic", lambda: clock[0])
    mail_filter = OutageMailFilter(interval=300)
    outage = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    # When many requests fail within five minutes, then one after
    first = mail_filter.filter(_error_record(outage))
    clock[0] += 10
    during = [mail_filter.filter(_error_record(outage)) for _ in range(50)]
    other = mail_filter.filter(_error_record(ZeroDivisionError("a bug")))
    clock[0] += 300
    later = mail_filter.filter(_error_record(InterfaceError("connection already closed")))

    # Then the first outage error is mailed, the rest of that outage is not, a bug always is,
    # and the next interval mails again
    assert first is True
    assert during == [False] * 50
    assert other is True
    assert later is True
