"""Every API error as RFC 9457 problem details, with a stable `code`.

Shape: {"type", "title", "status", "detail", "code", "errors": [{"field", "code", "message"}]}
served as application/problem+json. Business refusals (ApplicationError) and DRF's own
errors (validation, authentication, permission, throttling, 404) all come out this way.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from accounts.api.english import ENGLISH_DETAILS
from accounts.errors import ApplicationError

PROBLEM_TYPE = "urn:yrd-vouchers:problem:"
# Field errors of a well-formed body that names something that does not exist (a category or
# region code): the schema cannot say which codes exist, so this is 422, not a malformed 400.
REFERENCE_CODES = frozenset({"does_not_exist"})


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details (accounts.api.problems)."""

    class ProblemErrorSerializer(serializers.Serializer):
        field = serializers.CharField(allow_null=True)
        code = serializers.CharField()
        message = serializers.CharField()

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    # The problem member is named `errors`, as Serializer.errors is: this class only describes
    # the schema and never validates, so the shadowing is harmless.
    errors = ProblemErrorSerializer(many=True)  # type: ignore[assignment]
    extra = serializers.DictField(required=False)


def problem_response(
    *, status_code: int, code: str, detail: str, errors: list[dict] | None = None,
    extra: dict | None = None, headers: dict | None = None,
) -> Response:
    body = {
        "type": PROBLEM_TYPE + code,
        "title": _http_title(status_code),
        "status": status_code,
        "detail": detail,
        "code": code,
        "errors": errors or [],
    }
    if extra:
        body["extra"] = {key: value for key, value in extra.items() if _is_json_scalar(value)}
    response = Response(body, status=status_code, headers=headers)
    response.content_type = "application/problem+json"
    return response


def problem_exception_handler(exc, context):
    if isinstance(exc, ApplicationError):
        message = _in_request_language(exc)
        field = exc.extra.get("field")
        errors = [{"field": field, "code": exc.code, "message": message}] if field else []
        return problem_response(
            status_code=exc.http_status, code=exc.code, detail=message, errors=errors,
            extra=exc.extra,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: Django's 500 handling and logging take over
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        errors = list(_flatten(exc.detail))
        if errors and all(error["code"] in REFERENCE_CODES for error in errors):
            return problem_response(
                status_code=422, code="unknown_reference",
                detail=_("提交的数据引用了不存在的记录，请检查各字段"), errors=errors,
                headers=headers,
            )
        return problem_response(
            status_code=exc.status_code, code="invalid", detail=_("提交的数据有误，请检查各字段"),
            errors=errors, headers=headers,
        )
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return problem_response(
        status_code=exc.status_code, code=str(code), detail=str(exc.detail), headers=headers
    )


def _in_request_language(exc: ApplicationError) -> str:
    if (get_language() or "").startswith("en"):
        return ENGLISH_DETAILS.get(exc.code, str(exc.message))
    return str(exc.message)


def _flatten(detail, prefix: str = ""):
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = key if key != "non_field_errors" else ""
            yield from _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            yield from _flatten(value, f"{prefix}[{index}]" if nested else prefix)
    else:
        yield {"field": prefix or None, "code": getattr(detail, "code", "invalid"),
               "message": str(detail)}


def _http_title(status_code: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


def _is_json_scalar(value) -> bool:
    return isinstance(value, str | int | float | bool) or value is None
