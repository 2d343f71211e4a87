"""Test-only middleware: the web worker dies between a request's commit and its response.

Outermost in `tests.faults.settings_requests`, so by the time it runs the view has returned
and its transaction has committed. A request carrying EXIT_HEADER then ends the worker
process at once (os._exit, no cleanup), as a SIGKILL or an OOM kill would: the client gets
no answer although the effect is committed. Gunicorn's master starts a new worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

EXIT_HEADER = "X-Test-Exit-After-Commit"


class ExitAfterCommitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if request.headers.get(EXIT_HEADER) == "1":
            os._exit(1)
        return response
