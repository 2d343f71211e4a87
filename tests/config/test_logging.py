"""Structured logs: one JSON line per record, the request id, the access line, no traceback
for expected 4xx, task outcomes, and gunicorn in the same format and clock."""

from __future__ import annotations

import json
import logging
import re
import sys
import urllib.request
from pathlib import Path

import pytest

from accounts.tasks import ping
from config.observability.context import WorkContext, current_work
from config.observability.logs import ContextFilter, JsonFormatter
from tests.config.conftest import always_fails, clean_environment, run_python
from tests.faults.servers import Process, _port_open, free_port, wait_until

GENERATED_ID = re.compile(r"[0-9a-f]{32}")


def _record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("vouchers.test", logging.WARNING, __file__, 1, "余额 %s", (5,),
                               None)
    record.created = 0.0  # 1970-01-01T00:00:00Z
    record.__dict__.update(extra)
    return record


def test_a_line_is_one_json_object_in_shanghai_time_with_its_offset():
    line = json.loads(JsonFormatter().format(_record(status=403, request=object())))
    assert line == {
        "time": "1970-01-01T08:00:00.000+08:00",
        "level": "WARNING",
        "logger": "vouchers.test",
        "message": "余额 5",
        "status": 403,  # a simple extra is kept, an object (the request) is not
    }


def test_the_task_in_hand_is_named_on_the_line():
    token = current_work.set(WorkContext(task_id="t-1", task_name="vouchers.tasks.x"))
    try:
        record = _record()
        ContextFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        current_work.reset(token)
    assert (line["task_id"], line["task_name"]) == ("t-1", "vouchers.tasks.x")


@pytest.mark.django_db
def test_an_acceptable_request_id_is_kept_and_echoed(client, log_lines):
    response = client.get("/health/live", HTTP_X_REQUEST_ID="proxy-7f3a:01")
    assert response["X-Request-ID"] == "proxy-7f3a:01"
    assert [line["request_id"] for line in log_lines] == ["proxy-7f3a:01"]


@pytest.mark.django_db
@pytest.mark.parametrize("incoming", ["has space", "x" * 65, "请求编号", "", "a\tb"])
def test_an_unacceptable_request_id_is_replaced(client, incoming):
    response = client.get("/health/live", HTTP_X_REQUEST_ID=incoming)
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db
def test_one_access_line_per_request_without_the_query_string(client, enterprise_user,
                                                              log_lines):
    # Given a signed-in enterprise user of Jiangsu (region 32)
    client.force_login(enterprise_user)
    # When they open the home page with a secret in the query string
    response = client.get("/?token=s3cr3t-value")
    # Then one access line says who, what and how it went, without the query string
    access = [line for line in log_lines if line["logger"] == "vouchers.access"]
    assert len(access) == 1
    line = access[0]
    assert line["duration_ms"] >= 0
    assert {key: value for key, value in line.items() if key not in {"time", "duration_ms"}} == {
        "level": "INFO",
        "logger": "vouchers.access",
        "message": f"GET / {response.status_code}",
        "request_id": response["X-Request-ID"],
        "method": "GET",
        "path": "/",
        "view": "home",
        "status": response.status_code,
        "user_id": enterprise_user.pk,
        "region": "32",
    }
    assert "s3cr3t" not in json.dumps(log_lines)


@pytest.mark.django_db
@pytest.mark.urls("tests.config.observability_urls")
def test_lines_written_in_a_view_carry_the_request_user_and_region(client, enterprise_user,
                                                                   log_lines):
    client.force_login(enterprise_user)
    response = client.get("/test/speaks")
    seen = [line for line in log_lines if line["logger"] == "tests.observability"]
    assert [(line["message"], line["request_id"], line["user_id"], line["region"])
            for line in seen] == [
        ("seen 32", response["X-Request-ID"], enterprise_user.pk, "32"),
    ]


@pytest.mark.django_db
@pytest.mark.urls("tests.config.observability_urls")
@pytest.mark.parametrize(
    ("path", "status", "message"),
    [("/test/forbidden", 403, "Forbidden (Permission denied): /test/forbidden"),
     ("/test/missing", 404, "Not Found: /test/missing")],
)
def test_an_expected_client_error_logs_a_warning_without_traceback(client, log_lines, path,
                                                                   status, message):
    assert client.get(path).status_code == status
    django_lines = [line for line in log_lines if line["logger"] == "django.request"]
    assert [(line["level"], line["message"], "exception" in line) for line in django_lines] == [
        ("WARNING", message, False),
    ]


