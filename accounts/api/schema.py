"""The schema states the error model: every status an operation can answer, as a Problem.

`ProblemAutoSchema` (DEFAULT_SCHEMA_CLASS) adds to each operation the problem responses that
apply to it, by rule (see `_statuses`), with the shared `Problem` component, and lists in the
operation's description the problem codes it can answer with, by status. The codes come from
the error classes (every ApplicationError subclass, by its `http_status`; an app's operations
list the classes of that app and of the apps it builds on) and from DRF's own errors.
Operations any visitor may call (the permission matrix gives the anonymous role a scope)
declare `security: []`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema

from accounts.access import scope_for
from accounts.api.problems import ProblemSerializer
from accounts.errors import ApplicationError

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# Imports point one way (reporting -> vouchers -> accounts): an app can raise its own errors
# and those of the apps below it.
APP_LAYERS = ("accounts", "vouchers", "reporting")

# DRF's own errors (and the few answers written outside an ApplicationError), by status.
GENERIC_CODES: dict[int, tuple[str, ...]] = {
    400: ("invalid", "parse_error"),
    401: ("not_authenticated", "authentication_failed", "token_expired"),
    403: ("permission_denied",),
    404: ("not_found",),
    409: (),
    415: ("unsupported_media_type",),
    422: (),
    429: ("throttled",),
    503: ("service_unavailable",),
}
WRITE_CODES: dict[int, tuple[str, ...]] = {400: ("idempotency_key_invalid",)}

TITLES = {
    400: "Bad request: a malformed body, query parameter, page or Idempotency-Key",
    401: "Not signed in, or the token is invalid, revoked or expired",
    403: "The role or scope does not allow this",
    404: "No such record (or not visible to you), or a page beyond the last",
    409: "Refused by a business rule or the record's state; an Idempotency-Key in flight",
    415: "The body's Content-Type is not one this operation reads",
    422: "Well-formed but invalid input",
    429: "Too many writes; retry after Retry-After seconds",
    503: "Database out of reach; retry after Retry-After seconds with the same Idempotency-Key",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}}

class ProblemAutoSchema(AutoSchema):
    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: Any
    ) -> dict[str, Any] | None:
        operation: dict[str, Any] | None = super().get_operation(
            path, path_regex, path_prefix, method, registry
        )
        if operation is None:
            return None
        public = self._is_public()
        if public:
            operation["security"] = []
        self._enumerate_ordering(operation)
        responses = operation["responses"]
        reference = self.resolve_serializer(ProblemSerializer, "response").ref
        for status in _statuses(operation, method=self.method, public=public):
            responses.setdefault(str(status), _problem_response(status, reference))
        statuses = sorted(int(status) for status in responses if int(status) >= 400)
        for status in statuses:
            _as_problem(responses[str(status)], status)
        codes = codes_by_status(self._app(), write=self.method not in SAFE_METHODS)
        listing = "\n".join(
            f"- {status}: " + ", ".join(f"`{code}`" for code in codes.get(status, []))
            for status in statuses
            if codes.get(status)
        )
        description = operation.get("description", "")
        separator = "\n\n" if description else ""
        operation["description"] = f"{description}{separator}Problem codes by status:\n{listing}"
        return operation

    def _enumerate_ordering(self, operation: dict[str, Any]) -> None:
        """`ordering` takes the view's ordering fields, ascending or descending: say so."""
        fields = getattr(self.view, "ordering_fields", None)
        if not isinstance(fields, list | tuple):
            return
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "ordering" and parameter["in"] == "query":
                parameter["schema"] = {
                    "type": "string",
                    "enum": [order for field in fields for order in (field, f"-{field}")],
                }

    def _is_public(self) -> bool:
        action = getattr(self.view, "access_action", None)
        if isinstance(action, dict):
            action = action.get(self.method)
        return isinstance(action, str) and scope_for(AnonymousUser(), action) is not None

    def _app(self) -> str:
        return type(self.view).__module__.split(".")[0]


def _statuses(operation: dict[str, Any], *, method: str, public: bool) -> list[int]:
    """The error statuses that apply to an operation, by what it takes and who may call it."""
    parameters = operation.get("parameters", [])
    locations = {parameter["in"] for parameter in parameters}
    names = {parameter["name"] for parameter in parameters}
    write = method not in SAFE_METHODS
    # Any token can be refused, any request can meet the input gate (a control character or an
    # over-long value in its path or query: accounts.input_limits) and a database outage.
    statuses = [400, 401, 503]
    if not public:
        statuses.append(403)
    if "path" in locations or "page" in names:
        statuses.append(404)
    if write:
        statuses += [409, 422, 429]
    if "requestBody" in operation:
        statuses.append(415)
    return sorted(statuses)


def _problem_response(status: int, reference: dict[str, str]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": TITLES[status],
        "content": {"application/problem+json": {"schema": reference}},
    }
    if status in {429, 503}:
        response["headers"] = RETRY_AFTER
    return response


def _as_problem(response: dict[str, Any], status: int) -> None:
    """A problem response a view names itself: served as application/problem+json."""
    content = response.get("content", {})
    if "application/json" in content:
        content["application/problem+json"] = content.pop("application/json")
    if response.get("description") == "Problem details (RFC 9457)" and status in TITLES:
        response["description"] = TITLES[status]
    if status in {429, 503}:
        response.setdefault("headers", RETRY_AFTER)


def codes_by_status(app: str, *, write: bool) -> dict[int, list[str]]:
    """The problem codes an operation of `app` can answer with, by status, sorted."""
    layers = APP_LAYERS[: APP_LAYERS.index(app) + 1] if app in APP_LAYERS else APP_LAYERS
    codes = {status: set(generic) for status, generic in GENERIC_CODES.items()}
    if write:
        for status, extra in WRITE_CODES.items():
            codes[status].update(extra)
    for error in _error_classes():
        # A read can be refused for access or absence only; business refusals come from writes.
        relevant = write or error.http_status in {403, 404}
        if relevant and error.__module__.split(".")[0] in layers and error.http_status in codes:
            codes[error.http_status].add(error.code)
    return {status: sorted(found) for status, found in codes.items()}


def _error_classes() -> list[type[ApplicationError]]:
    found: list[type[ApplicationError]] = []
    pending = list(ApplicationError.__subclasses__())
    while pending:
        error = pending.pop()
        found.append(error)
        pending.extend(error.__subclasses__())
    return found
