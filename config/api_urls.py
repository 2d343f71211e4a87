"""Everything under /api/v1/: each app contributes its routes; schema and offline docs."""

from __future__ import annotations

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api.permissions import ActionPermission


class SchemaApi(SpectacularAPIView):
    permission_classes = [ActionPermission]
    access_action = "api.docs"


@method_decorator(csp_update({"style-src": [UNSAFE_INLINE]}), name="dispatch")
class DocsPage(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar; its script is a file, so script-src holds.

    Swagger UI sets inline styles; on this page alone the policy allows inline *styles*.
    """

    permission_classes = [ActionPermission]
    access_action = "api.docs"


app_name = "api"
urlpatterns = [
    path("", include("accounts.api.urls")),
    path("", include("reporting.api.urls")),
    path("", include("vouchers.api.urls")),
    path("schema/", SchemaApi.as_view(), name="schema"),
    path("docs/", DocsPage.as_view(url_name="api:schema"), name="docs"),
]
