from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import shared_task

from config.observability.logs import ContextFilter, ExpectedClientErrorFilter, JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


class _Lines(logging.Handler):
    """The console handler's filters and format, into a list instead of stderr."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[dict[str, Any]] = []
        self.addFilter(ContextFilter())
        self.addFilter(ExpectedClientErrorFilter())
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def log_lines() -> Iterator[list[dict[str, Any]]]:
    handler = _Lines()
    root = logging.getLogger()
    # An earlier test's worker may have left the root at its --loglevel (WARNING).
    level = root.level
    root.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def clean_environment(**extra: str) -> dict[str, str]:
    """This test run's environment without what points it at servers or settings."""
    dropped = ("DATABASE_", "CELERY_", "CACHE_", "DJANGO_", "SENTRY_", "METRICS_", "PYTEST",
               "VOUCHERS_", "IDENTITY_KEY_SECRET")
    environment = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    environment["PYTHONPATH"] = str(ROOT)  # this checkout's code, not the virtualenv's
    return environment | extra


def run_python(script: str, environment: dict[str, str]) -> str:
    """Run a script of the tests' own in a fresh interpreter; its standard output."""
    result = subprocess.run(  # noqa: S603 - this interpreter, a script written in the tests
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True,
        text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@shared_task(name="tests.config.always_fails")
def always_fails() -> None:
    raise LookupError("no such record")
