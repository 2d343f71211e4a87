"""One error family for every business refusal.

Services raise these; the web layer maps them to form errors and the API to problem
responses, each in one place. `code` is stable and machine-readable, `message` is for people.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class ApplicationError(Exception):
    code = "application_error"
    http_status = 400

    def __init__(
        self,
        message: str | Promise,  # lazy text is rendered in the language of whoever reads it
        *,
        code: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extra = extra or {}

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(ApplicationError):
    code = "invalid"
    http_status = 422


class ServiceUnavailable(ApplicationError):
    """A backing service (the shared cache) cannot record what the action needs: nothing
    changed, and the same action may be retried in a moment."""

    code = "service_unavailable"
    http_status = 503


class AccessDenied(ApplicationError):
    code = "forbidden"
    http_status = 403


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404


class Conflict(ApplicationError):
    code = "conflict"
    http_status = 409


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: str, target: str, *, record: str = "") -> None:
        label = f"{record}：" if record else ""
        super().__init__(
            f"{label}不能从「{current}」变为「{target}」",
            extra={"current": current, "target": target},
        )
        self.current = current
        self.target = target


class InvalidCreditCode(InvalidInput):
    code = "invalid_credit_code"
