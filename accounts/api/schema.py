"""The schema states the error model: every status an operation can answer, as a Problem.

`ProblemAutoSchema` (DEFAULT_SCHEMA_CLASS) adds to each operation the problem responses that
apply to it, by rule (see `_statuses`), with the shared `Problem` component, and lists in the
operation's description the problem codes it can answer with, by status. The codes come from
the error classes (every ApplicationError subclass, by its `http_status`; an app's operations
list the classes of that app and of the apps it builds on) and from DRF's own errors.
Operations any visitor may call (the permission matrix gives the anonymous role a scope)
declare `security: []`.

The schema also states the input gates, so that what it allows is accepted and what it forbids
is refused: a text query or path parameter has no control character and at most
MAX_QUERY_VALUE_LENGTH characters (accounts.input_limits); a request body has no key beyond
its fields (accounts.api.serializers.InputSerializer) and no control character in its text
but tab and line breaks (accounts.api.parsers).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from accounts.access import scope_for
from accounts.api.problems import ProblemSerializer
from accounts.api.serializers import InputSerializer
from accounts.errors import ApplicationError
from accounts.input_limits import MAX_QUERY_VALUE_LENGTH

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
    422: ("unknown_reference",),
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
# What the input gate lets through in a query or path value, and in a body's text.
NO_CONTROL_CHARACTER = "^[^\\x00-\\x1f\\x7f]*$"
# Body text may hold tab, line feed and carriage return; a required text field, whose
# surrounding white space is stripped, needs one character that is not white space.
_TEXT_CHARACTER = "[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"
TEXT = f"^{_TEXT_CHARACTER}*$"
NON_BLANK_TEXT = f"^{_TEXT_CHARACTER}*[^\\s\\x00-\\x1f\\x7f]{_TEXT_CHARACTER}*$"

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
        _constrain_text_parameters(operation)
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

    def _map_basic_serializer(self, serializer: Any, direction: str) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        if direction == "request" and isinstance(serializer, InputSerializer):
            schema["additionalProperties"] = False
            for name, field_schema in schema.get("properties", {}).items():
                field = serializer.fields.get(name)
                _constrain_text(field_schema, NON_BLANK_TEXT if _is_non_blank(field) else TEXT)
                # A list that may not be empty (drf-spectacular does not say so).
                may_be_empty = getattr(field, "allow_empty", True)
                if field_schema.get("type") == "array" and may_be_empty is False:
                    field_schema["minItems"] = max(1, field_schema.get("minItems", 1))
                if isinstance(field, serializers.FileField) and not field.allow_empty_file:
                    field_schema["minLength"] = 1  # an empty file is refused
        return schema

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


def _is_non_blank(field: Any) -> bool:
    """A text field whose value DRF strips and refuses when nothing is left."""
    if isinstance(field, serializers.ListField):
        field = field.child
    return (isinstance(field, serializers.CharField) and not field.allow_blank
            and field.trim_whitespace)


def _constrain_text_parameters(operation: dict[str, Any]) -> None:
    for parameter in operation.get("parameters", []):
        if parameter["in"] in {"query", "path"}:
            schema = parameter.get("schema", {})
            if _constrain_text(schema, NO_CONTROL_CHARACTER):
                schema.setdefault("maxLength", MAX_QUERY_VALUE_LENGTH)


def _constrain_text(schema: dict[str, Any], pattern: str) -> bool:
    """Give free text (a string with no enum, format or pattern of its own; or the items of a
    list of such strings) the pattern; whether it was free text."""
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        return _constrain_text(schema["items"], pattern)
    if schema.get("type") != "string" or {"enum", "format", "pattern"} & set(schema):
        return False
    schema["pattern"] = pattern
    return True


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
