"""The project's URLs plus views that fail in each expected and unexpected way."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

logger = logging.getLogger("tests.observability")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("无权访问")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404("没有这条记录")


def broken(request: HttpRequest) -> HttpResponse:
    raise ValueError("a bug")


def speaks(request: HttpRequest) -> HttpResponse:
    # As a view does: the user (and their organisation) loaded, then a line logged.
    logger.info("seen %s", request.user.organisation.region.code)
    return HttpResponse("ok")


urlpatterns = [
    path("test/forbidden", forbidden, name="test-forbidden"),
    path("test/missing", missing, name="test-missing"),
    path("test/broken", broken, name="test-broken"),
    path("test/speaks", speaks, name="test-speaks"),
    *project_urlpatterns,
]
