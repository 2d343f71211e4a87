"""Settings of the web server in tests/faults/test_requests.py: the base settings plus the
test middleware that kills the worker after a request's commit (on a test header only)."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403
from config.settings.base import MIDDLEWARE

MIDDLEWARE = ["tests.faults.exit_middleware.ExitAfterCommitMiddleware", *MIDDLEWARE]
