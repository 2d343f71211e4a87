"""One gate for hostile input in the URL and form posts, before any view or query sees it.

A NUL byte in a query parameter, a path segment or a posted form field reached PostgreSQL,
which cannot hold U+0000 in text (a 500). Rather than each view and filter guarding itself,
this middleware answers 400 when the path or any query parameter (name or value) holds a
control character, when a query value or the path is longer than any real one, or when a
form post (pages only; the API's parsers check their bodies, accounts/api/parsers.py) holds
a NUL. The answer is a problem document on /api/ and a plain error page elsewhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.template import loader
from django.utils.translation import gettext as _

from accounts.api.problems import PROBLEM_TYPE

# Longer than any real path or filter value (a search term, a date, an ordering), far shorter
# than what a hostile client sends; the database columns filtered on hold at most 255.
MAX_PATH_LENGTH = 2000
MAX_QUERY_VALUE_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class InputLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = refusal_of(request)
        if refusal is not None:
            code, field = refusal
            return _refuse(request, code=code, field=field)
        return self.get_response(request)


def refusal_of(request: HttpRequest) -> tuple[str, str] | None:
    """(code, field) of the first input this gate refuses, or None."""
    path = request.path_info
    if _CONTROL.search(path):
        return "control_character", "path"
    if len(path) > MAX_PATH_LENGTH:
        return "value_too_long", "path"
    for name, values in request.GET.lists():
        if _CONTROL.search(name) or any(_CONTROL.search(value) for value in values):
            return "control_character", name
        if any(len(value) > MAX_QUERY_VALUE_LENGTH for value in values):
            return "value_too_long", name
    if _posts_a_form(request):
        field = _field_with_nul(request.POST)
        if field is not None:
            return "control_character", field
    return None


def _posts_a_form(request: HttpRequest) -> bool:
    return (
        request.method == "POST"
        and not request.path_info.startswith("/api/")
        and (request.content_type or "").startswith(_FORM_TYPES)
    )


def _field_with_nul(data: QueryDict) -> str | None:
    for name, values in data.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name
    return None


def _message(code: str) -> str:
    if code == "value_too_long":
        return _("请求地址或查询参数过长（每项最多 %(limit)s 个字符）") % {
            "limit": MAX_QUERY_VALUE_LENGTH
        }
    return _("输入中含有不可见的控制字符（如 NUL），请删除后重试")


def _refuse(request: HttpRequest, *, code: str, field: str) -> HttpResponse:
    detail = _message(code)
    if request.path_info.startswith("/api/"):
        body = {
            "type": PROBLEM_TYPE + code,
            "title": "Bad Request",
            "status": 400,
            "detail": detail,
            "code": code,
            "errors": [{"field": _printable(field), "code": code, "message": detail}],
        }
        return HttpResponse(json.dumps(body, ensure_ascii=False), status=400,
                            content_type="application/problem+json")
    content = loader.get_template("400.html").render({"detail": detail})
    return HttpResponse(content, status=400)


def _printable(field: str) -> str:
    """The field's name as shown back: without its control characters, at most 64 long."""
    return _CONTROL.sub("", field)[:64]