@pytest.mark.django_db
@pytest.mark.urls("tests.config.observability_urls")
def test_a_server_error_keeps_its_traceback(client, log_lines):
    client.raise_request_exception = False
    assert client.get("/test/broken").status_code == 500
    errors = [line for line in log_lines if line["logger"] == "django.request"]
    assert [(line["level"], line["message"]) for line in errors] == [
        ("ERROR", "Internal Server Error: /test/broken"),
    ]
    assert "ValueError: a bug" in errors[0]["exception"]
    assert 'views = "broken"' not in errors[0]["exception"]


def test_a_task_logs_its_outcome_with_its_id_and_name(log_lines):
    result = ping.delay(value="回声")
    assert result.get() == "pong:回声"
    outcome = [line for line in log_lines if line["logger"] == "vouchers.tasks"]
    assert [(line["message"], line["task_id"], line["task_name"], line["outcome"])
            for line in outcome] == [
        ("task accounts.tasks.ping: success", result.id, "accounts.tasks.ping", "success"),
    ]


def test_a_failed_task_logs_a_failure_outcome(log_lines):
    # (run as a worker would: an eager run that propagates the error sends no failure signal)
    result = always_fails.apply(throw=False)
    assert result.failed()
    outcome = [line for line in log_lines if line["logger"] == "vouchers.tasks"]
    assert [(line["level"], line["message"], line["outcome"], line["error"])
            for line in outcome] == [
        ("WARNING", "task tests.config.always_fails: failure", "failure", "LookupError"),
    ]


def test_gunicorn_and_django_write_the_same_format_and_clock(tmp_path):
    # Given gunicorn with the project's configuration, in a process whose TZ is UTC
    port = free_port()
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.base", VOUCHERS_VAR_DIR=str(tmp_path),
        TZ="UTC", PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "gunicorn.log"
    server = Process(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "config/gunicorn.conf.py",
         "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=environment, log=log,
    )
    try:
        # When a probe asks, once: gunicorn listening, one request (a retry after a slow first
        # answer on a loaded machine would log a second access line)
        wait_until(lambda: _port_open(port), timeout=30, what="gunicorn listening")
        body = _get(port, "/health/live", timeout=60)
    finally:
        server.kill(15)
    assert json.loads(body) == {"status": "ok", "checks": {}}
    # Then every line it wrote is one JSON object in +08:00, its own lines included, and the
    # only access line is ours
    lines = [json.loads(text) for text in log.read_text().splitlines() if text.strip()]
    assert lines
    assert all(line["time"].endswith("+08:00") for line in lines)
    loggers = {line["logger"] for line in lines}
    assert "gunicorn.error" in loggers
    assert "gunicorn.access" not in loggers
    access = [line for line in lines if line["logger"] == "vouchers.access"]
    assert [(line["path"], line["request_id"]) for line in access] == [
        ("/health/live", "probe-1"),
    ]


def _get(port: int, path: str, timeout: float = 5) -> str:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"X-Request-ID": "probe-1", "Host": "localhost"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
        return response.read().decode()


def test_a_celery_worker_logs_in_the_same_format_with_the_task(tmp_path):
    # Given a real worker on the embedded default's filesystem broker, in a UTC process
    environment = clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.base", VOUCHERS_VAR_DIR=str(tmp_path),
        TZ="UTC", PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "worker.log"
    worker = Process(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker",
         "--loglevel=INFO", "--concurrency=1", "--pool=solo", "--without-gossip",
         "--without-mingle"],
        env=environment, log=log,
    )
    try:
        # When a task is sent to it while a request is handled
        run_python("import django; django.setup()\n"
                   "from accounts.tasks import ping\n"
                   "from config.observability.context import WorkContext, current_work\n"
                   "current_work.set(WorkContext(request_id='web-42'))\n"
                   "print(ping.delay(value='x').id)\n", environment)
        outcome = wait_until(lambda: _outcome_line(log), timeout=60, what="task outcome")
    finally:
        worker.kill(15)
    # Then its outcome is a JSON line in +08:00 naming the task and the request that sent it
    assert outcome["time"].endswith("+08:00")
    assert (outcome["level"], outcome["message"], outcome["task_name"],
            outcome["request_id"]) == (
        "INFO", "task accounts.tasks.ping: success", "accounts.tasks.ping", "web-42",
    )
    assert GENERATED_TASK_ID.fullmatch(outcome["task_id"])
    # and the worker's own lines too (the start-up banner is printed, not logged)
    logged = [json.loads(text) for text in log.read_text().splitlines() if text.startswith("{")]
    assert any(line["logger"].startswith("celery") for line in logged)
    assert all(line["time"].endswith("+08:00") for line in logged)


GENERATED_TASK_ID = re.compile(r"[0-9a-f-]{36}")


def _outcome_line(log: Path) -> dict | None:
    for text in log.read_text().splitlines():
        if text.startswith("{") and '"vouchers.tasks"' in text:
            return json.loads(text)
    return None
