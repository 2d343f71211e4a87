"""Everything under /api/v1/: each app contributes its routes; schema and offline docs."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

app_name = "api"
urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("vouchers.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
