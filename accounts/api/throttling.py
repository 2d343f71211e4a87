"""Writes are throttled per user (or per IP when anonymous); reads are not.

The counters live in the default cache (Redis in production). When the cache cannot be
reached, writes go on: the throttle counts in this process's memory instead, logged as a
warning, and goes back to the shared cache as soon as it answers again. A per-process count
is looser (each web worker allows the full rate) but costs nothing and cannot fail, where
counters in PostgreSQL would add a write to every request, on the server that matters most.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
logger = logging.getLogger(__name__)

# This process's fallback counters: one per process, like Django's local-memory cache.
LOCAL_COUNTERS = LocMemCache("throttle-fallback", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


class FailOpenThrottle(SimpleRateThrottle):
    """A rate throttle that counts locally while the shared cache is down."""

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except Exception as error:  # any cache client error: redis, socket, timeout
            logger.warning("throttle cache unavailable, counting in this process: %r", error)
            self.cache = LOCAL_COUNTERS
            return super().allow_request(request, view)


class WriteRateThrottle(FailOpenThrottle):
    scope = "write"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.method in SAFE_METHODS:
            return None
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthRateThrottle(FailOpenThrottle, AnonRateThrottle):
    """For endpoints that check credentials: per client address."""

    scope = "auth"
