"""/health/live and /health/ready: JSON for probes, no login, never cached, no throttle.

Plain Django views (not DRF), so neither the API's authentication nor its throttles apply.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from config.observability.checks import readiness

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def live(request: HttpRequest) -> JsonResponse:
    """The process answers; touches no database, broker or cache."""
    return JsonResponse({"status": "ok", "checks": {}})


@never_cache
@require_safe
def ready(request: HttpRequest) -> JsonResponse:
    """Database reachable with every migration applied, broker and cache reachable."""
    checks = readiness()
    failing = {name: result["error"] for name, result in checks.items() if "error" in result}
    response = JsonResponse(
        {"status": "fail" if failing else "ok", "checks": checks},
        status=503 if failing else 200,
    )
    if failing:
        logger.warning("not ready: %s", failing, extra={"failing": ", ".join(failing)})
        # A probe repeats every few seconds: Django's own 5xx line (and its mail to ADMINS)
        # for each one would bury everything else. This warning and the access line stay.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response
