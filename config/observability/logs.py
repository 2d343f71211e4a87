"""One log format for gunicorn, Django and Celery: a JSON object per line.

Each line has `time` (ISO 8601 with the offset, always in `LOG_TIME_ZONE`, whatever the
process's TZ), `level`, `logger`, `message`, and, when known, `request_id`, `user_id`,
`region`, `task_id` and `task_name`, then the record's own simple extras (the access log's
method, path, status and duration). This module imports no Django model: gunicorn's
configuration uses it before Django starts.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from config.observability.context import cached_region_code, current_work, resolved_user

LOG_TIME_ZONE = "Asia/Shanghai"  # the project's TIME_ZONE: one clock in every log
_STANDARD_ATTRIBUTES = frozenset(
    logging.LogRecord("", 0, "", 0, "", (), None).__dict__
) | {"message", "asctime", "request", "server_time"}
_CONTEXT_ATTRIBUTES = ("request_id", "user_id", "region", "task_id", "task_name")


class ContextFilter(logging.Filter):
    """Adds the request or task in hand to each record (attributes the formatter writes)."""

    def filter(self, record: logging.LogRecord) -> bool:
        work = current_work.get()
        if work is None:
            return True
        record.request_id = getattr(record, "request_id", None) or work.request_id
        record.task_id = getattr(record, "task_id", None) or work.task_id
        record.task_name = getattr(record, "task_name", None) or work.task_name
        user = resolved_user(work.request) if work.request is not None else None
        if user is not None:
            if getattr(record, "user_id", None) is None:
                record.user_id = user.pk
            if getattr(record, "region", None) is None:
                record.region = cached_region_code(user)
        return True


class ExpectedClientErrorFilter(logging.Filter):
    """No traceback for an expected 4xx (permission denied, not found, bad request).

    Django's `django.request` logs those as warnings with the exception attached, and
    `django.security` logs a disallowed host with it; the line stays, the traceback goes.
    5xx lines keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        expected = (isinstance(status, int) and status < 500) or record.name.startswith(
            "django.security"
        )
        if expected and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True


class OutageMailFilter(logging.Filter):
    """One error mail per database outage, not one per request: while PostgreSQL is down every
    request answers 503 and logs its error; the first is mailed, then at most one every
    `interval` seconds per process. The log lines themselves all stay."""

    def __init__(self, interval: float = 300.0) -> None:
        super().__init__()
        self.interval = interval
        self._last_mailed: float | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        from config.errors import database_outage  # Django is set up by the time mail is sent

        error = record.exc_info[1] if record.exc_info else None
        if not database_outage(error):
            return True
        moment = time.monotonic()
        if self._last_mailed is not None and moment - self._last_mailed < self.interval:
            return False
        self._last_mailed = moment
        return True


class JsonFormatter(logging.Formatter):
    def __init__(self, *args: Any, time_zone: str = LOG_TIME_ZONE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone = ZoneInfo(time_zone)

    def format(self, record: logging.LogRecord) -> str:
        created_at = datetime.fromtimestamp(record.created, tz=self.time_zone)
        line: dict[str, Any] = {
            "time": created_at.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _CONTEXT_ATTRIBUTES:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        for name, value in record.__dict__.items():
            if name in _STANDARD_ATTRIBUTES or name in _CONTEXT_ATTRIBUTES or name in line:
                continue
            if _is_simple(value):
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def _is_simple(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def logging_configuration(*, level: str, admins_mail: bool) -> dict[str, Any]:
    """The LOGGING dictionary of the settings (and of gunicorn's own loggers).

    `admins_mail` adds Django's mail_admins handler for 5xx (`django.request` errors), as
    production does; it sends only when ADMINS is set.
    """
    request_handlers = ["mail_admins"] if admins_mail else []
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "config.observability.logs.ContextFilter"},
            "expected_client_errors": {
                "()": "config.observability.logs.ExpectedClientErrorFilter"
            },
            "one_mail_per_outage": {"()": "config.observability.logs.OutageMailFilter"},
        },
        "formatters": {"json": {"()": "config.observability.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["context", "expected_client_errors"],
            },
            "mail_admins": {
                "class": "django.utils.log.AdminEmailHandler",
                "level": "ERROR",
                "filters": ["expected_client_errors", "one_mail_per_outage"],
            },
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Replaces Django's default handlers (a DEBUG-only console, mail_admins for all of
            # `django`): everything reaches the root's one console handler.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.request": {"handlers": request_handlers, "propagate": True},
            # runserver's own access lines duplicate ours.
            "django.server": {"handlers": [], "level": "WARNING", "propagate": True},
            # Axes reports every successful login's reset at INFO; our audit trail records
            # logins.
            "axes": {"level": "WARNING"},
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
            # Our middleware writes one access line per request; gunicorn's is off.
            "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
