"""The first middleware: a request id, one access log line and the HTTP metrics per request."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from config.observability import metrics
from config.observability.checks import region_codes
from config.observability.context import (
    WorkContext,
    cached_region_code,
    current_work,
    region_code_is_known,
    remember_region_codes,
    request_id_from_header,
    resolved_user,
)

access_logger = logging.getLogger("vouchers.access")
REQUEST_ID_HEADER = "X-Request-ID"


class RequestObservabilityMiddleware:
    """Outermost, so that its duration and status include every other middleware's work.

    The request id comes from an acceptable incoming X-Request-ID or is made here; it is
    echoed in the response and carried into every log line written during the request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from_header(request.headers.get(REQUEST_ID_HEADER))
        work = WorkContext(request_id=request_id, request=request)
        if settings.SENTRY_DSN:
            import sentry_sdk

            sentry_sdk.set_tag("request_id", request_id)  # an error report names its log lines
        token = current_work.set(work)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration = time.perf_counter() - started
            response[REQUEST_ID_HEADER] = request_id
            view = _view_name(request)
            metrics.observe_request(
                view=view, method=request.method or "", status=response.status_code,
                duration_seconds=duration,
            )
            _log_access(request, response, work=work, view=view, duration=duration)
            return response
        finally:
            current_work.reset(token)


def _view_name(request: HttpRequest) -> str:
    # The URL pattern's name keeps the metric's label values few; unmatched paths share one.
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return str(match.view_name or match._func_path)


def _log_access(
    request: HttpRequest, response: HttpResponse, *, work: WorkContext, view: str,
    duration: float,
) -> None:
    user = resolved_user(request)
    details: dict[str, Any] = {
        "method": request.method,
        "path": request.path,  # never the query string: it may carry tokens or personal data
        "view": view,
        "status": response.status_code,
        "duration_ms": round(duration * 1000, 1),
    }
    if user is not None:
        # The organisation is named only if the request loaded it (most pages and API calls
        # do, to check access): the access line adds no query of its own, except reading the
        # four region codes once per process.
        if not region_code_is_known(user):
            remember_region_codes(region_codes())
        details["user_id"] = user.pk
        details["region"] = cached_region_code(user)
    access_logger.info(
        "%s %s %s", request.method, request.path, response.status_code, extra=details
    )
