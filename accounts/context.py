"""Who is asking, from where: set once per request by middleware, read by the audit trail."""

from __future__ import annotations

from contextvars import ContextVar

current_ip_address: ContextVar[str | None] = ContextVar("current_ip_address", default=None)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip_address.set(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            current_ip_address.reset(token)
