"""Production: the base settings, tightened. Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403

SECRET_KEY = env.str("DJANGO_SECRET_KEY")  # noqa: F405 - no default: refuse to start without one
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")  # noqa: F405
DEBUG = False
# No demo data or simulated years in production: their commands do not exist there.
INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "devtools"]  # noqa: F405

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)  # noqa: F405
# Probes and the metrics scraper talk plain HTTP to gunicorn on loopback.
SECURE_REDIRECT_EXEMPT = [r"^health/", r"^metrics$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# In production a connection the database dropped (restart, failover) is checked before
# each request's first query rather than failing that request: one round trip, for no 500s.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(  # noqa: F405
    "DATABASE_CONN_HEALTH_CHECKS", default=True
)

# 5xx reports by mail to ADMINS (DJANGO_ADMINS), besides the log line.
LOGGING = logging_configuration(level=LOG_LEVEL, admins_mail=True)  # noqa: F405
