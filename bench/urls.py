"""Bench-only routes: the project's, plus `/bench/bare/`, a plain Django view (the floor)."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import include, path


def bare(request):
    return JsonResponse({"status": "ok", "items": [1, 2, 3]})


urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
