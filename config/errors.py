"""The answers of last resort: Django's handler400, 403, 404 and 500, for the API and the pages.

A database outage (OperationalError or InterfaceError, also as the cause of another error)
answers 503 with Retry-After; any other uncaught error 500. On /api/ paths the answer is a
problem document (application/problem+json), like every other API error; on pages it is a
plain error page in the portal's look. Nothing here touches the database: the page is
rendered without the request's context processors (user, messages, session), and if even
the template fails, a line of text answers.

A URL that matches no route (an unknown path, or an id the path converter refuses, such as
/api/v1/vouchers/abc/) never reaches DRF: handler404 answers it with a problem document on
/api/ and with the portal's not-found page elsewhere. 400 (Django's BadRequest and
SuspiciousOperation), 403 (PermissionDenied, as `action_required` raises it) and 404 pages are
rendered with the request, in the user's language; the message of the exception is not shown
(it may be an internal text in one language only).
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from accounts.api.problems import PROBLEM_TYPE

RETRY_AFTER_SECONDS = 5  # a restart or failover takes seconds; clients retry with their key
logger = logging.getLogger(__name__)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: sys.exc_info() still holds the uncaught exception here."""
    outage = database_outage(sys.exc_info()[1])
    status = 503 if outage else 500
    if request.path.startswith("/api/"):
        response = _problem(status, outage=outage)
    else:
        response = _page(status, outage=outage)
    if outage:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: a problem document on /api/, the portal's not-found page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_document(
            404, code="not_found", title="Not Found", detail=_("请求的资源不存在")
        )
    return _request_page(request, 404)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403: a problem document on /api/ (outside DRF), the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_document(
            403, code="forbidden", title="Forbidden", detail=_("您无权执行此操作")
        )
    return _request_page(request, 403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a problem document on /api/, the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return problem_document(
            400, code="bad_request", title="Bad Request", detail=_("请求有误")
        )
    return _request_page(request, 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form posted without a valid token (often an old tab) gets the
    portal's 403 page saying what to do, not Django's English technical page."""
    return _request_page(request, 403, {"csrf_failed": True})


def _request_page(
    request: HttpRequest, status: int, context: dict[str, Any] | None = None
) -> HttpResponse:
    """An error page with the request's context (the user, the language switch)."""
    try:
        content = loader.render_to_string(f"{status}.html", context or {}, request=request)
    except Exception:  # e.g. the session store is down: answer without the request's context
        logger.exception("error page %s failed to render with the request", status)
        content = loader.render_to_string(f"{status}.html", context or {})
    return HttpResponse(content, status=status)


def database_outage(error: BaseException | None) -> bool:
    """Whether `error`, or an error it was raised from, says the database is out of reach."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _problem(status: int, *, outage: bool) -> HttpResponse:
    code = "service_unavailable" if outage else "server_error"
    title = "Service Unavailable" if outage else "Internal Server Error"
    return problem_document(status, code=code, title=title, detail=_detail(outage))


def problem_document(status: int, *, code: str, title: str, detail: str) -> HttpResponse:
    """A problem document without DRF (outside any API view), the same shape as its own."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "errors": [],
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), status=status,
                        content_type="application/problem+json")


def _detail(outage: bool) -> str:
    if outage:
        return _("服务暂时不可用，请稍后重试；写请求请使用同一 Idempotency-Key 重试")
    return _("服务器内部错误，请稍后重试")


def _page(status: int, *, outage: bool) -> HttpResponse:
    try:
        content = loader.get_template(f"{status}.html").render({"outage": outage})
    except Exception:  # the error page must answer even when its own rendering fails
        logger.exception("error page %s failed to render", status)
        content = str(_detail(outage))
        return HttpResponse(content, status=status, content_type="text/plain; charset=utf-8")
    return HttpResponse(content, status=status)
