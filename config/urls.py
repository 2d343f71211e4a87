from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from accounts.message_views import language_switch
from config.observability import health, metrics

urlpatterns = [
    path("health/live", health.live, name="health-live"),
    path("health/ready", health.ready, name="health-ready"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    # Before Django's own: a signed-in user's choice also becomes the language of their mail.
    path("i18n/setlang/", language_switch, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("config.api_urls")),
    path("reports/", include("reporting.urls")),
    path("", include("vouchers.urls")),
]

# Uncaught errors: a problem document on /api/, an error page elsewhere; 503 when the
# database is out of reach (config/errors.py).
handler500 = "config.errors.server_error"
# A URL no route matches, a refusal, a bad request: a problem document on /api/, the portal's
# page elsewhere, in the user's language.
handler404 = "config.errors.page_not_found"
handler403 = "config.errors.permission_denied"
handler400 = "config.errors.bad_request"
