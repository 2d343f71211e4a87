"""Who is asking, from where: set once per request by middleware, read by the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse

current_ip_address: ContextVar[str | None] = ContextVar("current_ip_address", default=None)


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our proxy (TRUST_X_FORWARDED_FOR) the
    right-most X-Forwarded-For entry, the one the proxy itself wrote. Also the login lockout's
    address (AXES_CLIENT_IP_CALLABLE), so both name the same client."""
    forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    remote: str | None = request.META.get("REMOTE_ADDR")
    if settings.TRUST_X_FORWARDED_FOR and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip_address.set(client_ip_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip_address.reset(token)
